//! Live health: one GET of each environment's `health_url`, bounded by its
//! `health_timeout`, read as the IETF `application/health+json` draft, as
//! plain JSON (Spring Boot, hand-written `/healthz`), or as any 2xx text.
//!
//! The version shown is the *release* the service runs, so it can be
//! compared across environments and with the latest tag: `releaseId` first,
//! then `build.version`, `app.version`, then a top-level `version` — except
//! in an `application/health+json` body, where `version` is the public API
//! version (`"1"`) by the draft's definition and is ignored.
//!
//! The HTTP helpers here ([`Target`], [`send`]) are shared with
//! [`super::readiness`]: credentials in a URL's userinfo become basic auth
//! and are registered with the redactor; shown URLs carry neither userinfo
//! nor query; every error is classified as timeout, unreachable, TLS or other.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::header::ACCEPT;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::http::{send, Answer, Failure, Target};
use super::{EnvFinding, Severity};
use shipdeck_base::config::EnvironmentConfig;
use shipdeck_base::secrets::redact;

/// Bodies larger than this are cut (and a cut JSON body does not parse).
pub(crate) const MAX_BODY: usize = 1024 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest version, commit or check text kept from a response.
const MAX_FIELD: usize = 200;
const MAX_CHECKS: usize = 200;

/// One environment's health endpoint, polled once.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HealthResult {
    pub env: String,
    /// Without userinfo or query.
    pub url: Option<String>,
    pub status: HealthStatus,
    pub http_status: Option<u16>,
    /// Until the whole body was read.
    pub latency_ms: Option<f64>,
    /// The release the service reports (see the module docs for the fields).
    pub version: Option<String>,
    pub commit: Option<String>,
    pub checks: Vec<HealthCheck>,
    /// What went wrong, for a person.
    pub message: Option<String>,
    /// RFC 3339, UTC.
    pub checked_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Pass,
    Warn,
    /// The service says it is failing, or answered 5xx.
    Fail,
    Timeout,
    /// Connection refused, host not found, network down.
    Unreachable,
    /// The TLS handshake or the certificate failed.
    Tls,
    /// 4xx, a redirect loop, or a JSON body that does not parse.
    BadResponse,
    /// No `health_url`, or an invalid `health_url`/`health_timeout`.
    NotConfigured,
}

/// One entry of the body's `checks` (or Spring Boot's `components`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HealthCheck {
    /// The key, e.g. `postgres:responseTime`, with the component id when a
    /// key holds several.
    pub name: String,
    /// `pass`, `warn`, `fail`, or the word the service used.
    pub status: String,
    pub observed_value: Option<String>,
    pub observed_unit: Option<String>,
    pub output: Option<String>,
}

/// The versions the environments report, against each other and the latest
/// release.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VersionDrift {
    pub latest_tag: Option<String>,
    /// Environment → the version it reports.
    pub versions: BTreeMap<String, Option<String>>,
    /// At least two environments report different versions.
    pub drift: bool,
    /// Environments whose version (semver, leading `v` ignored) is below
    /// the latest tag.
    pub behind: Vec<String>,
    pub findings: Vec<EnvFinding>,
}

impl HealthStatus {
    pub fn is_healthy(self) -> bool {
        matches!(self, HealthStatus::Pass | HealthStatus::Warn)
    }

    pub fn label(self) -> &'static str {
        match self {
            HealthStatus::Pass => "pass",
            HealthStatus::Warn => "warn",
            HealthStatus::Fail => "fail",
            HealthStatus::Timeout => "timeout",
            HealthStatus::Unreachable => "unreachable",
            HealthStatus::Tls => "TLS error",
            HealthStatus::BadResponse => "bad response",
            HealthStatus::NotConfigured => "not configured",
        }
    }
}

/// `"5s"`, `"1500ms"`, `"2m"`, `"0.5s"`; `None` is 5 s.
pub fn parse_timeout(s: Option<&str>) -> Result<Duration, String> {
    let Some(s) = s else {
        return Ok(DEFAULT_TIMEOUT);
    };
    let rules = shipdeck_base::duration::DurationRules {
        max: Duration::from_secs(3600),
        zero: false,
        bare_seconds: false,
    };
    shipdeck_base::duration::parse_duration(s, rules).map_err(|e| e.to_string())
}

