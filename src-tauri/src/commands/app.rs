use std::io::Write;

use shipdeck_core::{Result, Shipdeck};
use tauri::State;

use crate::Startup;

/// The UI calls this after its first paint, with the page's own clock
/// (milliseconds since navigation start). With SHIPDECK_BENCH set, the moment
/// is printed for the startup benchmark.
#[tauri::command]
pub fn app_ready(page_ms: Option<f64>) {
    let page_ms = page_ms.filter(|ms| ms.is_finite() && *ms >= 0.0).unwrap_or(0.0);
    tracing::info!(page_ms, "first paint");
    if std::env::var_os("SHIPDECK_BENCH").is_some() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "SHIPDECK_READY {page_ms:.1}");
        let _ = out.flush();
    }
}

/// The folder to open at start: the command-line argument, else the last
/// workspace; `null` shows the welcome screen.
#[tauri::command]
pub async fn startup_workspace(
    core: State<'_, Shipdeck>,
    startup: State<'_, Startup>,
) -> Result<Option<String>> {
    match &startup.arg {
        Some(arg) => Ok(Some(arg.display().to_string())),
        None => Ok(core.workspace_last().await?.map(|p| p.display().to_string())),
    }
}
