//! `docs check`: the workspace's Markdown pages against the code they
//! reference (stale when it changed after them) and their links. A read
//! run as a job with progress and cancel; nothing is recorded but the
//! reviews `--mark-reviewed` asks for (`docs_mark_reviewed`).

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::config::{Config, DocsFailOn};
use crate::docs_check::links::LinkOptions;
use crate::docs_check::{self, CheckOptions, DocsReport, FailOn, Review};
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::workspace::Workspace;

/// What the Docs view asks for.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct DocsCheckRequest {
    /// Check external links too (answers cached for a day).
    #[serde(default)]
    pub links: bool,
}

fn fail_on(configured: Option<&[DocsFailOn]>) -> FailOn {
    configured.map_or_else(FailOn::default, |v| FailOn {
        stale: v.contains(&DocsFailOn::Stale),
        broken: v.contains(&DocsFailOn::Broken),
    })
}

impl Shipdeck {
    /// `docs check`'s options: `[docs] check` and `fail_on`, the recorded
    /// reviews, and external links (cached in the data folder) with `links`.
    pub(super) async fn docs_check_options(
        &self,
        ws: &Workspace,
        config: &Config,
        links: bool,
    ) -> Result<CheckOptions> {
        Ok(CheckOptions {
            globs: config.docs.check.clone(),
            fail_on: fail_on(config.docs.fail_on.as_deref()),
            reviews: self.store_ref().docs_reviews(&ws.id).await?,
            links: links.then(|| LinkOptions {
                cache: Some(self.paths().data_dir.join("cache").join("docs-links.json")),
                ..LinkOptions::default()
            }),
        })
    }

    /// Every page of the workspace: its references dated against the git
    /// history and its broken links (external ones too with `links`,
    /// answers cached in the data folder for a day).
    pub async fn docs_check(
        &self,
        path: &Path,
        links: bool,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<DocsReport> {
        let ws = self.workspace(path).await?;
        let config = ws.config_or_default()?;
        let root = ws.root.clone();
        let opts = self.docs_check_options(&ws, &config, links).await?;
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::DocsCheck, sink, move |p| {
                let report = docs_check::check(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: format!(
                        "{} pages, {} stale, {} broken links",
                        report.summary.docs, report.summary.stale, report.summary.broken_links
                    ),
                    result: None,
                    value: report,
                })
            })
            .await
    }

    /// Records that `page` (relative to the workspace) was reviewed at
    /// HEAD: it is fresh until a path it references changes after HEAD.
    pub async fn docs_mark_reviewed(&self, path: &Path, page: &str) -> Result<Review> {
        let ws = self.registered(path).await?;
        let root = ws.root.canonicalize().map_err(Error::io("read", &ws.root))?;
        let rel = docs_check::find::named_page(&root, page)?;
        let head = ws
            .repo()
            .ok()
            .and_then(|r| r.head().ok()?.peel_to_commit().ok().map(|c| c.id().to_string()))
            .ok_or_else(|| {
                Error::from(docs_check::DocsError::NoCommit {
                    message: format!("{rel} cannot be marked reviewed: the workspace has no commit"),
                })
            })?;
        self.store_ref().docs_review(&ws.id, &rel, &head).await
    }
}
