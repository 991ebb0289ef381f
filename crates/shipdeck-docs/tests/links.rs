//! `--links` against a real HTTP server on 127.0.0.1: a 404, a slow answer
//! past the timeout, redirects (followed, and looping), a server that
//! refuses HEAD, credentials never sent, answers cached on disk.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_docs::links::LinkOptions;
use shipdeck_docs::{check, BrokenLink, CheckOptions, DocsReport, Reason};

/// Serves at most `MAX_REQUESTS` requests, each in a thread of its own.
struct Server {
    base: String,
    server: Arc<tiny_http::Server>,
    requests: Arc<AtomicUsize>,
    /// Every request's method, path and whether it carried `Authorization`.
    seen: Arc<Mutex<Vec<(String, String, bool)>>>,
}

const MAX_REQUESTS: usize = 200;

impl Server {
    fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, n, log) = (server.clone(), requests.clone(), seen.clone());
        std::thread::spawn(move || {
            for req in s.incoming_requests() {
                if n.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                    break;
                }
                let log = log.clone();
                std::thread::spawn(move || answer(req, &log));
            }
        });
        Server {
            base,
            server,
            requests,
            seen,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn answer(req: tiny_http::Request, log: &Mutex<Vec<(String, String, bool)>>) {
    let method = req.method().to_string();
    let path = req.url().to_string();
    let auth = req.headers().iter().any(|h| h.field.equiv("Authorization"));
    log.lock().unwrap().push((method.clone(), path.clone(), auth));
    let redirect = |to: &str| {
        tiny_http::Response::empty(302).with_header(tiny_http::Header::from_bytes("Location", to).unwrap())
    };
    let resp = match (method.as_str(), path.as_str()) {
        (_, "/ok" | "/secret") => tiny_http::Response::empty(200),
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            tiny_http::Response::empty(200)
        }
        (_, "/moved") => redirect("/ok"),
        (_, "/loop") => redirect("/loop"),
        ("HEAD", "/nohead") => tiny_http::Response::empty(405),
        ("GET", "/nohead") => tiny_http::Response::empty(200),
        _ => tiny_http::Response::empty(404),
    };
    let _ = req.respond(resp);
}

fn opts(cache: Option<std::path::PathBuf>) -> CheckOptions {
    CheckOptions {
        links: Some(LinkOptions {
            timeout: Duration::from_secs(1),
            cache,
            ..LinkOptions::default()
        }),
        ..CheckOptions::default()
    }
}

fn run(root: &std::path::Path, o: &CheckOptions) -> DocsReport {
    check(root, o, &Progress::detached(CancellationToken::new())).unwrap()
}

fn rows(b: &[BrokenLink]) -> Vec<(usize, Reason, &str)> {
    b.iter().map(|x| (x.line, x.reason, x.detail.as_str())).collect()
}

#[test]
fn external_links_404_slow_redirects_and_head_refused() {
    let srv = Server::start();
    let b = &srv.base;
    let ws = tempfile::tempdir().unwrap();
    let user = b.replace("http://", "http://user:hunter2@");
    std::fs::write(
        ws.path().join("README.md"),
        format!(
            "[ok]({b}/ok)\n[gone]({b}/gone)\n[slow]({b}/slow)\n[moved]({b}/moved)\n[loop]({b}/loop)\n[nohead]({b}/nohead)\n[secret]({user}/secret)\n[again]({b}/gone)\n"
        ),
    )
    .unwrap();
    let cache = ws.path().join("cache.json");
    let report = run(ws.path(), &opts(Some(cache.clone())));
    let d = &report.docs[0];
    assert_eq!(
        rows(&d.broken_links),
        vec![
            (2, Reason::HttpStatus, "HTTP 404"),
            (3, Reason::Unreachable, "timed out"),
            (5, Reason::Unreachable, "too many redirects"),
            (8, Reason::HttpStatus, "HTTP 404"),
        ]
    );
    let seen = srv.seen.lock().unwrap().clone();
    assert!(
        seen.iter().all(|(_, _, auth)| !auth),
        "credentials sent: {seen:?}"
    );
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert!(
        cached.contains("/secret") && !cached.contains("hunter2"),
        "credentials cached: {cached}"
    );
    assert!(
        seen.contains(&("GET".into(), "/nohead".into(), false)),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|(m, p, _)| m == "GET" && p == "/ok"),
        "HEAD was enough: {seen:?}"
    );
    let gone = seen.iter().filter(|(_, p, _)| p == "/gone").count();
    assert_eq!(gone, 1, "one request per distinct URL");
    assert!(srv.requests.load(Ordering::SeqCst) < 30);
}

#[test]
fn without_links_external_urls_are_not_asked_for() {
    let srv = Server::start();
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("README.md"),
        format!("[gone]({}/gone)\n", srv.base),
    )
    .unwrap();
    let report = run(ws.path(), &CheckOptions::default());
    assert!(report.docs[0].broken_links.is_empty());
    assert_eq!(srv.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn answers_are_cached_until_they_expire() {
    let ws = tempfile::tempdir().unwrap();
    let cache = ws.path().join("cache/links.json");
    let base = {
        let srv = Server::start();
        std::fs::write(
            ws.path().join("README.md"),
            format!("[gone]({0}/gone) [ok]({0}/ok)\n", srv.base),
        )
        .unwrap();
        let report = run(ws.path(), &opts(Some(cache.clone())));
        assert_eq!(
            rows(&report.docs[0].broken_links),
            vec![(1, Reason::HttpStatus, "HTTP 404")]
        );
        srv.base.clone()
    };
    // The server is gone: the cached answers stand.
    let report = run(ws.path(), &opts(Some(cache.clone())));
    assert_eq!(
        rows(&report.docs[0].broken_links),
        vec![(1, Reason::HttpStatus, "HTTP 404")]
    );
    assert!(std::fs::read_to_string(&cache)
        .unwrap()
        .contains(&format!("{base}/gone")));

    // Expired: asked again, and now unreachable.
    let mut expired = opts(Some(cache));
    expired.links.as_mut().unwrap().ttl = Duration::ZERO;
    let report = run(ws.path(), &expired);
    let reasons: Vec<_> = report.docs[0].broken_links.iter().map(|b| b.reason).collect();
    assert_eq!(reasons, vec![Reason::Unreachable, Reason::Unreachable]);
}
