//! The HTTP load generator against real local servers: a small hyper server
//! on 127.0.0.1:0 that counts what it serves and answers each request after
//! a delay (and with a status) chosen from its sequence number.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use shipdeck_base::error::Error;
use shipdeck_benchmarks::loadgen::{run_http, HttpOptions, HttpReport, LiveStats};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// For the n-th request served (from 0): how long to wait, which status.
type Policy = dyn Fn(u64) -> (Duration, u16) + Send + Sync;

struct Server {
    addr: SocketAddr,
    served: Arc<AtomicU64>,
    accept: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(policy: impl Fn(u64) -> (Duration, u16) + Send + Sync + 'static) -> Self {
        Self::start_with(policy, true).await
    }

    async fn start_with(
        policy: impl Fn(u64) -> (Duration, u16) + Send + Sync + 'static,
        keep_alive: bool,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = Arc::new(AtomicU64::new(0));
        let policy: Arc<Policy> = Arc::new(policy);
        let counter = served.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                stream.set_nodelay(true).ok();
                let (policy, counter) = (policy.clone(), counter.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |_req: Request<hyper::body::Incoming>| {
                        let n = counter.fetch_add(1, Ordering::SeqCst);
                        let (delay, status) = policy(n);
                        async move {
                            if !delay.is_zero() {
                                tokio::time::sleep(delay).await;
                            }
                            let mut resp = Response::new(Full::new(Bytes::from_static(b"ok")));
                            *resp.status_mut() = StatusCode::from_u16(status).unwrap();
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    hyper::server::conn::http1::Builder::new()
                        .keep_alive(keep_alive)
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                        .ok();
                });
            }
        });
        Self { addr, served, accept }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn served(&self) -> u64 {
        self.served.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

fn opts(url: String, connections: usize) -> HttpOptions {
    HttpOptions {
        url,
        connections,
        duration: Some(Duration::from_secs(5)),
        ..Default::default()
    }
}

async fn run(opts: &HttpOptions) -> HttpReport {
    run_http(opts, &|_| {}, &CancellationToken::new()).await.unwrap()
}

fn codes(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_model_counts_equal_the_servers() {
    let server = Server::start(|_| (Duration::ZERO, 200)).await;
    let report = run(&HttpOptions {
        requests: Some(2000),
        duration: None,
        ..opts(server.url(), 8)
    })
    .await;
    assert_eq!(server.served(), 2000);
    assert_eq!(report.requests, 2000);
    assert_eq!(report.errors, 0);
    assert_eq!(report.status_codes, codes(&[("200", 2000)]));
    assert_eq!(report.model, "closed");
    assert!(!report.cancelled);
    assert_eq!(report.samples_ms.len(), 2000);
    assert!(report.rps > 0.0 && report.duration_s > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_delay_sets_the_median() {
    let server = Server::start(|_| (Duration::from_millis(20), 200)).await;
    let report = run(&HttpOptions {
        requests: Some(200),
        ..opts(server.url(), 10)
    })
    .await;
    assert_eq!(report.requests, 200);
    let p50 = report.latency_ms.p50;
    assert!((20.0..=30.0).contains(&p50), "p50 {p50} ms");
    assert!(report.latency_ms.max >= 20.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_tenth_shows_in_p99_not_in_p50() {
    // Every tenth request takes 50 ms, the others 5 ms.
    let server = Server::start(|n| (Duration::from_millis(if n % 10 == 9 { 50 } else { 5 }), 200)).await;
    let report = run(&HttpOptions {
        requests: Some(400),
        ..opts(server.url(), 10)
    })
    .await;
    let l = report.latency_ms;
    assert!((5.0..=10.0).contains(&l.p50), "p50 {} ms", l.p50);
    assert!(l.p99 >= 50.0, "p99 {} ms", l.p99);
    assert!(l.p90 <= l.p99 && l.p99 <= l.max);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_shows_the_stall_the_closed_model_hides() {
    // Instant answers, except the 50th request, which stalls 500 ms.
    let stall = |n| (Duration::from_millis(if n == 49 { 500 } else { 0 }), 200);
    let run_for = Some(Duration::from_millis(1500));

    let server = Server::start(stall).await;
    let open = run(&HttpOptions {
        rate: Some(200.0),
        duration: run_for,
        ..opts(server.url(), 2)
    })
    .await;
    let server = Server::start(stall).await;
    let closed = run(&HttpOptions {
        duration: run_for,
        ..opts(server.url(), 2)
    })
    .await;

    assert_eq!(open.model, "open");
    assert_eq!(open.rate, Some(200.0));
    // About 300 requests scheduled; the stalled connection's queue waited.
    assert!(
        (240..=310).contains(&open.requests),
        "open requests {}",
        open.requests
    );
    assert!(
        open.latency_ms.p99 >= 200.0,
        "open p99 {} ms",
        open.latency_ms.p99
    );
    assert!(
        open.latency_ms.max >= 450.0,
        "open max {} ms",
        open.latency_ms.max
    );
    // The closed model saw the stall once among thousands of answers.
    assert!(closed.requests > 1000, "closed requests {}", closed.requests);
    assert!(
        closed.latency_ms.max >= 450.0,
        "closed max {} ms",
        closed.latency_ms.max
    );
    assert!(
        closed.latency_ms.p99 < 50.0,
        "closed p99 {} ms",
        closed.latency_ms.p99
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_holds_its_rate() {
    let server = Server::start(|_| (Duration::ZERO, 200)).await;
    let report = run(&HttpOptions {
        rate: Some(400.0),
        duration: Some(Duration::from_secs(1)),
        ..opts(server.url(), 4)
    })
    .await;
    assert!(
        (380..=400).contains(&report.requests),
        "requests {}",
        report.requests
    );
    // Answers still in flight at the deadline are served but not counted.
    assert!((report.requests..=report.requests + 4).contains(&server.served()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_port_counts_errors() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let report = run(&HttpOptions {
        requests: Some(20),
        ..opts(format!("http://127.0.0.1:{port}/"), 2)
    })
    .await;
    assert_eq!(report.errors, 20);
    assert_eq!(report.requests, 0);
    assert!(report.status_codes.is_empty());
    assert_eq!(report.latency_ms.p99, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_answers_not_errors() {
    let server = Server::start(|_| (Duration::ZERO, 500)).await;
    let report = run(&HttpOptions {
        requests: Some(300),
        ..opts(server.url(), 4)
    })
    .await;
    assert_eq!(report.status_codes, codes(&[("500", 300)]));
    assert_eq!(report.errors, 0);
    assert_eq!(report.requests, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_closing_every_connection_is_not_an_error() {
    let server = Server::start_with(|_| (Duration::ZERO, 200), false).await;
    let report = run(&HttpOptions {
        requests: Some(200),
        ..opts(server.url(), 4)
    })
    .await;
    assert_eq!(report.errors, 0);
    assert_eq!(report.requests, 200);
    assert_eq!(server.served(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_time_out_as_errors() {
    // Answers come after 600 s: every request ends by the 200 ms timeout.
    let server = Server::start(|_| (Duration::from_secs(600), 200)).await;
    let report = run(&HttpOptions {
        requests: Some(4),
        timeout: Duration::from_millis(200),
        ..opts(server.url(), 2)
    })
    .await;
    assert_eq!(report.errors, 4);
    assert_eq!(report.requests, 0);
    assert!(report.duration_s < 300.0, "duration {} s", report.duration_s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_the_run_with_the_counts_so_far() {
    let server = Server::start(|_| (Duration::from_millis(20), 200)).await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    // Cancelled once some requests were answered; the run was planned for 10 min.
    let on_progress = move |s: &LiveStats| {
        if s.requests > 0 {
            trigger.cancel();
        }
    };
    let opts = HttpOptions {
        duration: Some(Duration::from_secs(600)),
        ..opts(server.url(), 4)
    };
    let report = run_http(&opts, &on_progress, &cancel).await.unwrap();
    assert!(report.cancelled);
    assert!(report.requests > 0);
    assert!(report.duration_s < 300.0, "duration {} s", report.duration_s);
    // At most the 4 connections' requests in flight were not counted.
    assert!(server.served() <= report.requests + report.errors + 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_arrives_every_quarter_second() {
    let server = Server::start(|_| (Duration::from_millis(2), 200)).await;
    let seen: Mutex<Vec<LiveStats>> = Mutex::new(Vec::new());
    let cancel = CancellationToken::new();
    // Three calls, then the run ends (it was planned for 10 min).
    let on_progress = |s: &LiveStats| {
        let mut seen = seen.lock().unwrap();
        seen.push(s.clone());
        if seen.len() >= 3 {
            cancel.cancel();
        }
    };
    let opts = HttpOptions {
        duration: Some(Duration::from_secs(600)),
        ..opts(server.url(), 4)
    };
    let report = run_http(&opts, &on_progress, &cancel).await.unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(report.cancelled);
    assert!(seen.len() >= 3, "{} progress calls", seen.len());
    // The k-th call comes no earlier than k quarter seconds in (timers never
    // fire early), with counts that only grow.
    for (k, s) in seen.iter().enumerate() {
        let due = 0.25 * (k + 1) as f64;
        assert!(s.elapsed_s >= due - 0.002, "call {k} at {} s", s.elapsed_s);
    }
    assert!(seen
        .windows(2)
        .all(|w| w[0].requests <= w[1].requests && w[0].elapsed_s < w[1].elapsed_s));
    let last = seen.last().unwrap();
    assert!(last.requests > 0 && last.requests <= report.requests);
    assert!(last.rps > 0.0);
    assert!(last.p99_ms >= 2.0, "live p99 {} ms", last.p99_ms);
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    for url in ["", "localhost:8080", "ftp://127.0.0.1/"] {
        let opts = HttpOptions {
            url: url.into(),
            requests: Some(1),
            ..Default::default()
        };
        let err = run_http(&opts, &|_| {}, &CancellationToken::new())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { field: "url", .. }),
            "{url}: {err:?}"
        );
    }
    let opts = HttpOptions {
        url: "http://127.0.0.1:1/".into(),
        connections: 0,
        ..Default::default()
    };
    let err = run_http(&opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidInput {
            field: "connections",
            ..
        }
    ));
}

/// Answers framed in every way HTTP/1.1 allows, in turn: by length, chunked
/// (with an extension and a trailer), after an interim 100, without a body
/// (204), and HTTP/1.0 up to the close.
const FRAMINGS: [&[u8]; 5] = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\nok",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_framing_is_read_whole() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicU64::new(0));
    let first_request = Arc::new(Mutex::new(String::new()));
    let (counter, seen) = (served.clone(), first_request.clone());
    let accept = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (counter, seen) = (counter.clone(), seen.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let request: Vec<u8> = buf.drain(..end + 4).collect();
                    {
                        let mut first = seen.lock().unwrap();
                        if first.is_empty() {
                            *first = String::from_utf8_lossy(&request).into_owned();
                        }
                    }
                    let n = counter.fetch_add(1, Ordering::SeqCst) as usize;
                    let answer = FRAMINGS[n % FRAMINGS.len()];
                    if stream.write_all(answer).await.is_err() || answer.starts_with(b"HTTP/1.0") {
                        return;
                    }
                }
            });
        }
    });
    let report = run(&HttpOptions {
        url: format!("http://{addr}/x?y=1"),
        requests: Some(500),
        duration: None,
        headers: vec![("X-Test".into(), "1".into())],
        ..opts(String::new(), 4)
    })
    .await;
    accept.abort();
    assert_eq!(report.errors, 0, "{report:?}");
    assert_eq!(report.requests, 500);
    assert_eq!(
        served.load(Ordering::SeqCst),
        500,
        "one request per answer, none resent"
    );
    assert_eq!(
        report.status_codes,
        codes(&[("200", 200), ("201", 100), ("202", 100), ("204", 100)])
    );
    let request = first_request.lock().unwrap().clone();
    assert!(request.starts_with("GET /x?y=1 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains(&format!("host: {addr}\r\n")), "{request}");
    assert!(
        request.contains("x-test: 1\r\n") && !request.contains("content-length"),
        "{request}"
    );
}
