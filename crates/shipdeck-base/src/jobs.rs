//! Jobs: anything that may take more than a second. A job is a blocking
//! function that reports through [`Progress`] and checks its cancellation
//! token. The API layer's job runner records it in the store, keeps it in the
//! [`JobRegistry`] of running jobs (for the status bar and for cancel) and
//! forwards progress to a [`ProgressSink`]: a Tauri channel in the app, an
//! indicatif bar in the CLI. Areas see only [`Progress`].

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
pub use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::error::{Error, ErrorPayload, Result};

macro_rules! string_enum {
    ($name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }
        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> std::result::Result<Self, ()> {
                match s { $($s => Ok($name::$variant),)+ _ => Err(()) }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    WorkspaceScan,
    ReleasePlan,
    ReleaseCut,
    ReleasePublish,
    ReleaseRollback,
    MigrateUp,
    MigrateDown,
    EnvHealth,
    EnvReadiness,
    BenchHttp,
    BenchRun,
    AdvisorRun,
    SecuritySecrets,
    SecurityVulns,
    DepsOutdated,
    DepsUpdate,
    DepsPropose,
    CoverageReport,
    CoveragePatch,
    BundleAnalyze,
    DocsCheck,
    ReadinessGate,
    RollbackRun,
    /// Copying history between stores (`store migrate-to`, `import`, `export`).
    StoreCopy,
    /// A kind written by a newer Shipdeck.
    Unknown,
}
string_enum!(JobKind {
    WorkspaceScan => "workspace_scan",
    ReleasePlan => "release_plan",
    ReleaseCut => "release_cut",
    ReleasePublish => "release_publish",
    ReleaseRollback => "release_rollback",
    MigrateUp => "migrate_up",
    MigrateDown => "migrate_down",
    EnvHealth => "env_health",
    EnvReadiness => "env_readiness",
    BenchHttp => "bench_http",
    BenchRun => "bench_run",
    AdvisorRun => "advisor_run",
    SecuritySecrets => "security_secrets",
    SecurityVulns => "security_vulns",
    DepsOutdated => "deps_outdated",
    DepsUpdate => "deps_update",
    DepsPropose => "deps_propose",
    CoverageReport => "coverage_report",
    CoveragePatch => "coverage_patch",
    BundleAnalyze => "bundle_analyze",
    DocsCheck => "docs_check",
    ReadinessGate => "readiness_gate",
    RollbackRun => "rollback_run",
    StoreCopy => "store_copy",
    Unknown => "unknown",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// The process ended (crash, kill) before the job did.
    Interrupted,
}
string_enum!(JobOutcome {
    Running => "running",
    Succeeded => "succeeded",
    Failed => "failed",
    Cancelled => "cancelled",
    Interrupted => "interrupted",
});

/// One row of Activity.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JobRecord {
    pub id: i64,
    pub workspace_id: Option<String>,
    pub kind: JobKind,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub outcome: JobOutcome,
    pub summary: Option<String>,
    pub error: Option<ErrorPayload>,
    /// The OS account that ran it (absent on runs recorded before).
    pub user: Option<String>,
    /// The machine it ran on (absent on runs recorded before).
    pub host: Option<String>,
}

/// What a running job tells its watchers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    Started {
        job_id: i64,
        kind: JobKind,
    },
    Progress {
        job_id: i64,
        done: u64,
        /// Unknown while the job is still discovering how much there is.
        total: Option<u64>,
        message: String,
    },
    /// The job waits for the user to confirm step `step` (1-based) of
    /// `total` before it runs it (a rollback run without `--yes`).
    AwaitingConfirmation {
        job_id: i64,
        step: u32,
        total: u32,
        description: String,
    },
    Finished {
        job_id: i64,
        outcome: JobOutcome,
        summary: Option<String>,
        error: Option<ErrorPayload>,
    },
}

pub trait ProgressSink: Send + Sync {
    fn emit(&self, event: &ProgressEvent);
}

