//! Live health and observability readiness against real local servers on
//! 127.0.0.1 (ephemeral ports, a bounded number of requests each).
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::io::Read;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;
use shipdeck_core::config::{EnvironmentConfig, LogTargetConfig};
use shipdeck_core::environments::health::{check_health, version_drift, HealthResult, HealthStatus};
use shipdeck_core::environments::readiness::{parse_dsn, readiness, ProbeState};

mod support;
use support::loaded;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    delay: Duration,
}

fn reply(status: u16, content_type: &'static str, body: &str) -> Reply {
    Reply {
        status,
        content_type,
        body: body.to_string(),
        delay: Duration::ZERO,
    }
}

/// Serves at most `max` requests (and gives up after 10 s without one),
/// answering each with `handler`; the requests come back on the channel.
fn serve(max: usize, handler: impl Fn(&Seen) -> Reply + Send + 'static) -> (u16, Receiver<Seen>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..max {
            let Ok(Some(mut request)) = server.recv_timeout(Duration::from_secs(10)) else {
                return;
            };
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let seen = Seen {
                method: request.method().to_string(),
                url: request.url().to_string(),
                headers: request
                    .headers()
                    .iter()
                    .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
                    .collect(),
                body,
            };
            let r = handler(&seen);
            let _ = tx.send(seen);
            std::thread::sleep(r.delay);
            let header = tiny_http::Header::from_bytes("Content-Type", r.content_type).unwrap();
            let response = tiny_http::Response::from_string(r.body)
                .with_status_code(r.status)
                .with_header(header);
            let _ = request.respond(response);
        }
    });
    (port, rx)
}

fn client() -> reqwest::Client {
    shipdeck_core::net::client_builder().build().unwrap()
}

fn health_cfg(url: &str, timeout: Option<&str>) -> EnvironmentConfig {
    EnvironmentConfig {
        health_url: Some(url.to_string()),
        health_timeout: timeout.map(str::to_string),
        ..Default::default()
    }
}

async fn health_of(port: u16, path: &str) -> HealthResult {
    let url = format!("http://127.0.0.1:{port}{path}");
    check_health(&client(), "staging", &health_cfg(&url, Some("3s"))).await
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const IETF_PASS: &str = r#"{
  "status": "pass", "version": "1", "releaseId": "1.4.2", "serviceId": "api",
  "checks": {
    "postgres:responseTime": [
      {"componentId": "db-1", "componentType": "datastore", "observedValue": 12.5, "observedUnit": "ms", "status": "pass", "time": "2024-01-01T00:00:00Z"},
      {"componentId": "db-2", "componentType": "datastore", "observedValue": 250, "observedUnit": "ms", "status": "warn", "output": "slow replica"}
    ],
    "uptime": [{"componentType": "system", "observedValue": 1209600.245, "observedUnit": "s", "status": "pass"}]
  }
}"#;

#[tokio::test]
async fn health_ietf_body_reports_release_id_and_checks() {
    let (port, seen) = serve(1, |_| reply(200, "application/health+json", IETF_PASS));
    let r = health_of(port, "/health").await;
    assert_eq!(r.status, HealthStatus::Pass, "{r:?}");
    assert_eq!(r.http_status, Some(200));
    assert_eq!(
        r.version.as_deref(),
        Some("1.4.2"),
        "releaseId, not the API version"
    );
    assert!(r.latency_ms.is_some_and(|l| l >= 0.0));
    assert_eq!(
        r.url.as_deref(),
        Some(format!("http://127.0.0.1:{port}/health").as_str())
    );
    assert_eq!(r.checks.len(), 3);
    let db2 = r
        .checks
        .iter()
        .find(|c| c.name == "postgres:responseTime (db-2)")
        .unwrap();
    assert_eq!(db2.status, "warn");
    assert_eq!(db2.observed_value.as_deref(), Some("250"));
    assert_eq!(db2.observed_unit.as_deref(), Some("ms"));
    assert_eq!(db2.output.as_deref(), Some("slow replica"));
    let uptime = r.checks.iter().find(|c| c.name == "uptime").unwrap();
    assert_eq!(uptime.status, "pass");
    assert!(chrono::DateTime::parse_from_rfc3339(&r.checked_at).is_ok());
    let req = seen.recv_timeout(Duration::from_secs(1)).unwrap();
    assert_eq!(req.method, "GET");
    assert!(req.header("Accept").unwrap().contains("application/health+json"));
}

