//! Item 11 (in part): a film with no shots used to render an MP4 with no streams and exit 0.
//! It is now E0902, exit 2, and nothing is written.

use crate::common::Project;
use crate::harness::{scenec, Bounds, PRELUDE};

#[test]
fn an_empty_film_is_refused_by_every_command_that_renders() {
    let p = Project::new();
    p.write(
        "film.scene",
        &format!("film \"Nothing\" {{ fps 24 }}\n{PRELUDE}"),
    );
    // It checks: a file of definitions is a valid script.
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK).expect(0, "");
    for args in [
        &["render", "film.scene", "-o", "film.mp4"][..],
        &["storyboard", "film.scene", "-o", "board.png"],
        &["verify", "film.scene", "--golden", "golden", "--bless"],
    ] {
        scenec(p.dir.path(), args, Bounds::QUICK)
            .expect(2, "E0902")
            .expect(2, "the film has no shots");
    }
    for output in ["film.mp4", "film.srt", "board.png", "golden"] {
        assert!(!p.path(output).exists(), "{output} was written");
    }
}
