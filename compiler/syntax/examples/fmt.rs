//! Formats a file to stdout: `cargo run -p scene-syntax --example fmt -- FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: fmt FILE");
        std::process::exit(2);
    };
    let src = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match scene_syntax::format(&src) {
        Ok(out) => print!("{out}"),
        Err(errors) => {
            for d in errors {
                eprintln!(
                    "{}: {} at {}..{}",
                    d.code, d.message, d.span.start, d.span.end
                );
            }
            std::process::exit(1);
        }
    }
}
