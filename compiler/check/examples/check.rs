//! Checks a film and prints its diagnostics and how long checking took:
//! `cargo run -p scene-check --release --example check -- FILM.scene [--json]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: check FILE [--json]");
        std::process::exit(2);
    };
    let json = args.next().as_deref() == Some("--json");
    let started = std::time::Instant::now();
    let checked = scene_check::check_entry(std::path::Path::new(&path), &scene_check::RealFs);
    let elapsed = started.elapsed();
    if json {
        println!("{}", scene_check::render::json(&checked));
    } else {
        print!("{}", scene_check::render::human(&checked, false));
    }
    eprintln!(
        "{} shots, {} diagnostics, checked in {:.2} ms",
        checked.film.shots.len(),
        checked.diagnostics.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    std::process::exit(i32::from(checked.has_errors()));
}
