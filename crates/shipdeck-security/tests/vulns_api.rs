//! The OSV API path against a real local HTTP server (tiny_http) serving
//! `POST /v1/querybatch` and `GET /v1/vulns/{id}` from the fixtures, and
//! hostile servers: huge or invalid answers, redirects to another origin,
//! a server too slow to answer.

mod vulns_common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shipdeck_security::vulns::{match_packages, AdvisorySource, ApiSource, LockedPackage};
use vulns_common::*;

struct Req {
    method: String,
    path: String,
    body: String,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    location: Option<String>,
    delay: Duration,
    chunked: bool,
}

impl Reply {
    fn json(v: &serde_json::Value) -> Reply {
        Reply::bytes(200, serde_json::to_vec(v).unwrap())
    }
    fn bytes(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            body,
            location: None,
            delay: Duration::ZERO,
            chunked: false,
        }
    }
}

type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

/// Every request a server saw: (method, path, body).
type Log = Arc<Mutex<Vec<(String, String, String, bool)>>>;

struct Server {
    url: String,
    server: Arc<tiny_http::Server>,
    log: Log,
}

impl Server {
    fn start(handler: Handler) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let log: Log = Arc::default();
        let (s, l) = (server.clone(), log.clone());
        std::thread::spawn(move || {
            for mut rq in s.incoming_requests() {
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(rq.as_reader(), &mut body);
                let credentials = rq.headers().iter().any(|h| {
                    h.field.equiv("Authorization")
                        || h.field.equiv("Cookie")
                        || h.field.equiv("Proxy-Authorization")
                });
                let req = Req {
                    method: rq.method().to_string(),
                    path: rq.url().to_string(),
                    body,
                };
                l.lock().unwrap().push((
                    req.method.clone(),
                    req.path.clone(),
                    req.body.clone(),
                    credentials,
                ));
                let reply = handler(&req);
                std::thread::sleep(reply.delay);
                let mut headers =
                    vec![tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap()];
                if let Some(loc) = &reply.location {
                    headers.push(tiny_http::Header::from_bytes("Location", loc.as_bytes()).unwrap());
                }
                let len = (!reply.chunked).then_some(reply.body.len());
                let resp = tiny_http::Response::new(
                    tiny_http::StatusCode(reply.status),
                    headers,
                    std::io::Cursor::new(reply.body),
                    len,
                    None,
                );
                let _ = rq.respond(resp);
            }
        });
        Server {
            url: format!("http://127.0.0.1:{port}"),
            server,
            log,
        }
    }

    fn requests(&self) -> Vec<(String, String, String, bool)> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn norm(eco: &str, name: &str) -> String {
    if eco == "PyPI" {
        name.to_lowercase().replace(['_', '.'], "-")
    } else {
        name.to_string()
    }
}