/// Polls `cfg.health_url` once. Never fails: every outcome is a status.
pub async fn check_health(client: &reqwest::Client, env: &str, cfg: &EnvironmentConfig) -> HealthResult {
    let mut r = HealthResult {
        env: env.to_string(),
        url: None,
        status: HealthStatus::NotConfigured,
        http_status: None,
        latency_ms: None,
        version: None,
        commit: None,
        checks: Vec::new(),
        message: None,
        checked_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    let Some(raw) = cfg.health_url.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        r.message = Some(format!("No health_url in [environments.{env}]."));
        return r;
    };
    let timeout = match parse_timeout(cfg.health_timeout.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            r.message = Some(format!("health_timeout: {e}"));
            return r;
        }
    };
    let target = match Target::parse(raw) {
        Ok(t) => t,
        Err(e) => {
            r.message = Some(format!("health_url: {e}"));
            return r;
        }
    };
    r.url = Some(target.display());
    if target.has_credentials() && target.cleartext() {
        r.message = Some("health_url carries credentials over plain http to another machine; they were not sent (use https)".into());
        return r;
    }
    let request = target.request(client, reqwest::Method::GET).header(
        ACCEPT,
        "application/health+json, application/json;q=0.9, */*;q=0.1",
    );
    match send(request, timeout).await {
        Ok(answer) => {
            r.http_status = Some(answer.status);
            r.latency_ms = Some(answer.latency_ms);
            interpret(&mut r, &answer);
            if (300..400).contains(&answer.status) {
                r.message = Some(format!(
                    "answered {}; a redirect to another origin is not followed",
                    target.redirect_note(&answer)
                ));
            }
        }
        Err(failed) => {
            r.status = match failed.kind {
                Failure::Timeout => HealthStatus::Timeout,
                Failure::Unreachable => HealthStatus::Unreachable,
                Failure::Tls => HealthStatus::Tls,
                Failure::Other => HealthStatus::BadResponse,
            };
            r.message = Some(failed.message);
        }
    }
    r
}

/// Reads an answer into `r`: status, version, commit, checks, message.
fn interpret(r: &mut HealthResult, answer: &Answer) {
    let code = answer.status;
    let json_type = answer.content_type.contains("json");
    let ietf_type = answer.content_type.contains("health+json");
    let looks_json = answer.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let mut parse_error = None;
    let mut body = None;
    if json_type || looks_json {
        match serde_json::from_slice::<Value>(&answer.body) {
            Ok(v) => body = Some(v),
            Err(_) if answer.truncated => {
                parse_error = Some(format!("the body is larger than {} MiB", MAX_BODY >> 20))
            }
            // A brace-led text body is still text; a declared JSON one is broken.
            Err(e) if json_type => parse_error = Some(format!("the JSON body does not parse: {e}")),
            Err(_) => {}
        }
    }
    let mut said = None;
    if let Some(Value::Object(o)) = &body {
        let ietf = ietf_type || o.contains_key("releaseId") || o.contains_key("serviceId");
        r.version = release_of(o, ietf);
        r.commit = commit_of(o);
        r.checks = o
            .get("checks")
            .or_else(|| o.get("components"))
            .map(parse_checks)
            .unwrap_or_default();
        said = o.get("status").and_then(Value::as_str).map(str::to_string);
        r.message = o.get("output").and_then(text).map(|t| clean(&t));
    }
    let failing_checks = || {
        let names: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| c.status == "fail")
            .map(|c| c.name.as_str())
            .collect();
        (!names.is_empty()).then(|| format!("failing checks: {}", names.join(", ")))
    };
    r.status = match code {
        200..=299 => match (&parse_error, said.as_deref().map(status_word)) {
            (Some(e), _) => {
                r.message = Some(e.clone());
                HealthStatus::BadResponse
            }
            (None, None) => HealthStatus::Pass,
            (None, Some(Some(s))) => s,
            (None, Some(None)) => {
                r.message
                    .get_or_insert_with(|| "the body's status is not pass, warn or fail".into());
                HealthStatus::Warn
            }
        },
        500..=599 => HealthStatus::Fail,
        _ => HealthStatus::BadResponse,
    };
    if matches!(r.status, HealthStatus::Fail | HealthStatus::Warn) && r.message.is_none() {
        r.message = failing_checks();
    }
    if r.status == HealthStatus::Fail && r.message.is_none() {
        r.message = Some(match parse_error {
            Some(e) => format!("HTTP {code}; {e}"),
            None => format!("HTTP {code}"),
        });
    }
    if r.status == HealthStatus::BadResponse && r.message.is_none() {
        r.message = Some(match code {
            401 | 403 => {
                format!("HTTP {code}: the endpoint wants credentials (put them in the URL's userinfo)")
            }
            404 => "HTTP 404: no health endpoint at this path".to_string(),
            _ => format!("HTTP {code}: not a health answer"),
        });
    }
}

