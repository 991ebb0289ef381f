//! Observability readiness: whether an environment's Sentry DSN, log
//! shipping target and OTLP endpoint accept data, each proven by a real
//! round trip that leaves as little behind as the protocol allows:
//!
//! - Sentry gets an envelope holding only a `client_report` with no discarded
//!   events: the key is checked, no issue or event is created.
//! - Loki gets one line labelled `service=shipdeck, check=readiness`;
//!   Elasticsearch one document in the `shipdeck-readiness` index; an `http`
//!   target one JSON record.
//! - The OTLP endpoint gets one span of service `shipdeck-readiness`.
//!
//! Keys, passwords and header values are registered with the redactor and
//! never shown: a probe's `target` is host and path only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use super::health::clip;
use super::http::{send, Answer, Failed, Failure, Target};
use super::LoadedEnv;
use shipdeck_base::config::EnvironmentConfig;
use shipdeck_base::secrets::{redact, register_secret};

mod sentry;

use sentry::sentry_probe;
pub use sentry::{parse_dsn, SentryDsn};

const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
const CLIENT: &str = concat!("shipdeck/", env!("CARGO_PKG_VERSION"));

/// One environment's three observability targets.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReadinessRow {
    pub env: String,
    pub sentry: Probe,
    pub logs: Probe,
    pub otlp: Probe,
}

/// One round trip to one target.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Probe {
    pub state: ProbeState,
    /// Host and path only: never a key, password or query.
    pub target: Option<String>,
    pub latency_ms: Option<f64>,
    pub http_status: Option<u16>,
    pub message: String,
    pub fix: Option<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbeState {
    /// The target accepted the data.
    Ready,
    /// Configured, but unreachable or refusing.
    Failing,
    NotConfigured,
    /// Configured wrongly: a malformed DSN or URL, a missing `env:` key.
    Invalid,
}

impl Probe {
    fn new(state: ProbeState, message: impl Into<String>, fix: Option<String>) -> Probe {
        Probe {
            state,
            target: None,
            latency_ms: None,
            http_status: None,
            message: message.into(),
            fix,
            warnings: Vec::new(),
        }
    }
}

/// Probes the environment's Sentry DSN, log target and OTLP endpoint at
/// once. `release` is the workspace's latest version, for the Sentry
/// release tag comparison.
pub async fn readiness(
    client: &reqwest::Client,
    env: &LoadedEnv,
    cfg: &EnvironmentConfig,
    release: Option<&str>,
) -> ReadinessRow {
    let (sentry, logs, otlp) = tokio::join!(
        sentry_probe(client, env, cfg, release),
        logs_probe(client, env, cfg),
        otlp_probe(client, env, cfg)
    );
    ReadinessRow {
        env: env.name.clone(),
        sentry,
        logs,
        otlp,
    }
}

/// The environment's value of `key`, trimmed, when non-empty. Callers
/// register what is a credential (DSNs, URL passwords, header values);
/// plain words like an environment name are not, or the redactor would mask
/// them everywhere.
fn value<'a>(env: &'a LoadedEnv, key: &str) -> Option<&'a str> {
    let v = env
        .vars
        .get(key)
        .map(|v| v.value.trim())
        .filter(|v| !v.is_empty())?;
    Some(v)
}