#[tokio::test]
async fn health_plain_json_reports_version_and_commit() {
    let (port, _seen) = serve(1, |_| {
        reply(
            200,
            "application/json",
            r#"{"status":"ok","version":"v2.3.0","git_sha":"9f3c2ab"}"#,
        )
    });
    let r = health_of(port, "/healthz").await;
    assert_eq!(r.status, HealthStatus::Pass);
    assert_eq!(r.version.as_deref(), Some("v2.3.0"));
    assert_eq!(r.commit.as_deref(), Some("9f3c2ab"));
    assert!(r.checks.is_empty());
}

#[tokio::test]
async fn health_plain_text_200_passes_without_version() {
    let (port, _seen) = serve(1, |_| reply(200, "text/plain", "OK"));
    let r = health_of(port, "/").await;
    assert_eq!((r.status, r.version, r.message), (HealthStatus::Pass, None, None));
}

#[tokio::test]
async fn health_slow_server_times_out_within_the_bound() {
    let (port, _seen) = serve(1, |_| Reply {
        delay: Duration::from_secs(600),
        ..reply(200, "text/plain", "late")
    });
    let url = format!("http://127.0.0.1:{port}/health");
    let started = Instant::now();
    let r = check_health(&client(), "prod", &health_cfg(&url, Some("1s"))).await;
    let took = started.elapsed();
    // The answer comes after 600 s: a result at all means the bound held.
    assert_eq!(r.status, HealthStatus::Timeout, "{r:?}");
    assert!(took < Duration::from_secs(300), "took {took:?}");
    assert!(r.message.unwrap().contains("1 s"));
}

#[tokio::test]
async fn health_500_with_a_fail_body_keeps_its_checks() {
    let body = r#"{"status":"fail","releaseId":"1.4.2","output":"database down",
      "checks":{"postgres:connections":[{"status":"fail","output":"connection refused"}],"cache":[{"status":"pass"}]}}"#;
    let (port, _seen) = serve(1, move |_| reply(500, "application/health+json", body));
    let r = health_of(port, "/health").await;
    assert_eq!(r.status, HealthStatus::Fail);
    assert_eq!(r.http_status, Some(500));
    assert_eq!(r.message.as_deref(), Some("database down"));
    assert_eq!(r.version.as_deref(), Some("1.4.2"));
    assert_eq!(r.checks.len(), 2);
    assert!(r
        .checks
        .iter()
        .any(|c| c.name == "postgres:connections" && c.status == "fail"));
}

#[tokio::test]
async fn health_503_plain_text_fails() {
    let (port, _seen) = serve(1, |_| reply(503, "text/plain", "Service Unavailable"));
    let r = health_of(port, "/health").await;
    assert_eq!(r.status, HealthStatus::Fail);
    assert_eq!(r.message.as_deref(), Some("HTTP 503"));
}

