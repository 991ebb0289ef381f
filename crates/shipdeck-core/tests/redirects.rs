//! Credentials never follow a redirect to another origin, and never travel
//! over plain http to another machine. Two real servers on 127.0.0.1: the
//! first answers 307 to the second (another port, so another origin), and
//! the second records whatever reaches it.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use shipdeck_core::config::{EnvironmentConfig, LogTargetConfig};
use shipdeck_core::environments::health::check_health;
use shipdeck_core::environments::readiness::{readiness, ProbeState};
use shipdeck_core::releases::forge::{Forge, ForgeKind};
use shipdeck_core::releases::publish::{create_forge_release, PendingRelease};

mod support;
use support::loaded;

/// The headers of every request a server saw.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

struct Server {
    port: u16,
    seen: Seen,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Answers every request with `status`, and `Location: location` when
    /// given, until dropped.
    fn start(status: u16, location: Option<String>) -> Server {
        Server::answering(move |_| (status, location.clone()))
    }

    /// Answers each request (by its path) with a status and a `Location`.
    fn answering(answer: impl Fn(&str) -> (u16, Option<String>) + Send + 'static) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let seen: Seen = Arc::default();
        let (s, log) = (server.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let headers = req
                    .headers()
                    .iter()
                    .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
                    .collect();
                log.lock().unwrap().push(headers);
                let (status, location) = answer(req.url());
                let mut response = tiny_http::Response::from_string("{}").with_status_code(status);
                if let Some(l) = &location {
                    response.add_header(tiny_http::Header::from_bytes("Location", l.as_bytes()).unwrap());
                }
                let _ = req.respond(response);
            }
        });
        Server {
            port,
            seen,
            server,
            thread: Some(thread),
        }
    }

    /// A server that redirects every request to `to`, path kept.
    fn redirecting_to(to: &Server) -> Server {
        Server::start(307, Some(format!("http://127.0.0.1:{}/elsewhere", to.port)))
    }

    fn requests(&self) -> Vec<Vec<(String, String)>> {
        self.seen.lock().unwrap().clone()
    }

    /// Whether any request carried `value` in any header.
    fn saw(&self, value: &str) -> bool {
        self.requests().iter().flatten().any(|(_, v)| v.contains(value))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn client() -> reqwest::Client {
    shipdeck_core::net::client_builder().build().unwrap()
}

fn gitlab(api: String) -> Forge {
    Forge {
        kind: ForgeKind::Gitlab,
        web: "https://gitlab.example.com/group/app".into(),
        path: "group/app".into(),
        api,
    }
}

fn pending() -> PendingRelease {
    PendingRelease {
        package: String::new(),
        tag: "v1.1.0".into(),
        version: "1.1.0".into(),
        prerelease: false,
        notes: "notes".into(),
    }
}

const TOKEN: &str = "glpat-redirect-canary-0123456789";

#[tokio::test]
async fn a_gitlab_token_does_not_follow_a_redirect_to_another_port() {
    let trap = Server::start(201, None);
    let first = Server::redirecting_to(&trap);
    let forge = gitlab(format!("http://127.0.0.1:{}/api/v4", first.port));
    let err = create_forge_release(&forge, TOKEN, &pending()).await.unwrap_err();
    assert_eq!(err.code(), "release.forge_redirected", "{err}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{}", trap.port)),
        "{err}"
    );
    assert!(first.saw(TOKEN), "the forge itself got the token");
    assert!(trap.requests().is_empty(), "{:?}", trap.requests());
}

#[tokio::test]
async fn a_token_is_not_sent_over_plain_http_to_another_machine() {
    let forge = gitlab("http://gitlab.example.com/api/v4".into());
    let err = create_forge_release(&forge, TOKEN, &pending()).await.unwrap_err();
    assert_eq!(err.code(), "release.cleartext_token");
    assert!(err.hint().unwrap().contains("https"), "{:?}", err.hint());
}