/// A literal, or `env:KEY` read from the environment's files.
fn resolve(spec: &str, env: &LoadedEnv) -> Result<String, String> {
    match spec.trim().strip_prefix("env:") {
        Some(key) => value(env, key.trim())
            .map(str::to_string)
            .ok_or_else(|| format!("{} is not set in {}'s files", key.trim(), env.name)),
        None => Ok(spec.trim().to_string()),
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn nonce() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

/// Sends, then judges the answer with `judge` (state, message, fix); a
/// request that got no answer becomes a failing probe. A request carrying
/// `credentials` is not sent over plain http to another machine, and a
/// redirect to another origin is reported, not followed.
async fn round_trip(
    target: &Target,
    credentials: bool,
    request: reqwest::RequestBuilder,
    judge: impl FnOnce(&Answer) -> (ProbeState, String, Option<String>),
) -> Probe {
    if credentials && target.cleartext() {
        let mut p = Probe::new(
            ProbeState::Invalid,
            format!(
                "{} is plain http to another machine: the credentials were not sent.",
                target.display()
            ),
            Some("Use https:// (plain http is accepted only on this machine).".into()),
        );
        p.target = Some(target.host_path());
        return p;
    }
    let mut probe = match send(request, PROBE_TIMEOUT).await {
        Ok(answer) if (300..400).contains(&answer.status) => {
            let mut p = Probe::new(
                ProbeState::Failing,
                format!(
                    "The endpoint answered {}; Shipdeck does not follow a redirect to another origin, so nothing was sent there.",
                    target.redirect_note(&answer)
                ),
                Some("Point the URL at the address it redirects to, if you trust it.".into()),
            );
            p.http_status = Some(answer.status);
            p.latency_ms = Some(answer.latency_ms);
            p
        }
        Ok(answer) => {
            let (state, message, fix) = judge(&answer);
            let mut p = Probe::new(state, redact(&message).into_owned(), fix);
            p.http_status = Some(answer.status);
            p.latency_ms = Some(answer.latency_ms);
            p
        }
        Err(Failed { kind, message }) => {
            let fix = match kind {
                Failure::Timeout => "Check that the host is reachable from here and not overloaded.",
                Failure::Unreachable => "Check the host and port, and that the service runs.",
                Failure::Tls => {
                    "Check the scheme (https against a plain-http port fails) and the certificate."
                }
                Failure::Other => {
                    "Check that the URL points at the service itself, not a proxy or login page."
                }
            };
            Probe::new(ProbeState::Failing, message, Some(fix.to_string()))
        }
    };
    probe.target = Some(target.host_path());
    probe
}

/// A short, redacted excerpt of what the server said.
fn said(answer: &Answer) -> String {
    let text = String::from_utf8_lossy(&answer.body);
    let text = match serde_json::from_str::<Value>(&text) {
        Ok(v) => ["detail", "error", "message"]
            .iter()
            .find_map(|k| {
                v.get(k)
                    .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_string))
            })
            .unwrap_or_else(|| text.to_string()),
        Err(_) => text.to_string(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        String::new()
    } else {
        format!(": {}", clip(&redact(&text), 200))
    }
}

/// 401/403/404 and the rest, said the same way for every target.
fn refused(what: &str, answer: &Answer) -> (ProbeState, String, Option<String>) {
    let code = answer.status;
    let (message, fix) = match code {
        401 | 403 => (
            format!("{what} refused the credentials (HTTP {code}){}", said(answer)),
            "Check the user and password (or token) the URL carries.",
        ),
        404 | 405 => (
            format!("No {what} endpoint at this path (HTTP {code})"),
            "Point the URL at the service's base address.",
        ),
        _ => (
            format!("{what} answered HTTP {code}{}", said(answer)),
            "Look at the service's own logs for why it refused the data.",
        ),
    };
    (ProbeState::Failing, message, Some(fix.to_string()))
}

async fn logs_probe(client: &reqwest::Client, env: &LoadedEnv, cfg: &EnvironmentConfig) -> Probe {
    let Some(logs) = &cfg.logs else {
        return Probe::new(
            ProbeState::NotConfigured,
            format!("No log target in [environments.{}].", env.name),
            Some(format!(
                "Add logs = {{ kind = \"loki\", url = \"env:LOKI_URL\" }} (or elasticsearch, http) to [environments.{}].",
                env.name
            )),
        );
    };
    let invalid = |m: String, fix: &str| Probe::new(ProbeState::Invalid, m, Some(fix.to_string()));
    let url = match resolve(&logs.url, env) {
        Ok(u) => u,
        Err(e) => {
            return invalid(
                format!("logs.url: {e}."),
                "Set the key in the environment's files, or write the URL in logs.url.",
            )
        }
    };
    let base = match Target::parse(&url) {
        Ok(t) => t,
        Err(e) => {
            return invalid(
                format!("logs.url is {e}."),
                "Use the target's base URL, e.g. https://user:password@logs.example.com.",
            )
        }
    };
    let line = format!("shipdeck readiness check {}", nonce());
    match logs.kind.trim().to_ascii_lowercase().as_str() {
        "loki" => loki_push(client, &base, env, line).await,
        "elasticsearch" | "opensearch" => elasticsearch_bulk(client, &base, env, line).await,
        "http" => http_log_post(client, &base, env, line).await,
        _ => invalid(
            "logs.kind must be loki, elasticsearch or http.".into(),
            "Set logs.kind to the kind of the target.",
        ),
    }
}

/// Pushes one labelled line to Loki.
async fn loki_push(client: &reqwest::Client, base: &Target, env: &LoadedEnv, line: String) -> Probe {
    let target = base.join("/loki/api/v1/push");
    let body = json!({ "streams": [{
        "stream": { "service": "shipdeck", "environment": env.name, "check": "readiness" },
        "values": [[unix_nanos().to_string(), line]],
    }]});
    let request = target.request(client, Method::POST).json(&body);
    round_trip(&target, target.has_credentials(), request, |a| match a.status {
        200..=299 => (
            ProbeState::Ready,
            "Loki accepted one line labelled service=shipdeck, check=readiness.".into(),
            None,
        ),
        _ => refused("Loki", a),
    })
    .await
}

/// Indexes one document in shipdeck-readiness through the bulk API.
async fn elasticsearch_bulk(client: &reqwest::Client, base: &Target, env: &LoadedEnv, line: String) -> Probe {
    let target = base.join("/_bulk");
    let doc = json!({
        "@timestamp": now_rfc3339(), "message": line,
        "service": "shipdeck", "environment": env.name, "check": "readiness",
    });
    let body = format!(
        "{}\n{doc}\n",
        json!({ "index": { "_index": "shipdeck-readiness" } })
    );
    let request = target
        .request(client, Method::POST)
        .header(CONTENT_TYPE, "application/x-ndjson")
        .body(body);
    round_trip(&target, target.has_credentials(), request, |a| {
        match (a.status, serde_json::from_slice::<Value>(&a.body)) {
            (200..=299, Ok(v)) if v.get("errors") == Some(&Value::Bool(false)) => (
                ProbeState::Ready,
                "Elasticsearch indexed one document in shipdeck-readiness.".into(),
                None,
            ),
            (200..=299, Ok(v)) if v.get("errors") == Some(&Value::Bool(true)) => (
                ProbeState::Failing,
                format!("Elasticsearch refused the document: {}.", bulk_error(&v)),
                Some("Check the user's index privileges and the index's mapping.".into()),
            ),
            (200..=299, _) => (
                ProbeState::Failing,
                "The answer is not an Elasticsearch bulk response.".into(),
                Some("Point logs.url at the cluster's base address.".into()),
            ),
            _ => refused("Elasticsearch", a),
        }
    })
    .await
}

/// Posts one JSON record to a plain HTTP log endpoint.
async fn http_log_post(client: &reqwest::Client, base: &Target, env: &LoadedEnv, line: String) -> Probe {
    let body = json!([{ "message": line, "environment": env.name, "service": "shipdeck" }]);
    let request = base.request(client, Method::POST).json(&body);
    round_trip(base, base.has_credentials(), request, |a| match a.status {
        200..=299 => (
            ProbeState::Ready,
            format!("The endpoint accepted one record (HTTP {}).", a.status),
            None,
        ),
        _ => refused("The log endpoint", a),
    })
    .await
}

/// The first item error of a bulk answer: its type and reason.
fn bulk_error(v: &Value) -> String {
    let error = v.get("items").and_then(Value::as_array).and_then(|items| {
        items
            .iter()
            .find_map(|i| i.get("index").and_then(|x| x.get("error")))
    });
    match error {
        Some(e) => {
            let kind = e.get("type").and_then(Value::as_str).unwrap_or("error");
            let reason = e.get("reason").and_then(Value::as_str).unwrap_or("");
            clip(redact(&format!("{kind} {reason}")).trim(), 200)
        }
        None => "errors: true".into(),
    }
}

/// The traces URL to post to, or the probe that says why there is none.
fn otlp_target(env: &LoadedEnv, cfg: &EnvironmentConfig) -> std::result::Result<Target, Probe> {
    let invalid = |m: String| {
        Probe::new(
            ProbeState::Invalid,
            m,
            Some(
                "Set the endpoint's key in the environment's files, or write the URL in otlp_endpoint."
                    .into(),
            ),
        )
    };
    // (url, whether it is the full traces URL already)
    let endpoint = match cfg.otlp_endpoint.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(spec) => match resolve(spec, env) {
            Ok(u) => (u, false),
            Err(e) => return Err(invalid(format!("otlp_endpoint: {e}."))),
        },
        None => match (value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), value(env, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
            (Some(traces), _) => (traces.to_string(), true),
            (None, Some(base)) => (base.to_string(), false),
            (None, None) => {
                return Err(Probe::new(
                    ProbeState::NotConfigured,
                    format!("No otlp_endpoint, and {} sets no OTEL_EXPORTER_OTLP_ENDPOINT.", env.name),
                    Some(format!(
                        "Set otlp_endpoint = \"env:OTEL_EXPORTER_OTLP_ENDPOINT\" in [environments.{}] and the key in its files.",
                        env.name
                    )),
                ))
            }
        },
    };
    match Target::parse(&endpoint.0) {
        Ok(t) if endpoint.1 => Ok(t),
        Ok(t) => Ok(t.join("/v1/traces")),
        Err(e) => Err(invalid(format!("The OTLP endpoint is {e}."))),
    }
}

