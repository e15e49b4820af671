//! Prints the parse of a file: `cargo run -p scene-syntax --example dump -- FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let src = String::from_utf8_lossy(&bytes);
    let parse = scene_syntax::parse(scene_syntax::FileId(0), &src);
    println!("{:#?}", parse.file.items);
    for d in &parse.diagnostics {
        println!(
            "{}: {} at {}..{}",
            d.code, d.message, d.span.start, d.span.end
        );
    }
}
