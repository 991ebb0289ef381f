//! The Sentry part of the readiness checks: the DSN, a test envelope to its
//! ingest endpoint, and the tags the SDK would report.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::json;

use super::{now_rfc3339, refused, round_trip, said, value, Probe, ProbeState, CLIENT};
use crate::http::Target;
use crate::LoadedEnv;
use shipdeck_base::config::EnvironmentConfig;
use shipdeck_base::secrets::register_secret;

/// A Sentry DSN, `{scheme}://{public_key}@{host}{path_prefix}/{project_id}`.
/// Its `Debug` hides the key.
#[derive(Clone, PartialEq, Eq)]
pub struct SentryDsn {
    pub scheme: String,
    pub public_key: String,
    /// With the port, when there is one.
    pub host: String,
    /// Empty, or `/something` without a trailing slash.
    pub path_prefix: String,
    pub project_id: String,
    /// A secret key (`key:secret@`), which SDKs no longer need.
    pub has_secret: bool,
}

impl std::fmt::Debug for SentryDsn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentryDsn")
            .field("scheme", &self.scheme)
            .field("public_key", &"***")
            .field("host", &self.host)
            .field("path_prefix", &self.path_prefix)
            .field("project_id", &self.project_id)
            .finish()
    }
}

impl SentryDsn {
    pub fn envelope_url(&self) -> String {
        format!("{}://{}", self.scheme, self.envelope_target())
    }

    /// Host and path of the envelope endpoint.
    pub fn envelope_target(&self) -> String {
        format!(
            "{}{}/api/{}/envelope/",
            self.host, self.path_prefix, self.project_id
        )
    }
}

/// Parses a DSN. The error says what is wrong without quoting the DSN.
pub fn parse_dsn(dsn: &str) -> Result<SentryDsn, String> {
    let url = url::Url::parse(dsn.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the scheme must be https or http, not {}", url.scheme()));
    }
    if url.username().is_empty() {
        return Err("no public key (the part before @)".into());
    }
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or("no host")?;
    let host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err("a DSN has no query or fragment".into());
    }
    let path = url.path().trim_end_matches('/');
    let (prefix, project_id) = path.rsplit_once('/').unwrap_or(("", ""));
    if project_id.is_empty() {
        return Err("no project id (the last part of the path)".into());
    }
    if !project_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("the project id has characters a project id cannot have".into());
    }
    Ok(SentryDsn {
        scheme: url.scheme().to_string(),
        public_key: url.username().to_string(),
        host,
        path_prefix: prefix.to_string(),
        project_id: project_id.to_string(),
        has_secret: url.password().is_some(),
    })
}

/// An envelope with one empty client report: accepted without creating an
/// event in the project.
fn envelope_request(
    client: &reqwest::Client,
    target: &Target,
    dsn_text: &str,
    dsn: &SentryDsn,
) -> reqwest::RequestBuilder {
    let header = json!({ "event_id": hex::encode(rand::random::<[u8; 16]>()), "dsn": dsn_text, "sent_at": now_rfc3339() });
    let payload = json!({
        "timestamp": SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
        "discarded_events": [],
    })
    .to_string();
    let item = json!({ "type": "client_report", "length": payload.len() });
    let body = format!("{header}\n{item}\n{payload}\n");
    let auth = format!(
        "Sentry sentry_version=7, sentry_key={}, sentry_client={CLIENT}",
        dsn.public_key
    );
    target
        .request(client, Method::POST)
        .header("X-Sentry-Auth", auth)
        .header(CONTENT_TYPE, "application/x-sentry-envelope")
        .body(body)
}

pub(super) async fn sentry_probe(
    client: &reqwest::Client,
    env: &LoadedEnv,
    cfg: &EnvironmentConfig,
    release: Option<&str>,
) -> Probe {
    let key = cfg
        .sentry_dsn_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("SENTRY_DSN");
    let Some(dsn_text) = value(env, key) else {
        return Probe::new(
            ProbeState::NotConfigured,
            format!("{key} is not set in {}'s files.", env.name),
            Some(format!(
                "Add {key}=https://<public key>@<host>/<project id> to one of [environments.{}] files \
                 (Sentry: Project Settings → Client Keys (DSN)), or set sentry_dsn_key to the key that holds it.",
                env.name
            )),
        );
    };
    register_secret(dsn_text);
    let dsn = match parse_dsn(dsn_text) {
        Ok(d) => d,
        Err(why) => {
            let mut p = Probe::new(
                ProbeState::Invalid,
                format!("{key} is not a valid Sentry DSN: {why}."),
                Some("Copy the DSN again from Sentry: Project Settings → Client Keys (DSN).".into()),
            );
            p.warnings = tag_warnings(env, release);
            return p;
        }
    };
    register_secret(&dsn.public_key);
    let Ok(target) = Target::parse(&dsn.envelope_url()) else {
        return Probe::new(
            ProbeState::Invalid,
            format!("{key} has a host that is not valid."),
            None,
        );
    };
    let request = envelope_request(client, &target, dsn_text, &dsn);
    let project = dsn.project_id.clone();
    let mut warnings = Vec::new();
    let mut probe = round_trip(&target, true, request, |a| match a.status {
        200..=299 => (ProbeState::Ready, format!("Sentry accepted an envelope for project {project}."), None),
        401 | 403 => (
            ProbeState::Failing,
            format!("The key is not accepted (HTTP {}){}.", a.status, said(a)),
            Some("Copy the DSN again from Sentry (Project Settings → Client Keys) and check the key is enabled.".into()),
        ),
        429 => {
            // The key was not refused; the limit says events are dropped now.
            warnings.push("Sentry is rate-limiting this project: events sent now are dropped.".into());
            (ProbeState::Ready, "Sentry did not refuse the key, but is rate-limiting (HTTP 429).".into(), None)
        }
        404 => (
            ProbeState::Failing,
            format!("No envelope endpoint for project {project} at this host (HTTP 404)."),
            Some("Check the DSN's host and project id.".into()),
        ),
        _ => refused("Sentry", a),
    })
    .await;
    probe.warnings.append(&mut warnings);
    if dsn.has_secret {
        probe.warnings.push(format!(
            "{key} carries a secret key, which SDKs no longer need: use the DSN without it."
        ));
    }
    probe.warnings.extend(tag_warnings(env, release));
    probe
}

/// Whether the environment and release tags the SDK will send match this
/// environment and the latest release. Values are compared, never shown.
fn tag_warnings(env: &LoadedEnv, release: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    match value(env, "SENTRY_ENVIRONMENT") {
        Some(v) if v != env.name => out.push(format!(
            "SENTRY_ENVIRONMENT differs from `{}`: Sentry will file this environment's events under another name.",
            env.name
        )),
        Some(_) => {}
        None => out.push(
            "SENTRY_ENVIRONMENT is not set: the SDK reports its default environment (often `production`).".into(),
        ),
    }
    let bare = |s: &str| {
        let s = s.trim();
        let s = s.rsplit_once('@').map_or(s, |(_, v)| v);
        s.strip_prefix(['v', 'V']).unwrap_or(s).to_string()
    };
    match (value(env, "SENTRY_RELEASE"), release) {
        (Some(v), Some(latest)) if bare(v) != bare(latest) => out.push(format!(
            "SENTRY_RELEASE does not match the latest release {}: errors will be attributed to another release.",
            bare(latest)
        )),
        (Some(_), _) => {}
        (None, _) => out.push(
            "SENTRY_RELEASE is not set: the SDK reports its default release (a package version or commit, depending on the SDK).".into(),
        ),
    }
    out
}
