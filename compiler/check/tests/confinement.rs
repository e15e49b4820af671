//! The project root confines every import and asset, symlinks included, and nothing outside it
//! is ever read. Import cycles list every link.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scene_check::{check_entry, codes, render, RealFs, Stat, Vfs};

/// The real file system, remembering every path read.
#[derive(Default)]
struct Recording {
    reads: Mutex<Vec<PathBuf>>,
}

impl Vfs for Recording {
    fn stat(&self, path: &Path) -> io::Result<Stat> {
        RealFs.stat(path)
    }
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.reads.lock().unwrap().push(path.to_path_buf());
        RealFs.read_to_string(path)
    }
    fn open(&self, path: &Path) -> io::Result<std::fs::File> {
        self.reads.lock().unwrap().push(path.to_path_buf());
        RealFs.open(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        RealFs.canonicalize(path)
    }
    fn exists(&self, path: &Path) -> bool {
        RealFs.exists(path)
    }
}

const PRELUDE: &str = "location street { description \"a street\" }\n";

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_refused_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(project.join("refs")).unwrap();
    std::fs::write(outside.join("secret.png"), "not for you").unwrap();
    std::fs::write(
        outside.join("cast.scene"),
        "character spy { description \"a spy\" }",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("secret.png"), project.join("refs/face.png")).unwrap();
    std::os::unix::fs::symlink(outside.join("cast.scene"), project.join("cast.scene")).unwrap();
    std::os::unix::fs::symlink(&outside, project.join("linked")).unwrap();
    std::fs::write(
        project.join("film.scene"),
        format!(
            "{PRELUDE}import \"cast.scene\"\ncharacter aiko {{ description \"a woman\"\n reference \"refs/face.png\" }}\n\
             scene s at street {{ shot a 2s {{ keyframe at 0s \"linked/secret.png\" }} }}\n"
        ),
    )
    .unwrap();
    let fs = Recording::default();
    let checked = check_entry(&project.join("film.scene"), &fs);
    let codes_seen: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.0).collect();
    assert_eq!(
        codes_seen.iter().filter(|c| **c == codes::E0602.0).count(),
        2,
        "{}",
        render::human(&checked, false)
    );
    assert!(
        codes_seen.contains(&codes::E0502.0),
        "{}",
        render::human(&checked, false)
    );
    let outside = outside.canonicalize().unwrap();
    for read in fs.reads.lock().unwrap().iter() {
        assert!(
            !read.starts_with(&outside),
            "read {} outside the project root",
            read.display()
        );
    }
    // The failed import defined nothing.
    assert!(checked.film.characters.iter().all(|c| c.id != "spy"));
}

#[test]
fn the_root_is_the_nearest_ancestor_with_scene_toml() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("scenes")).unwrap();
    std::fs::create_dir_all(project.join("cast")).unwrap();
    std::fs::write(project.join("scene.toml"), "").unwrap();
    std::fs::write(
        project.join("cast/aiko.scene"),
        "character aiko { description \"a woman\" }",
    )
    .unwrap();
    let entry = project.join("scenes/film.scene");
    std::fs::write(&entry, format!("{PRELUDE}import \"../cast/aiko.scene\"\nscene s at street {{ shot a 1s {{ aiko at center }} }}")).unwrap();
    let checked = check_entry(&entry, &RealFs);
    assert!(!checked.has_errors(), "{}", render::human(&checked, false));
    assert_eq!(checked.project_root, project.canonicalize().unwrap());
    assert_eq!(
        checked.sources.path(scene_syntax::FileId(0)),
        Path::new("scenes/film.scene")
    );
    assert!(checked
        .dependencies
        .contains(&project.canonicalize().unwrap().join("scene.toml")));

    // Without scene.toml the entry's folder is the root and the same import leaves it.
    std::fs::remove_file(project.join("scene.toml")).unwrap();
    let checked = check_entry(&entry, &RealFs);
    assert!(
        checked.diagnostics.iter().any(|d| d.code == codes::E0502),
        "{}",
        render::human(&checked, false)
    );
}

#[test]
fn an_import_cycle_lists_every_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("film.scene"), "import \"a.scene\"\n").unwrap();
    std::fs::write(root.join("a.scene"), "import \"b.scene\"\n").unwrap();
    std::fs::write(root.join("b.scene"), "import \"c.scene\"\n").unwrap();
    std::fs::write(
        root.join("c.scene"),
        "import \"a.scene\"\nimport \"c.scene\"\n",
    )
    .unwrap();
    let checked = check_entry(&root.join("film.scene"), &RealFs);
    let cycles: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::E0503)
        .collect();
    assert_eq!(cycles.len(), 2, "{}", render::human(&checked, false));
    let long = cycles
        .iter()
        .find(|d| d.related.len() == 2)
        .expect("the a → b → c → a cycle");
    assert_eq!(
        long.message,
        "import cycle: a.scene → b.scene → c.scene → a.scene"
    );
    assert_eq!(checked.sources.path(long.span.file), Path::new("c.scene"));
    let self_import = cycles
        .iter()
        .find(|d| d.related.is_empty())
        .expect("c imports itself");
    assert_eq!(self_import.message, "import cycle: c.scene → c.scene");
    // Each file was loaded once.
    assert_eq!(checked.sources.len(), 4);
}

#[test]
fn a_diamond_of_imports_is_not_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("film.scene"),
        "import \"a.scene\"\nimport \"b.scene\"\n",
    )
    .unwrap();
    std::fs::write(root.join("a.scene"), "import \"c.scene\"\n").unwrap();
    std::fs::write(root.join("b.scene"), "import \"c.scene\"\n").unwrap();
    std::fs::write(
        root.join("c.scene"),
        "character aiko { description \"a woman\" }\n",
    )
    .unwrap();
    let checked = check_entry(&root.join("film.scene"), &RealFs);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        render::human(&checked, false)
    );
    assert_eq!(checked.film.characters.len(), 1);
}

#[test]
fn an_asset_is_identified_by_content_not_extension() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A PNG named .wav is not audio; a real PNG named .jpg is a fine image.
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(4, 2, image::Rgb([1, 2, 3]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    std::fs::write(root.join("sound.wav"), png.get_ref()).unwrap();
    std::fs::write(root.join("face.jpg"), png.get_ref()).unwrap();
    std::fs::write(
        root.join("film.scene"),
        "sound s = sfx \"sound.wav\"\ncharacter aiko { description \"a woman\"; reference \"face.jpg\" }\n",
    )
    .unwrap();
    let checked = check_entry(&root.join("film.scene"), &RealFs);
    let errors: Vec<_> = checked.errors().map(|d| d.code).collect();
    assert_eq!(
        errors,
        vec![codes::E0603],
        "{}",
        render::human(&checked, false)
    );
    let reference = checked.film.characters[0].reference.as_ref().unwrap();
    assert_eq!(
        reference.kind,
        scene_check::film::AssetKind::Image {
            width: 4,
            height: 2
        }
    );
}
