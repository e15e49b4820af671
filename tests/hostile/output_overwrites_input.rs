//! Item 3: `scenec render film.scene -o film.scene` exited 0 with the script replaced by an
//! MP4, and `-o refs/aiko.png` destroyed the asset. Any output that is an input, a golden or
//! inside the cache is now refused with E0901 and exit 2, before anything is written.

use crate::common::{small_project, Project};
use crate::harness::{scenec, small_png, Bounds, Inputs};

/// The small film with an import, an image asset and goldens blessed.
fn project() -> Project {
    let p = small_project();
    let film = std::fs::read_to_string(p.path("film.scene")).unwrap();
    p.write(
        "film.scene",
        &format!(
            "import \"cast.scene\"\n{}",
            film.replace(
                "color #e0b000",
                "color #e0b000\n    reference \"refs/aiko.png\""
            )
        ),
    );
    p.write("cast.scene", "character kenji { description \"a man\" }\n");
    p.write_bytes("refs/aiko.png", &small_png());
    let bless = scenec(
        p.dir.path(),
        &["verify", "film.scene", "--golden", "golden", "--bless"],
        Bounds::QUICK,
    );
    bless.expect(0, "blessed");
    p
}

fn refused(p: &Project, args: &[&str], what: &str) {
    let inputs = Inputs::of(p.dir.path());
    scenec(p.dir.path(), args, Bounds::QUICK)
        .expect(2, "E0901")
        .expect(2, what);
    inputs.unchanged(p.dir.path());
}

#[test]
fn render_never_writes_over_an_input() {
    let p = project();
    fn render(out: &str) -> Vec<&str> {
        vec!["render", "film.scene", "-o", out]
    }
    refused(&p, &render("film.scene"), "the film's entry file");
    refused(&p, &render("./sub/../film.scene"), "the film's entry file");
    refused(
        &p,
        &render("cast.scene"),
        "`cast.scene`, which the film reads",
    );
    refused(
        &p,
        &render("refs/aiko.png"),
        "`refs/aiko.png`, which the film reads",
    );
    refused(&p, &render("bell.wav"), "`bell.wav`, which the film reads");
    refused(
        &p,
        &render("scene.toml"),
        "`scene.toml`, which the film reads",
    );
    refused(
        &p,
        &render(".scene-cache/film.mp4"),
        "inside the shot cache",
    );
    refused(
        &p,
        &render(".scene-cache/new/film.mp4"),
        "inside the shot cache",
    );
    refused(
        &p,
        &render("golden/golden.json"),
        "inside the golden directory",
    );
    refused(
        &p,
        &render("golden/shots/x.mp4"),
        "inside the golden directory",
    );
    // An absolute path and a symlinked folder name the same files.
    let absolute = p.path("film.scene");
    refused(
        &p,
        &render(absolute.to_str().unwrap()),
        "the film's entry file",
    );
    std::os::unix::fs::symlink(p.path("refs"), p.path("linked")).unwrap();
    refused(
        &p,
        &render("linked/aiko.png"),
        "`refs/aiko.png`, which the film reads",
    );
}

#[test]
fn the_files_beside_the_mp4_are_guarded_too() {
    // `render film.srt` writes `film.srt` as its subtitles: the entry file itself.
    let p = project();
    std::fs::copy(p.path("film.scene"), p.path("film.srt")).unwrap();
    refused(&p, &["render", "film.srt"], "the film's entry file");
    // `-o refs/aiko.mp4` would write `refs/aiko.provenance.json` and friends: fine, and the
    // asset beside them is untouched.
    let inputs = Inputs::of(p.dir.path());
    scenec(
        p.dir.path(),
        &["render", "film.scene", "-o", "refs/aiko.mp4"],
        Bounds::QUICK,
    )
    .expect(0, "wrote");
    inputs.unchanged(p.dir.path());
}

#[test]
fn storyboard_and_verify_reports_are_guarded() {
    let p = project();
    refused(
        &p,
        &["storyboard", "film.scene", "-o", "refs/aiko.png"],
        "which the film reads",
    );
    refused(
        &p,
        &[
            "verify",
            "film.scene",
            "--golden",
            "golden",
            "--report",
            "film.scene",
        ],
        "the film's entry file",
    );
    refused(
        &p,
        &[
            "verify",
            "film.scene",
            "--golden",
            "golden",
            "--report",
            "golden/report.html",
        ],
        "inside the golden directory",
    );
}
