//! Film time codes, `HH:MM:SS:FF` at the film's frame rate.

pub fn format(frame: u32, fps: u32) -> String {
    let fps = fps.max(1);
    let seconds = frame / fps;
    let ff = frame % fps;
    format!(
        "{:02}:{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        ff
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::format(0, 24), "00:00:00:00");
        assert_eq!(super::format(24 * 61 + 5, 24), "00:01:01:05");
    }
}
