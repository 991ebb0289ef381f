//! What the app sends for actions with several inputs: one plain serde type
//! per action (named fields, enums instead of flags with hidden meaning),
//! generated into TypeScript with the other IPC types.

use std::time::Duration;

use serde::Deserialize;
use ts_rs::TS;

use crate::benchmarks::loadgen::{check_options, HttpOptions, HTTP_LOAD_RULES};
use crate::error::{Error, Result};
use crate::migrations::run::{DownTarget, RepairAction};

/// `release publish`: push the release commit and tags, then the forge releases.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PublishRequest {
    pub dry_run: bool,
    /// Push only; leave the forge releases alone.
    pub skip_forge: bool,
}

/// `migrate down`: how far, on which configured database.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DownRequest {
    /// A database named in shipdeck.toml (the default one when None).
    pub database: Option<String>,
    pub target: DownTarget,
    pub dry_run: bool,
    /// The `expect` token of the dry run the user confirmed: the run is
    /// refused (`migrations.plan_changed`) when the plan moved since.
    #[serde(default)]
    #[ts(optional)]
    pub expect: Option<String>,
}

/// `migrate create`: a new migration file (pair, when reversible).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CreateMigrationRequest {
    pub database: Option<String>,
    /// Words of the description (`add users` → `…_add_users.sql`).
    pub name: String,
    /// Write an `.up.sql`/`.down.sql` pair.
    pub reversible: bool,
}

/// `migrate repair`: settle one dirty or mismatched migration.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RepairRequest {
    pub database: Option<String>,
    pub version: i64,
    pub action: RepairAction,
}

/// `advisor run`: which checks (all when empty) on which database.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AdvisorRunRequest {
    pub database: Option<String>,
    pub checks: Vec<String>,
}

/// `advisor dismiss`: hide a finding, with the reason recorded.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DismissRequest {
    pub database: Option<String>,
    /// The finding's stable key.
    pub key: String,
    pub reason: String,
}

/// `bench http` from the app: a GET load test for a fixed time.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct HttpLoad {
    pub url: String,
    /// Concurrent connections, within `HttpLoadRules`.
    pub connections: usize,
    /// Seconds, more than 0, within `HttpLoadRules`.
    pub duration_s: f64,
    /// Requests per second over all connections (open model); None: as fast as possible.
    pub rate: Option<f64>,
}

impl HttpLoad {
    /// The load generator's options; it checks them against
    /// `HTTP_LOAD_RULES` (the CLI's rule too) before it connects.
    pub fn into_options(self) -> Result<HttpOptions> {
        // Checked before it becomes a `Duration`, which panics on NaN or huge.
        let max = HTTP_LOAD_RULES.max_duration_s;
        if !(self.duration_s > 0.0 && self.duration_s <= max) {
            return Err(Error::InvalidInput {
                field: "duration",
                reason: format!("must be more than 0 and at most {max} s"),
            });
        }
        let opts = HttpOptions {
            url: self.url,
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            connections: self.connections,
            duration: Some(Duration::from_secs_f64(self.duration_s)),
            requests: None,
            rate: self.rate,
            timeout: Duration::from_secs(10),
            ..Default::default()
        };
        check_options(&opts)?;
        Ok(opts)
    }
}

/// Which recorded environment runs to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EnvRunKind {
    Parity,
    Health,
}

impl EnvRunKind {
    /// The kind as the store records it.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvRunKind::Parity => "parity",
            EnvRunKind::Health => "health",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(connections: usize, duration_s: f64) -> HttpLoad {
        HttpLoad {
            url: "http://127.0.0.1:1/".into(),
            connections,
            duration_s,
            rate: None,
        }
    }

    #[test]
    fn http_load_bounds_are_checked() {
        let ok = load(4, 2.5).into_options().unwrap();
        assert_eq!(ok.duration, Some(Duration::from_millis(2500)));
        assert_eq!(ok.method, "GET");
        for bad in [
            load(0, 1.0),
            load(1025, 1.0),
            load(1, 0.0),
            load(1, 601.0),
            load(1, f64::NAN),
        ] {
            assert_eq!(bad.into_options().unwrap_err().code(), "input.invalid");
        }
    }

    #[test]
    fn down_targets_are_one_of_steps_or_version() {
        let r: DownRequest =
            serde_json::from_str(r#"{"database":null,"target":{"steps":2},"dry_run":true}"#).unwrap();
        assert_eq!(r.target, DownTarget::Steps(2));
        let r: DownRequest =
            serde_json::from_str(r#"{"database":"app","target":{"to":5},"dry_run":false}"#).unwrap();
        assert_eq!(r.target, DownTarget::To(5));
        let both = r#"{"database":null,"target":{"steps":1,"to":5},"dry_run":false}"#;
        assert!(serde_json::from_str::<DownRequest>(both).is_err());
    }

    #[test]
    fn env_run_kinds_are_the_stored_names() {
        let k: EnvRunKind = serde_json::from_str(r#""health""#).unwrap();
        assert_eq!(k.as_str(), "health");
        assert!(serde_json::from_str::<EnvRunKind>(r#""other""#).is_err());
    }
}
