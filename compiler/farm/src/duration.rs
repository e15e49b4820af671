//! Durations as farm options take them: `90s`, `45m`, `6h`, `1h30m`, or plain seconds.

/// Seconds in `text`, or a message saying what is wrong.
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty duration; write e.g. `90s`, `45m`, `6h` or `1h30m`".into());
    }
    if let Ok(seconds) = t.parse::<u64>() {
        return Ok(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(format!("`{text}` is not a duration (units: s, m, h, d)")),
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration (a number before each unit)"))?;
        number.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{text}` is too long"))?;
    }
    if !number.is_empty() {
        return Err(format!("`{text}` ends without a unit (s, m, h or d)"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn durations() {
        assert_eq!(parse_seconds("90"), Ok(90));
        assert_eq!(parse_seconds("90s"), Ok(90));
        assert_eq!(parse_seconds("45m"), Ok(2700));
        assert_eq!(parse_seconds("1h30m"), Ok(5400));
        assert_eq!(parse_seconds("2d"), Ok(172_800));
        assert!(parse_seconds("").is_err());
        assert!(parse_seconds("5x").is_err());
        assert!(parse_seconds("1h30").is_err());
        assert!(parse_seconds("h").is_err());
        assert!(parse_seconds("99999999999999999999h").is_err());
    }
}