/// `request` with the OTEL_EXPORTER_OTLP_(TRACES_)HEADERS pairs, marked
/// sensitive; a malformed pair is skipped with a warning.
fn with_otlp_headers(
    mut request: reqwest::RequestBuilder,
    headers: Option<&str>,
    warnings: &mut Vec<String>,
) -> reqwest::RequestBuilder {
    for pair in headers
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (name, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = super::http::percent_decode(v.trim());
        register_secret(&v);
        match (
            HeaderName::try_from(name.trim()),
            HeaderValue::try_from(v.as_str()),
        ) {
            (Ok(n), Ok(mut hv)) => {
                hv.set_sensitive(true);
                request = request.header(n, hv);
            }
            _ => warnings.push(
                "OTEL_EXPORTER_OTLP_HEADERS has an entry that is not name=value; it was skipped.".into(),
            ),
        }
    }
    request
}

async fn otlp_probe(client: &reqwest::Client, env: &LoadedEnv, cfg: &EnvironmentConfig) -> Probe {
    let target = match otlp_target(env, cfg) {
        Ok(t) => t,
        Err(probe) => return probe,
    };
    let mut warnings = Vec::new();
    let request = target
        .request(client, Method::POST)
        .header(CONTENT_TYPE, "application/json");
    let headers =
        value(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS").or_else(|| value(env, "OTEL_EXPORTER_OTLP_HEADERS"));
    let request = with_otlp_headers(request, headers, &mut warnings);
    let protocol = value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        .or_else(|| value(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
    if protocol.is_some_and(|p| p.eq_ignore_ascii_case("grpc")) {
        warnings
            .push("The app exports over gRPC; this check spoke OTLP/HTTP JSON to the same endpoint.".into());
    }
    let request = request.body(span(&env.name).to_string());
    let credentials = target.has_credentials() || headers.is_some();
    let mut probe = round_trip(&target, credentials, request, |a| match a.status {
        200..=299 => match partial_rejection(a) {
            Some(why) => (
                ProbeState::Failing,
                format!("The collector rejected the span{why}."),
                Some("Look at the collector's logs and its pipeline for traces.".into()),
            ),
            None => (ProbeState::Ready, "The collector accepted one span of service shipdeck-readiness.".into(), None),
        },
        404 => (
            ProbeState::Failing,
            "No OTLP/HTTP receiver at /v1/traces (HTTP 404).".into(),
            Some("OTLP/HTTP listens on port 4318 (gRPC on 4317); check the endpoint and that the collector's http receiver is on.".into()),
        ),
        415 => (
            ProbeState::Failing,
            "The receiver does not take OTLP/HTTP JSON (HTTP 415).".into(),
            Some("Enable JSON on the collector's OTLP http receiver, or point at a collector that takes it.".into()),
        ),
        _ => refused("The collector", a),
    })
    .await;
    probe.warnings.append(&mut warnings);
    probe
}

/// One finished internal span, as OTLP/HTTP JSON (ids in hex, times as
/// strings, as the JSON mapping asks).
fn span(env: &str) -> Value {
    let end = unix_nanos();
    let start = end.saturating_sub(1_000_000);
    let attr = |k: &str, v: &str| json!({ "key": k, "value": { "stringValue": v } });
    json!({ "resourceSpans": [{
        "resource": { "attributes": [attr("service.name", "shipdeck-readiness"), attr("deployment.environment", env)] },
        "scopeSpans": [{
            "scope": { "name": "shipdeck", "version": env!("CARGO_PKG_VERSION") },
            "spans": [{
                "traceId": hex::encode(rand::random::<[u8; 16]>()),
                "spanId": hex::encode(rand::random::<[u8; 8]>()),
                "name": "shipdeck readiness check",
                "kind": 1,
                "startTimeUnixNano": start.to_string(),
                "endTimeUnixNano": end.to_string(),
                "attributes": [attr("shipdeck.check", "readiness")],
            }],
        }],
    }]})
}

/// `partialSuccess` with rejected spans: its message.
fn partial_rejection(a: &Answer) -> Option<String> {
    let v: Value = serde_json::from_slice(&a.body).ok()?;
    let partial = v.get("partialSuccess")?;
    let rejected = match partial.get("rejectedSpans")? {
        Value::String(s) => s.parse::<u64>().ok()?,
        n => n.as_u64()?,
    };
    (rejected > 0).then(|| match partial.get("errorMessage").and_then(Value::as_str) {
        Some(m) if !m.trim().is_empty() => format!(": {}", clip(&redact(m), 200)),
        _ => String::new(),
    })
}

impl ReadinessRow {
    /// A configured target that is broken (not merely unconfigured).
    pub fn failing(&self) -> bool {
        [&self.sentry, &self.logs, &self.otlp]
            .iter()
            .any(|p| matches!(p.state, ProbeState::Failing | ProbeState::Invalid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsn_parts_and_hidden_key() {
        let d = parse_dsn("https://abcdef0123456789abcdef0123456789@o1.ingest.sentry.io/4501").unwrap();
        assert_eq!(d.envelope_url(), "https://o1.ingest.sentry.io/api/4501/envelope/");
        let d = parse_dsn("http://k3y-abcdef@127.0.0.1:9000/relay/prefix/42/").unwrap();
        assert_eq!(
            (d.host.as_str(), d.path_prefix.as_str(), d.project_id.as_str()),
            ("127.0.0.1:9000", "/relay/prefix", "42")
        );
        assert!(!format!("{d:?}").contains("k3y-abcdef"));
    }

    #[test]
    fn malformed_dsns_say_why_without_the_key() {
        for (dsn, why) in [
            ("not a url", "not a URL"),
            ("https://o1.ingest.sentry.io/42", "public key"),
            ("https://secretkey123@o1.ingest.sentry.io/", "project id"),
            ("ftp://secretkey123@h/1", "scheme"),
        ] {
            let e = parse_dsn(dsn).unwrap_err();
            assert!(e.contains(why), "{dsn}: {e}");
            assert!(!e.contains("secretkey123"), "{e}");
        }
    }

    #[test]
    fn partial_success_counts_as_rejection_only_with_rejected_spans() {
        let a = |body: &str| Answer {
            status: 200,
            content_type: "application/json".into(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            latency_ms: 1.0,
            location: None,
        };
        assert_eq!(partial_rejection(&a("{}")), None);
        assert_eq!(partial_rejection(&a(r#"{"partialSuccess":{}}"#)), None);
        let why = partial_rejection(&a(
            r#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"bad span"}}"#,
        ));
        assert_eq!(why.as_deref(), Some(": bad span"));
    }
}
