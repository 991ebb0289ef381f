//! The desktop app: opens the core, registers the thin commands in
//! [`commands`], and runs the window. No behaviour lives here.

mod commands;
mod input;

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
    let core = match tauri::async_runtime::block_on(Shipdeck::open(paths)) {
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
        .invoke_handler(tauri::generate_handler![
            commands::app::app_ready,
            commands::app::startup_workspace,
            commands::workspace::workspace_open,
            commands::workspace::workspace_recent,
            commands::workspace::workspace_forget,
            commands::workspace::workspace_scan,
            commands::workspace::workspace_last_scan,
            commands::workspace::workspace_chart,
            commands::workspace::demo_create_default,
            commands::activity::activity_list,
            commands::activity::jobs_running,
            commands::activity::job_cancel,
            commands::logs::logs_read,
            commands::logs::logs_follow,
            commands::settings::secret_set,
            commands::settings::secret_list,
            commands::settings::secret_rm,
            commands::doctor::doctor_run,
            commands::releases::release_plan,
            commands::releases::release_cut,
            commands::releases::release_publish,
            commands::releases::release_rollback,
            commands::releases::release_history,
            commands::releases::release_cadence_chart,
            commands::migrations::migration_databases,
            commands::migrations::migrate_status,
            commands::migrations::migrate_up,
            commands::migrations::migrate_down,
            commands::migrations::migrate_create,
            commands::migrations::migrate_lint,
            commands::migrations::migrate_repair,
            commands::migrations::migrate_baseline,
            commands::migrations::migrate_show,
            commands::migrations::migration_runs,
            commands::migrations::migration_chart,
            commands::environments::env_parity,
            commands::environments::env_parity_chart,
            commands::environments::env_reveal,
            commands::environments::env_health,
            commands::environments::env_readiness,
            commands::environments::env_doctor,
            commands::environments::env_history,
            commands::environments::env_history_chart,
            commands::docs::docs_schema,
            commands::advisor::advisor_checks,
            commands::advisor::advisor_run,
            commands::advisor::advisor_latest,
            commands::advisor::advisor_suggest,
            commands::advisor::advisor_accept,
            commands::advisor::advisor_dismiss,
            commands::advisor::advisor_restore,
            commands::advisor::advisor_runs,
            commands::advisor::advisor_charts,
            commands::bench::bench_scenarios,
            commands::bench::bench_run,
            commands::bench::bench_http,
            commands::bench::bench_history,
            commands::bench::bench_compare,
            commands::bench::bench_chart,
            commands::bench::bench_percentile_chart,
            commands::bench::bench_sweep_chart,
        ])
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
