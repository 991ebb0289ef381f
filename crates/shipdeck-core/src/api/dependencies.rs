//! The Dependencies area's actions: what is outdated, read from the
//! registries. A read: nothing is recorded, but it takes time, so it runs as
//! a job with progress and cancel. Registry answers are cached (and
//! revalidated) under the data folder. `[dependencies]` in shipdeck.toml
//! leaves rows out, clears disallowed classes and groups rows; rows whose
//! update fixes a known advisory are labelled with it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::Shipdeck;
use crate::dependencies::{
    self, OutdatedOptions, OutdatedReport, ProposeOutcome, ProposeRequest, Rules, UpdateOutcome,
    UpdateRequest, UserEnv,
};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};

/// The Node.js version npm would run under, for its preference of versions
/// whose `engines.node` allows it; None without a working `node`.
async fn node_version() -> Option<String> {
    let run = tokio::process::Command::new("node")
        .arg("--version")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .ok()?
        .ok()?;
    let v = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && v.starts_with('v') && v.len() < 32).then_some(v)
}

fn summary(r: &OutdatedReport) -> String {
    let behind = r.dependencies.iter().filter(|d| d.class.is_some()).count();
    format!("{behind} of {} dependencies behind", r.dependencies.len())
}

impl Shipdeck {
    /// Every direct dependency of every manifest with its locked, wanted and
    /// latest version and the update class (`deps outdated`).
    pub async fn deps_outdated(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<OutdatedReport> {
        let (ws, node) = tokio::join!(self.workspace(path), node_version());
        let ws = ws?;
        let config = ws.config_or_default()?;
        let opts = OutdatedOptions {
            cache_dir: Some(self.paths.data_dir.join("cache").join("registries")),
            env: UserEnv::from_process(),
            node_version: node,
            ..OutdatedOptions::default()
        };
        let root = ws.root.clone();
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::DepsOutdated, sink, move |p| {
                let labels = super::dependencies_labels::start(&root, config.security.vulns.osv_url);
                let mut report = dependencies::outdated(&root, &opts, p)?;
                report.dependencies = config.dependencies.apply(report.dependencies);
                report.schedule = config.dependencies.schedule;
                labels.label(&mut report);
                Ok(JobOutput {
                    summary: summary(&report),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}

impl Shipdeck {
    /// Update branches for the outdated dependencies `request` selects
    /// (`deps update`); a dry run shows the diffs and commands only.
    pub async fn deps_update(
        &self,
        path: &Path,
        request: UpdateRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<UpdateOutcome> {
        let _ = (path, request, sink);
        Err(crate::error::Error::Internal(
            "deps update is not built yet".into(),
        ))
    }

    /// Pushes update branches and opens or updates their pull/merge
    /// requests (`deps propose`).
    pub async fn deps_propose(
        &self,
        path: &Path,
        request: ProposeRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<ProposeOutcome> {
        let _ = (path, request, sink);
        Err(crate::error::Error::Internal(
            "deps propose is not built yet".into(),
        ))
    }
}
