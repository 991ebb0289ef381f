use std::io::Write;

use shipdeck_core::{Result, Shipdeck};
use tauri::{AppHandle, Manager};

use crate::Startup;

/// The UI calls this after its first paint, with the page's own clock
/// (milliseconds since navigation start). With SHIPDECK_BENCH set, the moment
/// is printed for the startup benchmark.
pub async fn app_ready(_: &AppHandle, page_ms: Option<f64>) -> Result<()> {
    let page_ms = page_ms.filter(|ms| ms.is_finite() && *ms >= 0.0).unwrap_or(0.0);
    tracing::info!(page_ms, "first paint");
    if std::env::var_os("SHIPDECK_BENCH").is_some() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "SHIPDECK_READY {page_ms:.1}");
        let _ = out.flush();
    }
    Ok(())
}

/// The folder to open at start: the command-line argument, else the last
/// workspace; `null` shows the welcome screen.
pub async fn startup_workspace(app: &AppHandle) -> Result<Option<String>> {
    match &app.state::<Startup>().arg {
        Some(arg) => Ok(Some(arg.display().to_string())),
        None => {
            let core = app.state::<Shipdeck>();
            Ok(core.workspace_last().await?.map(|p| p.display().to_string()))
        }
    }
}