#[tokio::test]
async fn health_bad_json_is_a_bad_response() {
    let (port, _seen) = serve(1, |_| reply(200, "application/json", r#"{"status": "pass", "#));
    let r = health_of(port, "/health").await;
    assert_eq!(r.status, HealthStatus::BadResponse);
    assert!(r.message.unwrap().contains("does not parse"));
}

#[tokio::test]
async fn health_404_is_a_bad_response() {
    let (port, _seen) = serve(1, |_| reply(404, "text/plain", "not found"));
    let r = health_of(port, "/nope").await;
    assert_eq!(r.status, HealthStatus::BadResponse);
}

fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

#[tokio::test]
async fn health_refused_connection_is_unreachable() {
    let r = health_of(dead_port(), "/health").await;
    assert_eq!(r.status, HealthStatus::Unreachable, "{r:?}");
    assert!(r.message.unwrap().contains("could not connect"));
}

/// A plain-HTTP server the way nginx behaves towards a TLS hello: it
/// answers `400 Bad Request` in clear text and closes.
fn plain_http_400() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::Write;
        listener.set_nonblocking(false).unwrap();
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    port
}

#[tokio::test]
async fn health_https_against_plain_http_is_a_tls_error() {
    let url = format!("https://127.0.0.1:{}/health", plain_http_400());
    let r = check_health(&client(), "prod", &health_cfg(&url, Some("3s"))).await;
    // A TLS error, not the 3 s timeout: it did not wait for one.
    assert_eq!(r.status, HealthStatus::Tls, "{r:?}");
    assert!(r.message.unwrap().starts_with("TLS failed"));

    // A server that waits for a whole request line never answers the hello:
    // that is a timeout, and bounded.
    let (port, _seen) = serve(1, |_| reply(200, "text/plain", "OK"));
    let started = Instant::now();
    let url = format!("https://127.0.0.1:{port}/health");
    let r = check_health(&client(), "prod", &health_cfg(&url, Some("1s"))).await;
    assert!(
        matches!(r.status, HealthStatus::Tls | HealthStatus::Timeout),
        "{r:?}"
    );
    // The server never answers: returning at all is the bound (generous,
    // against a hang, not a measurement).
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn health_without_url_is_not_configured() {
    let r = check_health(&client(), "dev", &EnvironmentConfig::default()).await;
    assert_eq!(r.status, HealthStatus::NotConfigured);
    let r = check_health(&client(), "dev", &health_cfg("http://127.0.0.1:1/", Some("soon"))).await;
    assert_eq!(r.status, HealthStatus::NotConfigured);
    assert!(r.message.unwrap().contains("health_timeout"));
}

#[tokio::test]
async fn health_url_credentials_are_sent_but_never_shown() {
    let (port, seen) = serve(1, |_| reply(200, "text/plain", "OK"));
    let url = format!("http://ops:canary-health-5e1b@127.0.0.1:{port}/health?token=canary-query-77");
    let r = check_health(&client(), "prod", &health_cfg(&url, None)).await;
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("canary"), "{text}");
    let req = seen.recv_timeout(Duration::from_secs(1)).unwrap();
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Basic {}", base64(b"ops:canary-health-5e1b")).as_str())
    );
    assert_eq!(req.url, "/health?token=canary-query-77");
}

fn with_version(env: &str, version: &str) -> HealthResult {
    HealthResult {
        env: env.into(),
        url: None,
        status: HealthStatus::Pass,
        http_status: Some(200),
        latency_ms: Some(1.0),
        version: Some(version.into()),
        commit: None,
        checks: vec![],
        message: None,
        checked_at: String::new(),
    }
}

#[test]
fn version_drift_finds_the_environment_behind() {
    let mut down = with_version("qa", "1.4.2");
    down.version = None;
    down.status = HealthStatus::Unreachable;
    let results = [
        with_version("dev", "1.4.2"),
        with_version("staging", "v1.4.2"),
        with_version("production", "1.3.0"),
        down,
    ];
    let d = version_drift(&results, Some("v1.4.2"));
    assert!(d.drift);
    assert_eq!(d.behind, vec!["production".to_string()]);
    assert_eq!(d.versions["production"].as_deref(), Some("1.3.0"));
    assert_eq!(d.versions["qa"], None);
    let ids: Vec<(&str, &str)> = d
        .findings
        .iter()
        .map(|f| (f.check.as_str(), f.env.as_str()))
        .collect();
    assert!(ids.contains(&("version_drift", "production")), "{ids:?}");
    assert!(ids.contains(&("behind_release", "production")), "{ids:?}");
    assert!(ids.contains(&("health_unreachable", "qa")), "{ids:?}");
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(d.findings.iter().all(|f| f.file.is_none() && f.line.is_none()));

    let same = version_drift(
        &[with_version("a", "1.4.2"), with_version("b", "v1.4.2")],
        Some("1.4.2"),
    );
    assert!(!same.drift && same.behind.is_empty() && same.findings.is_empty());
}

const SENTRY_KEY: &str = "0123456789abcdef0123456789abcdef";