#[tokio::test]
async fn the_sentry_auth_header_does_not_follow_a_redirect_to_another_port() {
    let trap = Server::start(200, None);
    let first = Server::redirecting_to(&trap);
    let key = "0123456789abcdef0123456789abcdef";
    let env = loaded(
        "production",
        &[("SENTRY_DSN", &format!("http://{key}@127.0.0.1:{}/42", first.port))],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.sentry.state, ProbeState::Failing, "{:?}", row.sentry);
    assert_eq!(row.sentry.http_status, Some(307));
    assert!(row.sentry.message.contains("redirect"), "{}", row.sentry.message);
    assert!(first.saw(key), "Sentry itself got the key");
    assert!(trap.requests().is_empty(), "{:?}", trap.requests());
}

#[tokio::test]
async fn otlp_headers_do_not_follow_a_redirect_to_another_port() {
    let trap = Server::start(200, None);
    let first = Server::redirecting_to(&trap);
    let env = loaded(
        "production",
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                &format!("http://127.0.0.1:{}", first.port),
            ),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-honeycomb-team=otlp-canary-4242"),
        ],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.otlp.state, ProbeState::Failing, "{:?}", row.otlp);
    assert!(row.otlp.message.contains("redirect"), "{}", row.otlp.message);
    assert!(first.saw("otlp-canary-4242"));
    assert!(trap.requests().is_empty(), "{:?}", trap.requests());
}

#[tokio::test]
async fn log_shipping_credentials_do_not_follow_a_redirect_to_another_port() {
    let trap = Server::start(200, None);
    let first = Server::redirecting_to(&trap);
    let cfg = EnvironmentConfig {
        logs: Some(LogTargetConfig {
            kind: "http".into(),
            url: format!("http://ops:logs-canary-77@127.0.0.1:{}/ingest", first.port),
        }),
        ..Default::default()
    };
    let row = readiness(&client(), &loaded("production", &[]), &cfg, None).await;
    assert_eq!(row.logs.state, ProbeState::Failing, "{:?}", row.logs);
    assert!(!first.requests().is_empty());
    assert!(trap.requests().is_empty(), "{:?}", trap.requests());
}

#[tokio::test]
async fn otlp_headers_are_not_sent_over_plain_http_to_another_machine() {
    let env = loaded(
        "production",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4318"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-honeycomb-team=otlp-canary-4242"),
        ],
    );
    let row = readiness(&client(), &env, &EnvironmentConfig::default(), None).await;
    assert_eq!(row.otlp.state, ProbeState::Invalid, "{:?}", row.otlp);
    assert!(row.otlp.message.contains("not sent"), "{}", row.otlp.message);
    assert_eq!(row.otlp.http_status, None);
}

#[tokio::test]
async fn health_credentials_do_not_follow_a_redirect_but_same_origin_ones_are_followed() {
    let trap = Server::start(200, None);
    let first = Server::redirecting_to(&trap);
    let cfg = EnvironmentConfig {
        health_url: Some(format!(
            "http://ops:health-canary-9@127.0.0.1:{}/health",
            first.port
        )),
        ..Default::default()
    };
    let r = check_health(&client(), "production", &cfg).await;
    assert_eq!(r.http_status, Some(307), "{r:?}");
    assert!(r.message.as_deref().unwrap_or("").contains("redirect"), "{r:?}");
    assert!(trap.requests().is_empty(), "{:?}", trap.requests());

    // The same origin, another path: followed as before.
    let moved = Server::answering(|path| match path {
        "/health" => (307, Some("/ready".into())),
        _ => (200, None),
    });
    let cfg = EnvironmentConfig {
        health_url: Some(format!("http://127.0.0.1:{}/health", moved.port)),
        ..Default::default()
    };
    let r = check_health(&client(), "production", &cfg).await;
    assert_eq!(r.http_status, Some(200), "{r:?}");
    assert_eq!(moved.requests().len(), 2);
}
