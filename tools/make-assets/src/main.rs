//! `make-assets <repo root>`: regenerates the example films' images and sounds in place.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match args.as_slice() {
        [root] if root != "-h" && root != "--help" => PathBuf::from(root),
        _ => {
            eprintln!("usage: make-assets <repository root>\n\nwrites examples/*/{{audio,refs,keyframes}}/* under the given root");
            return ExitCode::from(2);
        }
    };
    if !root.is_dir() {
        eprintln!("error: {} is not a directory", root.display());
        return ExitCode::from(2);
    }
    let mut total = 0usize;
    for asset in make_assets::ASSETS {
        let bytes = match asset.render() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: encoding {}: {e}", asset.path);
                return ExitCode::from(2);
            }
        };
        let path = root.join(asset.path);
        if let Err(e) = make_assets::write_atomically(&path, &bytes) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{:>9}  {}", bytes.len(), asset.path);
        total += bytes.len();
    }
    println!("{total:>9}  total, {} files", make_assets::ASSETS.len());
    ExitCode::SUCCESS
}
