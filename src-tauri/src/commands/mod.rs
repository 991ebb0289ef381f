//! What each command does, one module per area. Each is a one-liner into
//! the core: validate the input, call, return `{code, message, hint}` on
//! error. The commands themselves are declared once, in `table.rs`.

pub mod activity;
pub mod advisor;
pub mod app;
pub mod audit;
pub mod benchmarks;
pub mod blueprints;
pub mod bundle;
pub mod coverage;
pub mod dependencies;
pub mod docs;
pub mod doctor;
pub mod environments;
pub mod logs;
pub mod migrations;
pub mod readiness;
pub mod releases;
pub mod rollback;
pub mod secrets;
pub mod security;
pub mod store;
pub mod workspace;

use shipdeck_core::jobs::{ProgressEvent, ProgressSink};
use tauri::ipc::Channel;

/// Forwards job progress to the webview.
pub struct ChannelSink(pub Channel<ProgressEvent>);

impl ProgressSink for ChannelSink {
    fn emit(&self, event: &ProgressEvent) {
        if let Err(e) = self.0.send(event.clone()) {
            tracing::debug!(error = %e, "progress channel closed");
        }
    }
}
