//! Security labels on outdated rows: the OSV advisories that affect a
//! row's locked version and that its update (`latest`, else `wanted`) no
//! longer has. The advisories are asked for while the registries are read
//! (the locked versions are known from the lockfiles before any registry
//! answers), through the Security area's OSV client and its matching of
//! versions against advisory ranges. A source that is slow or unreachable
//! never fails or holds up `deps outdated`: past a deadline the rows go out
//! unlabelled and the report says why in `warnings`.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::dependencies::{self, Ecosystem, OutdatedReport};
use crate::jobs::{CancellationToken, Progress};
use crate::security::vulns::api::{self, Query};
use crate::security::vulns::matching::evaluate;
use crate::security::vulns::source::Found;
use crate::security::vulns::{self, ApiSource};

/// How long advisories may take, counted from the start of the run; once
/// the registries are read, a lookup still running past it is dropped.
pub const ADVISORY_BUDGET: Duration = Duration::from_secs(5);
/// Every OSV request ends within this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// A lookup under way on a thread of its own.
pub(super) struct Lookup {
    started: Instant,
    origin: String,
    answer: mpsc::Receiver<Result<Found, String>>,
    /// Cancels the lookup's requests when it is given up or dropped.
    cancel: CancellationToken,
}

impl Drop for Lookup {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn osv_ecosystem(e: Ecosystem) -> vulns::Ecosystem {
    match e {
        Ecosystem::Cargo => vulns::Ecosystem::CratesIo,
        Ecosystem::Npm => vulns::Ecosystem::Npm,
        Ecosystem::Pypi => vulns::Ecosystem::PyPI,
    }
}

/// Starts asking `osv_url` (default: the public OSV API) about the locked
/// version of every direct dependency under `root`.
pub(super) fn start(root: &Path, osv_url: Option<String>) -> Lookup {
    let mut source = ApiSource::new(osv_url.unwrap_or_else(|| vulns::DEFAULT_OSV_URL.to_string()));
    source.timeout = REQUEST_TIMEOUT;
    let origin = url::Url::parse(&source.url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "the OSV API".into());
    let cancel = CancellationToken::new();
    let progress = Progress::detached(cancel.clone());
    let (tx, answer) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let found = queries(&root).and_then(|q| {
            if q.is_empty() {
                return Ok(Found::default());
            }
            api::fetch(&source, &q, &progress).map_err(|e| e.payload().message)
        });
        let _ = tx.send(found);
    });
    Lookup {
        started: Instant::now(),
        origin,
        answer,
        cancel,
    }
}

/// One query per distinct (ecosystem, name, locked version).
fn queries(root: &Path) -> Result<Vec<Query>, String> {
    let deps = dependencies::manifest::read_workspace(root).map_err(|e| e.to_string())?;
    let mut q: Vec<Query> = deps
        .into_iter()
        .filter_map(|d| {
            Some(Query {
                ecosystem: osv_ecosystem(d.ecosystem),
                version: d.current?,
                name: d.name,
            })
        })
        .collect();
    q.sort();
    q.dedup();
    Ok(q)
}

impl Lookup {
    /// Labels the rows of `report` with what arrived by the deadline; a
    /// warning instead when nothing usable did.
    pub(super) fn label(self, report: &mut OutdatedReport) {
        let wait = (self.started + ADVISORY_BUDGET)
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(100));
        let found = match self.answer.recv_timeout(wait) {
            Ok(Ok(found)) => found,
            Ok(Err(message)) => {
                report
                    .warnings
                    .push(format!("security advisories not checked: {message}"));
                return;
            }
            Err(_) => {
                report.warnings.push(format!(
                    "security advisories not checked: {} did not answer within {} s",
                    self.origin,
                    ADVISORY_BUDGET.as_secs()
                ));
                return;
            }
        };
        for row in &mut report.dependencies {
            let target = row.latest.as_deref().or(row.wanted.as_deref());
            if let (Some(current), Some(target)) = (row.current.as_deref(), target) {
                row.advisories = fixed_by(&found, osv_ecosystem(row.ecosystem), &row.name, current, target);
            }
        }
    }
}

/// The ids of the advisories affecting `name` at `current` that do not
/// affect it at `target`.
fn fixed_by(found: &Found, eco: vulns::Ecosystem, name: &str, current: &str, target: &str) -> Vec<String> {
    if current == target {
        return Vec::new();
    }
    found
        .candidates(eco, name, current)
        .into_iter()
        .filter(|adv| {
            evaluate(adv, eco, name, current).is_some() && evaluate(adv, eco, name, target).is_none()
        })
        .map(|adv| adv.id.clone())
        .collect()
}