/// pass|ok|up → Pass, warn → Warn, fail|error|down → Fail.
fn status_word(s: &str) -> Option<HealthStatus> {
    match s.trim().to_ascii_lowercase().as_str() {
        "pass" | "ok" | "up" | "healthy" | "green" => Some(HealthStatus::Pass),
        "warn" | "warning" | "degraded" | "yellow" => Some(HealthStatus::Warn),
        "fail" | "error" | "down" | "unhealthy" | "critical" | "red" => Some(HealthStatus::Fail),
        _ => None,
    }
}

fn check_status(s: Option<&str>) -> String {
    match s.map(|s| (s, status_word(s))) {
        Some((_, Some(HealthStatus::Pass))) => "pass".into(),
        Some((_, Some(HealthStatus::Warn))) => "warn".into(),
        Some((_, Some(_))) => "fail".into(),
        Some((s, None)) => clip(&s.to_ascii_lowercase(), 40),
        None => "unknown".into(),
    }
}

fn path<'a>(o: &'a serde_json::Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    let (first, rest) = keys.split_first()?;
    rest.iter().try_fold(o.get(*first)?, |v, k| v.get(k))
}

fn first_text(o: &serde_json::Map<String, Value>, paths: &[&[&str]]) -> Option<String> {
    paths
        .iter()
        .find_map(|p| path(o, p).and_then(text))
        .map(|t| clip(&t, MAX_FIELD))
}

fn release_of(o: &serde_json::Map<String, Value>, ietf: bool) -> Option<String> {
    let mut paths: Vec<&[&str]> = vec![&["releaseId"], &["build", "version"], &["app", "version"]];
    if !ietf {
        paths.push(&["version"]);
    }
    first_text(o, &paths)
}

fn commit_of(o: &serde_json::Map<String, Value>) -> Option<String> {
    first_text(
        o,
        &[
            &["commit"],
            &["git_sha"],
            &["gitSha"],
            &["sha"],
            &["revision"],
            &["build", "commit"],
            &["build", "sha"],
            &["git", "commit", "id"],
            &["git", "commit"],
        ],
    )
}

/// A scalar as text; objects and arrays as compact JSON.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        other => Some(other.to_string()),
    }
}

/// Service-supplied text: redacted and bounded.
fn clean(s: &str) -> String {
    clip(&redact(s), MAX_FIELD)
}

pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// IETF `{"name:measure": [{…}]}`, Spring `{"db": {"status": …}}`,
/// `{"db": "ok"}`, or `[{"name": …, "status": …}]`.
fn parse_checks(v: &Value) -> Vec<HealthCheck> {
    let one = |name: String, e: &Value| HealthCheck {
        name,
        status: match e {
            Value::String(s) => check_status(Some(s)),
            _ => check_status(e.get("status").and_then(Value::as_str)),
        },
        observed_value: e.get("observedValue").and_then(text).map(|t| clean(&t)),
        observed_unit: e.get("observedUnit").and_then(text).map(|t| clip(&t, 40)),
        output: e.get("output").and_then(text).map(|t| clean(&t)),
    };
    let mut out = Vec::new();
    match v {
        Value::Object(o) => {
            for (key, value) in o {
                match value {
                    Value::Array(entries) => {
                        for e in entries {
                            let name = match e.get("componentId").and_then(text) {
                                Some(id) if entries.len() > 1 => format!("{key} ({})", clip(&id, 80)),
                                _ => key.clone(),
                            };
                            out.push(one(clip(&name, MAX_FIELD), e));
                        }
                    }
                    other => out.push(one(clip(key, MAX_FIELD), other)),
                }
            }
        }
        Value::Array(entries) => {
            for (i, e) in entries.iter().enumerate() {
                let name = ["name", "componentId", "id"]
                    .iter()
                    .find_map(|k| e.get(k).and_then(text))
                    .unwrap_or_else(|| format!("check {}", i + 1));
                out.push(one(clip(&name, MAX_FIELD), e));
            }
        }
        _ => {}
    }
    out.truncate(MAX_CHECKS);
    out
}

