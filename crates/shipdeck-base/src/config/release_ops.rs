//! The parts of shipdeck.toml that the release gate and the rollback
//! runbook read: `[readiness]`, `[rollback]` and an environment's
//! `[environments.NAME.deploy]`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[readiness]`: which of the gate's checks are required.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadinessConfig {
    /// `[readiness.checks]`: per area (`docs = "warn"`), `required` (the
    /// default: a failing check fails the gate), `warn` (a failure only
    /// warns) or `off` (not run, reported `skipped`).
    #[serde(default)]
    pub checks: BTreeMap<String, CheckLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckLevel {
    Required,
    Warn,
    Off,
}

/// `[environments.NAME.deploy]`: how the environment is deployed and
/// rolled back.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeployConfig {
    Kubernetes {
        deployment: String,
        /// The container whose image is rolled back (with `image`):
        /// `kubectl set image` to `IMAGE:VERSION` instead of `rollout undo`.
        container: Option<String>,
        image: Option<String>,
        namespace: Option<String>,
        context: Option<String>,
    },
    Vercel {
        project: String,
        scope: Option<String>,
    },
    Fly {
        app: String,
        /// The image repository (`registry.fly.io/APP` by default); the
        /// rollback deploys `IMAGE:VERSION`.
        image: Option<String>,
    },
    Render {
        /// The service id (`srv-…`).
        service: String,
        /// The API key: `env:VAR` or `keyring:NAME`, never a literal.
        api_key: Option<String>,
        /// The API's origin (default `https://api.render.com`); the key is
        /// sent to this origin only.
        api_url: Option<String>,
    },
    Command {
        /// Templates with `{version}`, `{previous_version}`, `{environment}`.
        deploy: Option<String>,
        rollback: String,
        /// Give the command up after this long (default `10m`).
        timeout: Option<String>,
    },
}

/// `[rollback]`: what the runbook's emergency procedure names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackConfig {
    /// Who is on call: `{ name, role, reach }`.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Feature flags to switch off in an emergency.
    #[serde(default)]
    pub feature_flags: Vec<String>,
    /// How to freeze deploys (a sentence or a command).
    pub freeze: Option<String>,
    /// How long the verify step polls health (default `2m`).
    pub verify_timeout: Option<String>,
    /// Extra per-environment notes for the runbook.
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    /// Phone, e-mail or chat handle.
    pub reach: Option<String>,
}
