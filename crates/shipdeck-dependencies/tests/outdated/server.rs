//! Local registries over tiny_http: each serves the committed fixtures the
//! way its real registry does, and records what it was asked.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;

use tiny_http::{Header, Response, Server};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    #[allow(dead_code)] // read by the propose tests, which share this server
    pub method: String,
    pub url: String,
    pub authorization: Option<String>,
    pub accept: Option<String>,
    pub if_none_match: Option<String>,
    #[allow(dead_code)]
    pub private_token: Option<String>,
    /// The request body (up to 8 MiB), as text.
    #[allow(dead_code)]
    pub body: String,
}

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn ok(content_type: &str, body: Vec<u8>) -> Self {
        Answer {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }
    pub fn status(status: u16) -> Self {
        Answer {
            status,
            headers: vec![],
            body: vec![],
        }
    }
}

pub struct Registry {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Registry {
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts a server answering every request, one at a time, with
/// `handler(url, request headers)`.
pub fn start<F>(handler: F) -> Registry
where
    F: Fn(&str, &Seen) -> Answer + Send + Sync + 'static,
{
    start_with(handler, false)
}

/// Like [`start`], but each request is answered on its own thread, so
/// requests overlap as the client sends them.
pub fn start_concurrent<F>(handler: F) -> Registry
where
    F: Fn(&str, &Seen) -> Answer + Send + Sync + 'static,
{
    start_with(handler, true)
}

fn start_with<F>(handler: F, threaded: bool) -> Registry
where
    F: Fn(&str, &Seen) -> Answer + Send + Sync + 'static,
{
    let server = Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let handler = Arc::new(handler);
    thread::spawn(move || {
        for mut req in server.incoming_requests() {
            let mut body = String::new();
            let _ =
                std::io::Read::read_to_string(&mut std::io::Read::take(req.as_reader(), 8 << 20), &mut body);
            let header = |name: &str| {
                req.headers()
                    .iter()
                    .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                    .map(|h| h.value.to_string())
            };
            let s = Seen {
                method: req.method().to_string(),
                url: req.url().to_string(),
                authorization: header("Authorization"),
                accept: header("Accept"),
                if_none_match: header("If-None-Match"),
                private_token: header("PRIVATE-TOKEN"),
                body,
            };
            let etag_in = header("If-None-Match");
            log.lock().unwrap().push(s.clone());
            let handler = handler.clone();
            let answer = move || {
                let a = handler(&s.url, &s);
                let etag = format!("\"{:x}\"", simple_hash(&a.body));
                if a.status == 200 && etag_in.as_deref() == Some(etag.as_str()) {
                    let _ = req.respond(Response::empty(304));
                    return;
                }
                let mut r = Response::from_data(a.body).with_status_code(a.status);
                for (k, v) in a.headers {
                    r.add_header(Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
                }
                if a.status == 200 {
                    r.add_header(Header::from_bytes("ETag", etag.as_bytes()).unwrap());
                }
                let _ = req.respond(r);
            };
            if threaded {
                thread::spawn(answer);
            } else {
                answer();
            }
        }
    });
    Registry { base, seen }
}

fn simple_hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, x| {
        (h ^ u64::from(*x)).wrapping_mul(0x100000001b3)
    })
}

/// npm: `/npm/<name>` (scoped as `@scope%2fname`) from fixtures/npm.
pub fn npm_answer(url: &str) -> Answer {
    let Some(name) = url.strip_prefix("/npm/") else {
        return Answer::status(404);
    };
    let file = fixtures()
        .join("npm")
        .join(format!("{}.json", name.replace("%2F", "%2f")));
    match std::fs::read(&file) {
        Ok(b) if !name.contains("..") => Answer::ok("application/json", b),
        _ => Answer::status(404),
    }
}

/// Cargo sparse index: `/index/config.json`, `/index/<prefix>/<name>`.
pub fn cargo_answer(url: &str) -> Answer {
    let Some(path) = url.strip_prefix("/index/") else {
        return Answer::status(404);
    };
    let name = path.rsplit('/').next().unwrap_or("");
    let file = fixtures().join("crates").join(name);
    match std::fs::read(&file) {
        Ok(b) if !path.contains("..") => Answer::ok("text/plain", b),
        _ => Answer::status(404),
    }
}

/// PyPI: `/simple/<name>/` as PEP 691 JSON when a JSON fixture exists,
/// else the PEP 503 HTML page; `/html/<name>/` only ever HTML.
pub fn pypi_answer(url: &str) -> Answer {
    let (html_only, rest) = match url.strip_prefix("/simple/") {
        Some(r) => (false, r),
        None => match url.strip_prefix("/html/") {
            Some(r) => (true, r),
            None => return Answer::status(404),
        },
    };
    let name = rest.trim_end_matches('/');
    let json = fixtures().join("pypi/json").join(format!("{name}.json"));
    let html = fixtures().join("pypi/html").join(format!("{name}.html"));
    if !html_only {
        if let Ok(b) = std::fs::read(&json) {
            return Answer::ok("application/vnd.pypi.simple.v1+json", b);
        }
    }
    match std::fs::read(&html) {
        Ok(b) => Answer::ok("text/html", b),
        Err(_) => Answer::status(404),
    }
}
