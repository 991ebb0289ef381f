//! The desktop app: opens the core, registers the commands of the table in
//! `commands/table.rs` (see [`seam`]), and runs the window. No behaviour
//! lives here.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

mod commands;
mod input;
pub mod seam;

use std::path::PathBuf;
use std::sync::Mutex;

use shipdeck_core::{Paths, Shipdeck};

/// What the window should show first.
pub struct Startup {
    /// A folder given on the command line (`shipdeck-app DIR`).
    pub arg: Option<PathBuf>,
}

/// The task forwarding live log lines to the Logs view (one at a time).
#[derive(Default)]
pub struct LogFollower(pub Mutex<Option<tauri::async_runtime::JoinHandle<()>>>);

pub fn run() {
    let paths = match Paths::resolve(None) {
        Ok(p) => p,
        Err(e) => fail(&e),
    };
    let _log_guard = shipdeck_core::logs::init_file(&paths.logs_dir())
        .map_err(|e| eprintln!("warning: file logging is off: {}", e.payload().message))
        .ok();
    let opened = tauri::async_runtime::block_on(async {
        let core = Shipdeck::open(paths).await?;
        // A store that cannot be opened (a shared one that is down) is
        // no reason to quit: the window says why and offers the way out.
        if let Err(e) = core.open_store().await {
            tracing::warn!(code = %e.code(), "the store cannot be opened: {}", e.payload().message);
        }
        Ok::<_, shipdeck_core::Error>(core)
    });
    let core = match opened {
        Ok(core) => core.only_opened_workspaces(),
        Err(e) => fail(&e),
    };
    let arg = std::env::args_os().nth(1).map(PathBuf::from);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "app starting");
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(core)
        .manage(Startup { arg })
        .manage(LogFollower::default())
        .invoke_handler(seam::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the app window failed");
        eprintln!("error: the app window failed: {e}");
        std::process::exit(2);
    }
}

fn fail(e: &shipdeck_core::Error) -> ! {
    let p = e.payload();
    tracing::error!(code = %p.code, "{}", p.message);
    eprintln!("error[{}]: {}", p.code, p.message);
    if let Some(hint) = p.hint {
        eprintln!("hint: {hint}");
    }
    std::process::exit(if e.is_user_error() { 1 } else { 2 });
}
