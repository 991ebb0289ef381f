//! A build against a stored one (`--base REF`): per route the figures
//! before and after and their difference, and the routes that are new or
//! gone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{BundleReport, RouteSize};

/// A route's four figures, as stored per run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RouteFigures {
    pub first_load_js_bytes: u64,
    pub first_load_js_gzip_bytes: u64,
    pub size_bytes: u64,
    pub size_gzip_bytes: u64,
}

impl From<&RouteSize> for RouteFigures {
    fn from(r: &RouteSize) -> Self {
        RouteFigures {
            first_load_js_bytes: r.first_load_js_bytes,
            first_load_js_gzip_bytes: r.first_load_js_gzip_bytes,
            size_bytes: r.size_bytes,
            size_gzip_bytes: r.size_gzip_bytes,
        }
    }
}

/// After minus before, per figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct FigureDelta {
    pub first_load_js_bytes: i64,
    pub first_load_js_gzip_bytes: i64,
    pub size_bytes: i64,
    pub size_gzip_bytes: i64,
}

fn sub(a: u64, b: u64) -> i64 {
    i64::try_from(a).unwrap_or(i64::MAX) - i64::try_from(b).unwrap_or(i64::MAX)
}

impl FigureDelta {
    fn of(after: RouteFigures, before: RouteFigures) -> FigureDelta {
        FigureDelta {
            first_load_js_bytes: sub(after.first_load_js_bytes, before.first_load_js_bytes),
            first_load_js_gzip_bytes: sub(after.first_load_js_gzip_bytes, before.first_load_js_gzip_bytes),
            size_bytes: sub(after.size_bytes, before.size_bytes),
            size_gzip_bytes: sub(after.size_gzip_bytes, before.size_gzip_bytes),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RouteDiff {
    pub route: String,
    /// `changed`, `same`, `new` or `removed`.
    pub status: String,
    pub before: Option<RouteFigures>,
    pub after: Option<RouteFigures>,
    /// After minus before (a new route: its figures; a removed one: minus them).
    pub delta: FigureDelta,
}

/// The report's `base`: the stored run it is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BaseDiff {
    /// As given (`main`, `v1.2.0`, a sha).
    pub reference: String,
    pub commit: String,
    /// When the base run was recorded (Unix milliseconds).
    pub recorded_at: i64,
    pub routes: Vec<RouteDiff>,
    pub new_routes: Vec<String>,
    pub removed_routes: Vec<String>,
    /// Shared chunks, gzip, after minus before.
    pub shared_gzip_delta: i64,
}

/// The stored side of a comparison.
#[derive(Debug, Clone, Default)]
pub struct BaseRun {
    pub reference: String,
    pub commit: String,
    pub recorded_at: i64,
    pub routes: Vec<(String, RouteFigures)>,
    pub shared_gzip_bytes: u64,
}

/// `report` against `base`, routes in the report's order, removed ones last.
pub fn diff(base: &BaseRun, report: &BundleReport) -> BaseDiff {
    let before: BTreeMap<&str, RouteFigures> = base.routes.iter().map(|(r, f)| (r.as_str(), *f)).collect();
    let mut routes = Vec::new();
    let mut new_routes = Vec::new();
    for r in &report.routes {
        let after = RouteFigures::from(r);
        let b = before.get(r.route.as_str()).copied();
        let status = match b {
            None => "new",
            Some(b) if b == after => "same",
            Some(_) => "changed",
        };
        if b.is_none() {
            new_routes.push(r.route.clone());
        }
        routes.push(RouteDiff {
            route: r.route.clone(),
            status: status.into(),
            before: b,
            after: Some(after),
            delta: FigureDelta::of(after, b.unwrap_or_default()),
        });
    }
    let mut removed_routes = Vec::new();
    for (name, b) in &base.routes {
        if report.routes.iter().any(|r| &r.route == name) {
            continue;
        }
        removed_routes.push(name.clone());
        routes.push(RouteDiff {
            route: name.clone(),
            status: "removed".into(),
            before: Some(*b),
            after: None,
            delta: FigureDelta::of(RouteFigures::default(), *b),
        });
    }
    BaseDiff {
        reference: base.reference.clone(),
        commit: base.commit.clone(),
        recorded_at: base.recorded_at,
        routes,
        new_routes,
        removed_routes,
        shared_gzip_delta: sub(report.shared.gzip_bytes, base.shared_gzip_bytes),
    }
}