/// Compares the reported versions with each other and with the latest tag,
/// and turns failing endpoints into findings.
pub fn version_drift(results: &[HealthResult], latest_tag: Option<&str>) -> VersionDrift {
    let versions: BTreeMap<String, Option<String>> = results
        .iter()
        .map(|r| (r.env.clone(), r.version.clone()))
        .collect();
    let reported: Vec<(&str, String)> = results
        .iter()
        .filter_map(|r| Some((r.env.as_str(), normalize(r.version.as_deref()?))))
        .collect();
    let distinct: BTreeSet<&str> = reported.iter().map(|(_, v)| v.as_str()).collect();
    let drift = distinct.len() > 1;
    let latest = latest_tag.and_then(semver_of);
    let mut findings = Vec::new();
    for r in results {
        let (check, what) = match r.status {
            HealthStatus::Fail | HealthStatus::BadResponse => ("health_failing", "is failing"),
            HealthStatus::Unreachable | HealthStatus::Timeout | HealthStatus::Tls => {
                ("health_unreachable", "cannot be reached")
            }
            _ => continue,
        };
        let detail = r.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
        findings.push(finding(
            check,
            Severity::Error,
            &r.env,
            format!("The health endpoint {what}{detail}"),
        ));
    }
    if drift {
        // The version most environments report; a tie goes to the highest.
        let common = distinct
            .iter()
            .max_by_key(|v| {
                let n = reported.iter().filter(|(_, x)| x == *v).count();
                (n, semver_of(v))
            })
            .copied()
            .unwrap_or_default();
        let on_common: Vec<&str> = reported
            .iter()
            .filter(|(_, v)| v == common)
            .map(|(e, _)| *e)
            .collect();
        for (env, v) in reported.iter().filter(|(_, v)| v != common) {
            let message = format!("Reports {v} while {} report {common}.", on_common.join(", "));
            findings.push(finding("version_drift", Severity::Warning, env, message));
        }
    }
    let mut behind = Vec::new();
    if let Some(latest) = &latest {
        for (env, v) in &reported {
            if semver_of(v).is_some_and(|s| s < *latest) {
                behind.push(env.to_string());
                let message = format!("Reports {v}, behind the latest release {latest}.");
                findings.push(finding("behind_release", Severity::Warning, env, message));
            }
        }
    }
    VersionDrift {
        latest_tag: latest_tag.map(str::to_string),
        versions,
        drift,
        behind,
        findings,
    }
}

fn finding(check: &str, severity: Severity, env: &str, message: String) -> EnvFinding {
    let fix = match check {
        "health_failing" => "Look at the failing checks and the service's logs in this environment.",
        "health_unreachable" => {
            "Check that the service runs and that health_url (scheme, host, port) is right; for TLS errors, check its certificate."
        }
        "version_drift" => "Deploy the same release everywhere, or let the rollout under way finish.",
        _ => "Deploy the latest release to this environment.",
    };
    EnvFinding {
        check: check.to_string(),
        severity,
        env: env.to_string(),
        file: None,
        line: None,
        key: None,
        message,
        fix: fix.to_string(),
    }
}

/// Trimmed, without a leading `v`.
fn normalize(v: &str) -> String {
    let v = v.trim();
    v.strip_prefix(['v', 'V'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(v)
        .to_string()
}

/// `1.4.2`, `v1.4.2`, `app@1.4.2`, `core-v1.4.2`, `1.4` → a version.
pub(crate) fn semver_of(s: &str) -> Option<semver::Version> {
    let s = s.trim();
    let s = s.rsplit_once('@').map_or(s, |(_, v)| v);
    let mut candidates = vec![normalize(s)];
    if let Some((_, v)) = s.rsplit_once("-v") {
        candidates.push(v.to_string());
    }
    candidates.iter().find_map(|c| {
        semver::Version::parse(c).ok().or_else(|| {
            let parts: Vec<u64> = c.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            match parts[..] {
                [major, minor] => Some(semver::Version::new(major, minor, 0)),
                [major] => Some(semver::Version::new(major, 0, 0)),
                _ => None,
            }
        })
    })
}

#[cfg(test)]
mod tests;