/// An envelope endpoint for project 42 that checks the path, the key and
/// the envelope, and says what it did not like.
fn sentry_server(max: usize) -> (u16, Receiver<Seen>) {
    serve(max, |req| {
        if req.url != "/api/42/envelope/" {
            return reply(404, "text/plain", "no such path");
        }
        let auth = req.header("X-Sentry-Auth").unwrap_or_default();
        if !auth.contains(&format!("sentry_key={SENTRY_KEY},")) || !auth.contains("sentry_version=7") {
            return reply(401, "application/json", r#"{"detail":"bad sentry key"}"#);
        }
        if req.header("Content-Type") != Some("application/x-sentry-envelope") {
            return reply(415, "text/plain", "envelope expected");
        }
        let mut lines = req.body.lines();
        let header: Value = serde_json::from_str(lines.next().unwrap_or_default()).unwrap_or_default();
        let item: Value = serde_json::from_str(lines.next().unwrap_or_default()).unwrap_or_default();
        let payload: Value = serde_json::from_str(lines.next().unwrap_or_default()).unwrap_or_default();
        let event_id = header["event_id"].as_str().unwrap_or_default();
        let valid = event_id.len() == 32
            && event_id.chars().all(|c| c.is_ascii_hexdigit())
            && header["sent_at"].is_string()
            && item["type"] == "client_report"
            && payload["discarded_events"].is_array();
        if valid {
            reply(200, "application/json", r#"{}"#)
        } else {
            reply(400, "application/json", r#"{"detail":"invalid envelope"}"#)
        }
    })
}

#[tokio::test]
async fn sentry_envelope_is_accepted_and_tags_compared() {
    let (port, seen) = sentry_server(1);
    let dsn = format!("http://{SENTRY_KEY}@127.0.0.1:{port}/42");
    let env = loaded(
        "production",
        &[
            ("SENTRY_DSN", &dsn),
            ("SENTRY_ENVIRONMENT", "prod"),
            ("SENTRY_RELEASE", "app@v1.3.0"),
        ],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), Some("1.4.2")).await;
    assert_eq!(row.sentry.state, ProbeState::Ready, "{:?}", row.sentry);
    assert_eq!(row.sentry.http_status, Some(200));
    assert_eq!(
        row.sentry.target.as_deref(),
        Some(format!("127.0.0.1:{port}/api/42/envelope/").as_str())
    );
    let warnings = row.sentry.warnings.join("\n");
    assert!(warnings.contains("SENTRY_ENVIRONMENT differs"), "{warnings}");
    assert!(warnings.contains("SENTRY_RELEASE does not match"), "{warnings}");
    assert!(
        !warnings.contains("prod`") && !warnings.contains("1.3.0"),
        "values stay out: {warnings}"
    );
    assert_eq!(row.logs.state, ProbeState::NotConfigured);
    assert_eq!(row.otlp.state, ProbeState::NotConfigured);
    let text = serde_json::to_string(&row).unwrap();
    assert!(!text.contains(SENTRY_KEY), "{text}");
    let req = seen.recv_timeout(Duration::from_secs(1)).unwrap();
    assert!(req
        .header("X-Sentry-Auth")
        .unwrap()
        .contains("sentry_client=shipdeck/"));
}

#[tokio::test]
async fn sentry_tags_matching_leave_no_warning() {
    let (port, _seen) = sentry_server(1);
    let dsn = format!("http://{SENTRY_KEY}@127.0.0.1:{port}/42");
    let env = loaded(
        "staging",
        &[
            ("SENTRY_DSN", &dsn),
            ("SENTRY_ENVIRONMENT", "staging"),
            ("SENTRY_RELEASE", "api@1.4.2"),
        ],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), Some("v1.4.2")).await;
    assert_eq!(row.sentry.state, ProbeState::Ready);
    assert!(row.sentry.warnings.is_empty(), "{:?}", row.sentry.warnings);
}

#[tokio::test]
async fn sentry_wrong_key_is_failing_and_not_shown() {
    let (port, _seen) = sentry_server(1);
    let wrong = "ffffffffffffffffffffffffffff1234";
    let cfg = EnvironmentConfig {
        sentry_dsn_key: Some("APP_SENTRY".into()),
        ..Default::default()
    };
    let env = loaded(
        "staging",
        &[("APP_SENTRY", &format!("http://{wrong}@127.0.0.1:{port}/42"))],
    );
    let row = readiness(&client(), &env, &cfg, None).await;
    assert_eq!(row.sentry.state, ProbeState::Failing, "{:?}", row.sentry);
    assert_eq!(row.sentry.http_status, Some(401));
    assert!(
        row.sentry.message.contains("not accepted"),
        "{}",
        row.sentry.message
    );
    assert!(!serde_json::to_string(&row).unwrap().contains(wrong));
}

#[tokio::test]
async fn sentry_malformed_or_missing_dsn() {
    let env = loaded("dev", &[("SENTRY_DSN", "https://o1.ingest.sentry.io/42")]);
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.sentry.state, ProbeState::Invalid);
    assert!(
        row.sentry.message.contains("public key"),
        "{}",
        row.sentry.message
    );
    assert!(parse_dsn("https://o1.ingest.sentry.io/42").is_err());

    let env = loaded("dev", &[("SENTRY_DSN", "  ")]);
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.sentry.state, ProbeState::NotConfigured);
    assert!(row.sentry.fix.unwrap().contains("SENTRY_DSN="));
}

