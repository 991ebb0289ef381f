use shipdeck_core::logs::{LogLine, LogQuery};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::LogFollower;

pub async fn logs_read(core: &Shipdeck, query: LogQuery) -> Result<Vec<LogLine>> {
    core.logs(&query)
}

/// Streams new log lines to the Logs view; a new call replaces the last.
pub async fn logs_follow(app: &AppHandle, on_line: Channel<LogLine>) -> Result<()> {
    let mut rx = shipdeck_core::logs::subscribe();
    let task = tauri::async_runtime::spawn(async move {
        while let Ok(line) = rx.recv().await {
            if let Some(parsed) = LogLine::parse(&line) {
                if on_line.send(parsed).is_err() {
                    break;
                }
            }
        }
    });
    let follower = app.state::<LogFollower>();
    let mut slot = follower.0.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(previous) = slot.replace(task) {
        previous.abort();
    }
    Ok(())
}
