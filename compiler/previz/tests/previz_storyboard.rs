//! The contact sheet: one row per shot with its first, middle and last frames, and a PNG writer
//! that leaves no temporary files.

mod previz_common;

use std::path::Path;

use previz_common as common;
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::frame::RgbFrame;
use scene_previz::image::{scale, Fit, Footprint, Size};
use scene_previz::storyboard::{self, sample_frames, thumb_size};
use scene_previz::Previz;

fn film() -> scene_plan::schedule::FilmSchedule {
    let mut b = common::shot("reply", 30);
    b.setting.time = "dusk".into();
    b.dialogue = common::opening(30).dialogue;
    let c = common::shot("tag", 2);
    common::film(vec![common::opening(24), b, c])
}

/// Finds `needle` (a w × h RGB image) in `hay` with its left edge at `x`; returns its top row.
fn find(hay: &RgbFrame, needle: &[u8], w: usize, h: usize, x: usize) -> Option<usize> {
    let stride = hay.width as usize * 3;
    (0..=hay.height as usize - h).find(|&y| {
        (0..h).all(|r| {
            let a = (y + r) * stride + x * 3;
            hay.data[a..a + w * 3] == needle[r * w * 3..(r + 1) * w * 3]
        })
    })
}

#[test]
fn sheet_has_every_shots_sampled_frames_in_rows() {
    let film = film();
    let previz = Previz::new();
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    let rendered: Vec<Vec<RgbFrame>> = film
        .shots
        .iter()
        .map(|s| {
            previz
                .render_shot(&film, s, &inputs, &mut |_, _| {})
                .unwrap()
        })
        .collect();
    let sheet = storyboard::contact_sheet_from_frames(&film, &rendered).unwrap();
    let (tw, th) = thumb_size(film.width, film.height);
    assert_eq!((tw, th), (320, 213));
    assert_eq!(sheet.width, 28 * 2 + 3 * 320 + 2 * 14);
    assert!(sheet.height > 3 * th + 100);

    assert_eq!(sample_frames(&film.shots[0]), vec![0, 11, 23]);
    assert_eq!(sample_frames(&film.shots[2]), vec![0, 1]);
    let mut last_row = 0;
    for (i, shot) in film.shots.iter().enumerate() {
        let mut row = None;
        for (col, f) in sample_frames(shot).into_iter().enumerate() {
            let fr = &rendered[i][f as usize];
            let t = scale(
                fr.view().unwrap(),
                Size {
                    width: tw as usize,
                    height: th as usize,
                },
                Fit::Stretch,
                Footprint::Partition,
            );
            // The time label covers the thumbnail's bottom-left corner: match its top rows.
            let top = &t[..tw as usize * 3 * 150];
            let y = find(&sheet, top, tw as usize, 150, 28 + col * (320 + 14))
                .unwrap_or_else(|| panic!("shot {} frame {f} is not on the sheet", shot.name));
            assert!(
                y > last_row,
                "shot {} is not below the previous one",
                shot.name
            );
            if let Some(r) = row {
                assert_eq!(r, y, "the frames of shot {} are not on one row", shot.name);
            }
            row = Some(y);
        }
        last_row = row.unwrap();
    }

    // The previz sheet renders only the sampled frames and gives the same picture.
    let direct = storyboard::previz_contact_sheet(&film, &previz, Path::new(".")).unwrap();
    assert!(direct == sheet);
}

#[test]
fn png_round_trips_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = RgbFrame::new(64, 32);
    for y in 0..32 {
        for x in 0..64 {
            f.put(x, y, [x as u8 * 4, y as u8 * 8, 77]);
        }
    }
    let path = dir.path().join("board.png");
    storyboard::write_png(&f, &path).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("board.png")]);
    let dec = png::Decoder::new(std::fs::File::open(&path).unwrap());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (64, 32));
    assert_eq!(&buf[..info.buffer_size()], &f.data[..]);
    // A directory that does not exist is an I/O error, not a panic.
    assert!(storyboard::write_png(&f, &dir.path().join("no/such/dir.png")).is_err());
}
