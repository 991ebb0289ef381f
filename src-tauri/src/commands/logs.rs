use shipdeck_core::logs::{LogLine, LogQuery};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::State;

use crate::LogFollower;

#[tauri::command]
pub fn logs_read(core: State<'_, Shipdeck>, query: LogQuery) -> Result<Vec<LogLine>> {
    core.logs(&query)
}

/// Streams new log lines to the Logs view; a new call replaces the last.
#[tauri::command]
pub fn logs_follow(follower: State<'_, LogFollower>, on_line: Channel<LogLine>) {
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
    let mut slot = follower.0.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(previous) = slot.replace(task) {
        previous.abort();
    }
}