/// A sink that drops everything (for callers that do not watch).
pub struct NoProgress;
impl ProgressSink for NoProgress {
    fn emit(&self, _: &ProgressEvent) {}
}

/// A job currently running in this process.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RunningJob {
    pub id: i64,
    pub kind: JobKind,
    pub workspace_id: Option<String>,
    pub started_at: i64,
    pub done: u64,
    pub total: Option<u64>,
    pub message: String,
}

struct Entry {
    info: RunningJob,
    token: CancellationToken,
}

#[derive(Clone, Default)]
pub struct JobRegistry {
    running: Arc<Mutex<HashMap<i64, Entry>>>,
}

impl JobRegistry {
    pub fn running(&self) -> Vec<RunningJob> {
        let map = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mut jobs: Vec<_> = map.values().map(|e| e.info.clone()).collect();
        jobs.sort_by_key(|j| j.id);
        jobs
    }

    pub fn cancel(&self, id: i64) -> Result<()> {
        let map = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.get(&id).ok_or(Error::JobNotFound { id })?;
        entry.token.cancel();
        tracing::info!(job_id = id, "cancel requested");
        Ok(())
    }

    /// Lists a job as running until [`JobRegistry::finish`]; its progress
    /// reports and cancel go through the returned handle.
    pub fn start(&self, info: RunningJob, sink: Arc<dyn ProgressSink>) -> Progress {
        let token = CancellationToken::new();
        let job_id = info.id;
        self.running.lock().unwrap_or_else(|e| e.into_inner()).insert(
            job_id,
            Entry {
                info,
                token: token.clone(),
            },
        );
        Progress {
            job_id,
            token,
            sink,
            registry: self.clone(),
            last_emit: Mutex::new(None),
        }
    }

    /// Takes a job off the running list.
    pub fn finish(&self, id: i64) {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    fn update(&self, id: i64, done: u64, total: Option<u64>, message: &str) {
        let mut map = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(&id) {
            e.info.done = done;
            e.info.total = total;
            e.info.message = message.to_string();
        }
    }
}

/// The handle a job reports through.
pub struct Progress {
    job_id: i64,
    token: CancellationToken,
    sink: Arc<dyn ProgressSink>,
    registry: JobRegistry,
    last_emit: Mutex<Option<Instant>>,
}

/// At most this many progress events per second reach a sink, so a fast
/// loop cannot flood the UI.
const MIN_INTERVAL: Duration = Duration::from_millis(50);

impl Progress {
    /// A handle for work outside any job: nothing watches its reports and
    /// only `token` cancels it (work beside a job, such as a lookup that
    /// must not hold the job up, and tests).
    pub fn detached(token: CancellationToken) -> Progress {
        Progress {
            job_id: 0,
            token,
            sink: Arc::new(NoProgress),
            registry: JobRegistry::default(),
            last_emit: Mutex::new(None),
        }
    }

    /// Reports progress. Throttled, except for the final step.
    pub fn report(&self, done: u64, total: Option<u64>, message: impl AsRef<str>) {
        let now = Instant::now();
        {
            let mut last = self.last_emit.lock().unwrap_or_else(|e| e.into_inner());
            let is_last = total.is_some_and(|t| done >= t);
            if !is_last && last.is_some_and(|l| now - l < MIN_INTERVAL) {
                return;
            }
            *last = Some(now);
        }
        let message = message.as_ref();
        self.registry.update(self.job_id, done, total, message);
        self.sink.emit(&ProgressEvent::Progress {
            job_id: self.job_id,
            done,
            total,
            message: message.to_string(),
        });
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// The job's cancellation token, for async work that waits on it.
    pub fn cancellation(&self) -> CancellationToken {
        self.token.clone()
    }

    /// `Err(Cancelled)` once cancel was requested: call it between steps.
    pub fn checkpoint(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    pub fn job_id(&self) -> i64 {
        self.job_id
    }
}