#[tokio::test]
async fn sentry_refused_connection_is_failing() {
    let env = loaded(
        "dev",
        &[(
            "SENTRY_DSN",
            &format!("http://{SENTRY_KEY}@127.0.0.1:{}/42", dead_port()),
        )],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.sentry.state, ProbeState::Failing);
    assert!(
        row.sentry.message.contains("could not connect"),
        "{}",
        row.sentry.message
    );
    assert!(!row.sentry.message.contains(SENTRY_KEY));
}

fn logs_cfg(kind: &str, url: &str) -> EnvironmentConfig {
    EnvironmentConfig {
        logs: Some(LogTargetConfig {
            kind: kind.into(),
            url: url.into(),
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn loki_push_is_ready() {
    let (port, seen) = serve(1, |req| {
        let v: Value = serde_json::from_str(&req.body).unwrap_or_default();
        let stream = &v["streams"][0];
        let entry = &stream["values"][0];
        let ok = req.url == "/loki/api/v1/push"
            && req.header("Content-Type") == Some("application/json")
            && stream["stream"]["service"] == "shipdeck"
            && stream["stream"]["environment"] == "staging"
            && entry[0]
                .as_str()
                .is_some_and(|ns| ns.len() >= 19 && ns.parse::<u128>().is_ok())
            && entry[1]
                .as_str()
                .is_some_and(|l| l.starts_with("shipdeck readiness check "));
        if ok {
            reply(204, "text/plain", "")
        } else {
            reply(400, "text/plain", "bad push")
        }
    });
    let env = loaded("staging", &[("LOKI_URL", &format!("http://127.0.0.1:{port}/"))]);
    let row = readiness(&client(), &env, &logs_cfg("loki", "env:LOKI_URL"), None).await;
    assert_eq!(row.logs.state, ProbeState::Ready, "{:?}", row.logs);
    assert_eq!(row.logs.http_status, Some(204));
    assert!(row.logs.latency_ms.is_some());
    assert_eq!(seen.recv_timeout(Duration::from_secs(1)).unwrap().method, "POST");
}

#[tokio::test]
async fn logs_env_key_missing_or_unknown_kind_is_invalid() {
    let env = loaded("staging", &[]);
    let row = readiness(&client(), &env, &logs_cfg("loki", "env:LOKI_URL"), None).await;
    assert_eq!(row.logs.state, ProbeState::Invalid);
    assert!(row.logs.message.contains("LOKI_URL"));
    let row = readiness(&client(), &env, &logs_cfg("syslog", "http://127.0.0.1:1"), None).await;
    assert_eq!(row.logs.state, ProbeState::Invalid);
}

#[tokio::test]
async fn elasticsearch_bulk_errors_are_failing() {
    let (port, seen) = serve(1, |req| {
        let lines: Vec<Value> = req
            .body
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_default())
            .collect();
        let ok = req.url == "/_bulk"
            && req.header("Content-Type") == Some("application/x-ndjson")
            && lines.len() == 2
            && lines[0]["index"]["_index"] == "shipdeck-readiness"
            && lines[1]["environment"] == "staging";
        if !ok {
            return reply(400, "application/json", r#"{"error":"bad bulk"}"#);
        }
        reply(
            200,
            "application/json",
            r#"{"took":3,"errors":true,"items":[{"index":{"_index":"shipdeck-readiness","status":403,
               "error":{"type":"security_exception","reason":"action [indices:data/write/bulk] is unauthorized"}}}]}"#,
        )
    });
    let env = loaded("staging", &[]);
    let row = readiness(
        &client(),
        &env,
        &logs_cfg("elasticsearch", &format!("http://127.0.0.1:{port}")),
        None,
    )
    .await;
    assert_eq!(row.logs.state, ProbeState::Failing, "{:?}", row.logs);
    assert!(
        row.logs.message.contains("security_exception"),
        "{}",
        row.logs.message
    );
    assert_eq!(seen.recv_timeout(Duration::from_secs(1)).unwrap().url, "/_bulk");
}