/// An OSV-compatible API over the fixtures. It answers by package name (a
/// superset of what affects the version: the scan decides), names a record
/// once it is withdrawn too, and pages answers of more than one id.
fn osv_handler() -> Handler {
    let texts: BTreeMap<String, String> = fixture_texts().into_iter().collect();
    let mut by_name: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (id, text) in &texts {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        for a in v["affected"].as_array().unwrap() {
            let (eco, name) = (
                a["package"]["ecosystem"].as_str().unwrap(),
                a["package"]["name"].as_str().unwrap(),
            );
            let ids = by_name.entry((eco.to_string(), norm(eco, name))).or_default();
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    Arc::new(move |req: &Req| {
        if req.method == "POST" && req.path == "/v1/querybatch" {
            let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
            let queries = body["queries"].as_array().unwrap();
            assert!(queries.len() <= 1000, "a batch of {}", queries.len());
            let results: Vec<serde_json::Value> = queries
                .iter()
                .map(|q| {
                    let eco = q["package"]["ecosystem"].as_str().unwrap();
                    let name = q["package"]["name"].as_str().unwrap();
                    assert!(q["version"].is_string());
                    let ids = by_name
                        .get(&(eco.to_string(), norm(eco, name)))
                        .cloned()
                        .unwrap_or_default();
                    let vulns = |ids: &[String]| -> serde_json::Value {
                        ids.iter()
                            .map(|i| serde_json::json!({"id": i, "modified": "2024-01-01T00:00:00Z"}))
                            .collect()
                    };
                    match (ids.len(), q.get("page_token")) {
                        (0, _) => serde_json::json!({}),
                        (1, _) => serde_json::json!({ "vulns": vulns(&ids) }),
                        (_, None) => {
                            serde_json::json!({ "vulns": vulns(&ids[..1]), "next_page_token": "second" })
                        }
                        (_, Some(_)) => serde_json::json!({ "vulns": vulns(&ids[1..]) }),
                    }
                })
                .collect();
            return Reply::json(&serde_json::json!({ "results": results }));
        }
        if let Some(id) = req.path.strip_prefix("/v1/vulns/") {
            return match texts.get(id) {
                Some(t) => Reply::bytes(200, t.clone().into_bytes()),
                None => Reply::bytes(404, b"{\"code\":5,\"message\":\"Bug not found.\"}".to_vec()),
            };
        }
        Reply::bytes(404, Vec::new())
    })
}

fn api(url: &str) -> AdvisorySource {
    let mut src = ApiSource::new(url);
    src.timeout = Duration::from_secs(10);
    // tiny_http serves each connection on a pool thread and, when several
    // connections open at once, may queue one behind idle keep-alive
    // connections that never end: three at once stays within its idle
    // threads and still fetches concurrently.
    src.concurrency = 3;
    AdvisorySource::Api(src)
}

fn filler(n: usize) -> Vec<LockedPackage> {
    (0..n).map(|i| npm(&format!("filler-{i:04}"), "1.0.0")).collect()
}

#[test]
fn api_matches_as_the_records_do_in_batches_of_at_most_1000() {
    let osv = Server::start(osv_handler());
    // Real packages spread between 2,400 clean ones, so order matters.
    let mut pkgs = filler(2400);
    for (i, p) in broad_packages().into_iter().enumerate() {
        pkgs.insert(i * 140, p);
    }
    let report = match match_packages(&pkgs, &api(&osv.url), &progress()) {
        Ok(r) => r,
        Err(e) => {
            let reqs = osv.requests();
            let tail: Vec<_> = reqs
                .iter()
                .rev()
                .take(5)
                .map(|r| (r.0.clone(), r.1.clone(), r.2.len()))
                .collect();
            panic!("{e}: {} requests, last {tail:?}", reqs.len());
        }
    };
    let expected = match_packages(
        &broad_packages(),
        &AdvisorySource::Records(fixtures()),
        &progress(),
    )
    .unwrap();
    assert!(!expected.vulnerabilities.is_empty());
    assert_eq!(report.vulnerabilities, expected.vulnerabilities);
    assert_eq!(report.packages_scanned, pkgs.len() as u64);

    let reqs = osv.requests();
    let batches: Vec<usize> = reqs
        .iter()
        .filter(|r| r.1 == "/v1/querybatch")
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.2).unwrap()["queries"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert!(batches.iter().all(|&n| n <= 1000), "{batches:?}");
    assert_eq!(
        batches[..3].iter().sum::<usize>(),
        pkgs.len(),
        "every package asked once: {batches:?}"
    );
    assert!(batches.len() > 3, "paged answers were followed: {batches:?}");
    assert!(
        reqs.iter().any(|r| r.2.contains("\"page_token\":\"second\"")),
        "the page token went back"
    );
    // Each record fetched once, the withdrawn one included (and ignored).
    let gets: Vec<&str> = reqs
        .iter()
        .filter(|r| r.0 == "GET")
        .map(|r| r.1.as_str())
        .collect();
    let mut distinct = gets.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(gets.len(), distinct.len(), "{gets:?}");
    assert!(gets.contains(&"/v1/vulns/EDGE-WITHDRAWN-1"));
    assert!(report.vulnerabilities.iter().all(|v| v.id != "EDGE-WITHDRAWN-1"));
    assert!(reqs.iter().all(|r| !r.3), "no credentials sent");
}

#[test]
fn empty_answers_and_a_missing_record_are_no_findings() {
    let inner = osv_handler();
    let osv = Server::start(Arc::new(move |req: &Req| {
        if req.method == "POST" {
            let body = serde_json::from_str::<serde_json::Value>(&req.body).unwrap();
            let results: Vec<serde_json::Value> = body["queries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| match q["package"]["name"].as_str() {
                    Some("minimist") => serde_json::json!({"vulns": [
                        {"id": "GHSA-gone-gone-gone"}, {"id": "GHSA-xvch-5gv4-984h"}]}),
                    _ => serde_json::json!({}),
                })
                .collect();
            return Reply::json(&serde_json::json!({ "results": results }));
        }
        inner(req)
    }));
    let r = match_packages(
        &[npm("minimist", "1.2.5"), npm("left-pad", "1.3.0")],
        &api(&osv.url),
        &progress(),
    )
    .unwrap();
    assert_eq!(ids(&of(&r, "minimist", "1.2.5")), ["GHSA-xvch-5gv4-984h"]);
    assert_eq!(r.vulnerabilities.len(), 1);
}

#[test]
fn nothing_to_ask_sends_nothing() {
    let osv = Server::start(osv_handler());
    let r = match_packages(&[], &api(&osv.url), &progress()).unwrap();
    assert!(r.vulnerabilities.is_empty());
    assert!(osv.requests().is_empty());
}

fn fails_with(handler: Handler, src: impl Fn(&str) -> ApiSource) -> (shipdeck_base::error::Error, Server) {
    let osv = Server::start(handler);
    let err = match_packages(
        &[npm("lodash", "4.17.15")],
        &AdvisorySource::Api(src(&osv.url)),
        &progress(),
    )
    .unwrap_err();
    (err, osv)
}

fn small(url: &str) -> ApiSource {
    let mut s = ApiSource::new(url);
    s.timeout = Duration::from_secs(10);
    s.max_batch_bytes = 64 << 10;
    s.max_record_bytes = 64 << 10;
    s
}

#[test]
fn huge_answers_are_refused_with_or_without_a_length() {
    for chunked in [false, true] {
        let (err, _osv) = fails_with(
            Arc::new(move |_req: &Req| {
                let mut r = Reply::bytes(200, vec![b' '; 4 << 20]);
                r.chunked = chunked;
                r
            }),
            small,
        );
        assert_eq!(err.code(), "security.osv_bad_answer", "chunked {chunked}: {err}");
        assert!(err.to_string().contains("larger than"), "{err}");
    }
    // A huge record behind a normal batch answer.
    let (err, _osv) = fails_with(
        Arc::new(|req: &Req| {
            if req.method == "POST" {
                Reply::json(&serde_json::json!({"results": [{"vulns": [{"id": "GHSA-35jh-r3h4-6jhm"}]}]}))
            } else {
                Reply::bytes(200, vec![b'{'; 1 << 20])
            }
        }),
        small,
    );
    assert_eq!(err.code(), "security.osv_bad_answer", "{err}");
}

#[test]
fn invalid_answers_are_typed_errors() {
    let cases: Vec<(&str, Handler)> = vec![
        (
            "not json",
            Arc::new(|_: &Req| Reply::bytes(200, b"<html>oops</html>".to_vec())),
        ),
        (
            "short",
            Arc::new(|_: &Req| Reply::json(&serde_json::json!({"results": []}))),
        ),
        (
            "bad id",
            Arc::new(|_: &Req| {
                Reply::json(&serde_json::json!({"results": [{"vulns": [{"id": "../../admin"}]}]}))
            }),
        ),
        (
            "bad record",
            Arc::new(|req: &Req| {
                if req.method == "POST" {
                    Reply::json(&serde_json::json!({"results": [{"vulns": [{"id": "GHSA-1"}]}]}))
                } else {
                    Reply::bytes(200, b"[1,2,3]".to_vec())
                }
            }),
        ),
        (
            "server error",
            Arc::new(|_: &Req| Reply::bytes(500, b"{}".to_vec())),
        ),
        (
            "batch gone",
            Arc::new(|_: &Req| Reply::bytes(404, b"{}".to_vec())),
        ),
    ];
    for (what, handler) in cases {
        let (err, osv) = fails_with(handler, small);
        assert_eq!(err.code(), "security.osv_bad_answer", "{what}: {err}");
        assert!(err.hint().is_some());
        assert!(!osv.requests().iter().any(|r| r.1.contains("admin")), "{what}");
    }
}

#[test]
fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = Server::start(osv_handler());
    let target = format!("{}/v1/querybatch?token=secret", elsewhere.url);
    let (err, osv) = fails_with(
        Arc::new(move |_: &Req| {
            let mut r = Reply::bytes(302, Vec::new());
            r.location = Some(target.clone());
            r
        }),
        small,
    );
    assert_eq!(err.code(), "security.osv_bad_answer", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("redirect") && msg.contains(&elsewhere.url), "{msg}");
    assert!(!msg.contains("secret"), "only the origin is named: {msg}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the other origin"
    );
    assert_eq!(osv.requests().len(), 1);
}

