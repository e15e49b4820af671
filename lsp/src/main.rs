//! `scene-lsp`: the .scene language server on stdio.

fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("scene-lsp: cannot start the async runtime: {e}");
            std::process::exit(2);
        }
    };
    runtime.block_on(scene_lsp::proto::serve());
    // Checks still running on blocking threads must not keep the process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    std::process::exit(0);
}