#[tokio::test]
async fn logs_url_password_is_sent_as_basic_auth_and_never_shown() {
    let (port, seen) = serve(1, |req| {
        let v: Value = serde_json::from_str(&req.body).unwrap_or_default();
        if v[0]["service"] == "shipdeck" && v[0]["environment"] == "production" {
            reply(202, "text/plain", "")
        } else {
            reply(400, "text/plain", "")
        }
    });
    let url = format!("http://user:canary-pass-91d2@127.0.0.1:{port}/ingest");
    let env = loaded("production", &[]);
    let row = readiness(&client(), &env, &logs_cfg("http", &url), None).await;
    assert_eq!(row.logs.state, ProbeState::Ready, "{:?}", row.logs);
    assert_eq!(
        row.logs.target.as_deref(),
        Some(format!("127.0.0.1:{port}/ingest").as_str())
    );
    let text = serde_json::to_string(&row).unwrap();
    assert!(!text.contains("canary-pass-91d2"), "{text}");
    let req = seen.recv_timeout(Duration::from_secs(1)).unwrap();
    let expected = format!("Basic {}", base64(b"user:canary-pass-91d2"));
    assert_eq!(req.header("Authorization"), Some(expected.as_str()));

    // Refused: the password stays out of the failure message too.
    let url = format!("http://user:canary-pass-91d2@127.0.0.1:{}/ingest", dead_port());
    let row = readiness(&client(), &env, &logs_cfg("http", &url), None).await;
    assert_eq!(row.logs.state, ProbeState::Failing);
    assert!(!serde_json::to_string(&row).unwrap().contains("canary-pass-91d2"));
}

#[tokio::test]
async fn otlp_span_is_accepted() {
    let (port, seen) = serve(1, |req| {
        let v: Value = serde_json::from_str(&req.body).unwrap_or_default();
        let rs = &v["resourceSpans"][0];
        let attrs = rs["resource"]["attributes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let has = |k: &str, val: &str| {
            attrs
                .iter()
                .any(|a| a["key"] == k && a["value"]["stringValue"] == val)
        };
        let span = &rs["scopeSpans"][0]["spans"][0];
        let ok = req.url == "/v1/traces"
            && req.header("Content-Type") == Some("application/json")
            && req.header("x-api-key") == Some("canary-otel-0c4f")
            && has("service.name", "shipdeck-readiness")
            && has("deployment.environment", "staging")
            && span["traceId"].as_str().is_some_and(|t| t.len() == 32)
            && span["spanId"].as_str().is_some_and(|t| t.len() == 16);
        if ok {
            reply(200, "application/json", r#"{"partialSuccess":{}}"#)
        } else {
            reply(400, "application/json", r#"{"code":3,"message":"bad"}"#)
        }
    });
    // No otlp_endpoint: the environment's OTEL_EXPORTER_OTLP_ENDPOINT is used.
    let env = loaded(
        "staging",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &format!("http://127.0.0.1:{port}")),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=canary-otel-0c4f"),
        ],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.otlp.state, ProbeState::Ready, "{:?}", row.otlp);
    assert_eq!(
        row.otlp.target.as_deref(),
        Some(format!("127.0.0.1:{port}/v1/traces").as_str())
    );
    assert!(!serde_json::to_string(&row).unwrap().contains("canary-otel"));
    assert_eq!(
        seen.recv_timeout(Duration::from_secs(1)).unwrap().url,
        "/v1/traces"
    );
}

#[tokio::test]
async fn otlp_partial_success_with_rejected_spans_is_failing() {
    let (port, _seen) = serve(1, |_| {
        reply(
            200,
            "application/json",
            r#"{"partialSuccess":{"rejectedSpans":1,"errorMessage":"span too old"}}"#,
        )
    });
    let cfg = EnvironmentConfig {
        otlp_endpoint: Some(format!("http://127.0.0.1:{port}/")),
        ..Default::default()
    };
    let row = readiness(&client(), &loaded("dev", &[]), &cfg, None).await;
    assert_eq!(row.otlp.state, ProbeState::Failing);
    assert!(row.otlp.message.contains("span too old"), "{}", row.otlp.message);
}
