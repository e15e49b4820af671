//! Item 10: goldens were trusted as they were found. Another film's goldens exited 1 as if
//! every shot regressed; an edited or truncated hash list read as a renderer regression; a
//! golden schedule that is a symlink to /dev/zero hung; a shot named `../../victim` in
//! golden.json opened a path outside the goldens. Goldens are now validated first — the film's
//! title, a checksum over every golden file, shot names as identifiers, regular files only —
//! and a bad golden set exits 2 with E0903.

use crate::common::{small_project, Project};
use crate::harness::{scenec, Bounds, Inputs};

fn blessed() -> Project {
    let p = small_project();
    scenec(
        p.dir.path(),
        &["verify", "film.scene", "--golden", "golden", "--bless"],
        Bounds::QUICK,
    )
    .expect(0, "blessed");
    p
}

fn verify(p: &Project) -> crate::harness::Run {
    scenec(
        p.dir.path(),
        &["verify", "film.scene", "--golden", "golden"],
        Bounds::QUICK,
    )
}

fn edit_index(p: &Project, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = p.path("golden/golden.json");
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut index);
    std::fs::write(&path, serde_json::to_string_pretty(&index).unwrap()).unwrap();
}

#[test]
fn goldens_verify_after_blessing() {
    let p = blessed();
    verify(&p).expect(0, "3 of 3 shots match");
}

#[test]
fn another_films_goldens_are_refused() {
    let p = blessed();
    let film = std::fs::read_to_string(p.path("film.scene")).unwrap();
    p.write(
        "film.scene",
        &film.replace("film \"Small\"", "film \"Other\""),
    );
    verify(&p).expect(2, "E0903").expect(
        2,
        "blessed for the film \"Small\", and this film is \"Other\"",
    );
}

#[test]
fn an_edited_or_truncated_hash_list_is_a_broken_golden_not_a_regression() {
    let p = blessed();
    edit_index(&p, |index| {
        let hashes = index["shots"][0]["frame_hashes"].as_array_mut().unwrap();
        hashes[3] = serde_json::json!("00000000000000000000000000000000");
    });
    verify(&p)
        .expect(2, "E0903")
        .expect(2, "checksum does not match");

    let p = blessed();
    edit_index(&p, |index| {
        let hashes = index["shots"][1]["frame_hashes"].as_array_mut().unwrap();
        hashes.truncate(2);
    });
    verify(&p).expect(2, "E0903");

    // A thumbnail truncated on disk.
    let p = blessed();
    let thumb = p.path("golden/shots/first-00000.png");
    let bytes = std::fs::read(&thumb).unwrap();
    std::fs::write(&thumb, &bytes[..bytes.len() / 2]).unwrap();
    verify(&p).expect(2, "E0903").expect(2, "checksum");
}

#[test]
fn a_golden_schedule_that_is_a_symlink_to_dev_zero_is_refused_at_once() {
    let p = blessed();
    let schedule = p.path("golden/shots/second.schedule.json");
    std::fs::remove_file(&schedule).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &schedule).unwrap();
    verify(&p)
        .expect(2, "E0903")
        .expect(2, "not a regular file");
    // golden.json itself, as a FIFO.
    let p = blessed();
    std::fs::remove_file(p.path("golden/golden.json")).unwrap();
    crate::harness::mkfifo(&p.path("golden/golden.json"));
    verify(&p)
        .expect(2, "E0903")
        .expect(2, "not a regular file");
}

#[test]
fn a_shot_name_that_leaves_the_goldens_is_refused() {
    let p = blessed();
    std::fs::create_dir_all(p.path("victim_dir")).unwrap();
    p.write("victim.schedule.json", "{}");
    let inputs = Inputs::of(p.dir.path());
    edit_index(&p, |index| {
        index["shots"][0]["name"] = serde_json::json!("../../victim");
    });
    verify(&p)
        .expect(2, "E0903")
        .expect(2, "which is not a shot name");
    // A thumbnail path out of the layout is refused the same way.
    let p = blessed();
    edit_index(&p, |index| {
        index["shots"][0]["thumbnails"][0]["file"] = serde_json::json!("../film.scene");
    });
    verify(&p)
        .expect(2, "E0903")
        .expect(2, "not where goldens keep it");
    drop(inputs);
}

/// A remix of [`blessed`]'s film: retitled, with one shot changed.
fn remix_of(p: &Project) {
    p.write(
        "remix.scene",
        "film \"Small (remixed)\" extends \"film.scene\" {}\n\
         override shot third 1s {\n    camera wide, pan left 20deg\n    prompt \"the yard at dusk\"\n}\n",
    );
}

#[test]
fn a_remix_blesses_and_verifies_its_own_goldens() {
    let p = blessed();
    remix_of(&p);
    scenec(
        p.dir.path(),
        &[
            "verify",
            "remix.scene",
            "--golden",
            "goldens/remix",
            "--bless",
        ],
        Bounds::QUICK,
    )
    .expect(0, "blessed 3 shots");
    scenec(
        p.dir.path(),
        &["verify", "remix.scene", "--golden", "goldens/remix"],
        Bounds::QUICK,
    )
    .expect(0, "3 of 3 shots match");
    // The base's goldens are untouched by the remix's.
    verify(&p).expect(0, "3 of 3 shots match");
}

#[test]
fn a_retitled_remix_is_compared_with_its_bases_goldens_not_refused() {
    let p = blessed();
    remix_of(&p);
    // Retitling changes no shot: against the base's goldens, exactly the overridden shot
    // differs, as for a remix that keeps the base's title.
    let run = scenec(
        p.dir.path(),
        &["verify", "remix.scene", "--golden", "golden"],
        Bounds::QUICK,
    );
    run.expect(1, "REGRESSED third").expect(
        1,
        "comparing the remix \"Small (remixed)\" with the goldens of the film it extends, \"Small\"",
    );
    assert!(!run.both().contains("E0903"), "{}", run.both());
    assert!(
        !run.both().contains("REGRESSED first") && !run.both().contains("REGRESSED second"),
        "{}",
        run.both()
    );
}

#[test]
fn blessing_a_remix_over_its_bases_goldens_is_refused() {
    let p = blessed();
    remix_of(&p);
    let before = std::fs::read(p.path("golden/golden.json")).unwrap();
    scenec(
        p.dir.path(),
        &["verify", "remix.scene", "--golden", "golden", "--bless"],
        Bounds::QUICK,
    )
    .expect(2, "E0906")
    .expect(2, "blessing \"Small (remixed)\" there would replace them");
    assert_eq!(std::fs::read(p.path("golden/golden.json")).unwrap(), before);
    verify(&p).expect(0, "3 of 3 shots match");
}