#[test]
fn a_slow_server_times_out_in_bounded_time() {
    let (err, _osv) = {
        let started = Instant::now();
        let r = fails_with(
            Arc::new(|_: &Req| {
                let mut r = Reply::json(&serde_json::json!({"results": [{}]}));
                r.delay = Duration::from_secs(6);
                r
            }),
            |url| {
                let mut s = small(url);
                s.timeout = Duration::from_millis(500);
                s
            },
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        r
    };
    assert_eq!(err.code(), "security.osv_unreachable", "{err}");
    assert!(err.to_string().contains("in time"), "{err}");
}

#[test]
fn a_closed_port_is_unreachable() {
    // Port 1 (tcpmux) listens nowhere here; a port freed by this test could
    // be taken by a server of a test running beside it.
    let port = 1;
    let err = match_packages(
        &[npm("lodash", "4.17.15")],
        &api(&format!("http://127.0.0.1:{port}")),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_unreachable", "{err}");
    assert!(err.hint().unwrap().contains("--offline"));
}

#[test]
fn addresses_with_credentials_or_odd_schemes_are_refused_before_sending() {
    let osv = Server::start(osv_handler());
    let with_user = osv.url.replace("http://", "http://user:pw@");
    for url in [
        with_user.as_str(),
        "ftp://127.0.0.1/osv",
        "not a url",
        "http://127.0.0.1:1/?q=1",
    ] {
        let err = match_packages(&[npm("lodash", "4.17.15")], &api(url), &progress()).unwrap_err();
        assert_eq!(err.code(), "security.osv_bad_url", "{url}: {err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
    assert!(osv.requests().is_empty());
}

#[test]
fn a_path_prefix_is_kept() {
    let inner = osv_handler();
    let osv = Server::start(Arc::new(move |req: &Req| {
        let Some(rest) = req.path.strip_prefix("/mirror") else {
            return Reply::bytes(404, Vec::new());
        };
        inner(&Req {
            method: req.method.clone(),
            path: rest.to_string(),
            body: req.body.clone(),
        })
    }));
    let r = match_packages(
        &[npm("minimist", "1.2.5")],
        &api(&format!("{}/mirror/", osv.url)),
        &progress(),
    )
    .unwrap();
    assert_eq!(ids(&of(&r, "minimist", "1.2.5")), ["GHSA-xvch-5gv4-984h"]);
}

#[test]
fn cancel_stops_an_api_scan() {
    let osv = Server::start(osv_handler());
    let (cancel, p) = cancellable_progress();
    cancel.cancel();
    let err = match_packages(&broad_packages(), &api(&osv.url), &p).unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
}
