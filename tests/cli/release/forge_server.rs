//! A small forge on 127.0.0.1: it records every request and answers the
//! release endpoints of GitHub, GitLab and Gitea (publish tests), or what a
//! test's own responder says (`deps propose`: pull requests, upstream notes).

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct ForgeServer {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl ForgeServer {
    /// Serves until dropped. `existing` tags answer "already exists".
    pub fn start(existing: &[&str]) -> ForgeServer {
        let existing: Vec<String> = existing.iter().map(|s| s.to_string()).collect();
        Self::with(move |entry| {
            let tag = entry.body.get("tag_name").and_then(|t| t.as_str()).unwrap_or("");
            match entry.method.as_str() {
                "POST" if existing.iter().any(|e| e == tag) => (
                    422,
                    serde_json::json!({"message": "Validation Failed", "errors": [{"code": "already_exists"}]}),
                ),
                "POST" => (
                    201,
                    serde_json::json!({"id": 7, "html_url": format!("http://forge.test/releases/{tag}")}),
                ),
                "GET" => (
                    200,
                    serde_json::json!({"id": 7, "name": "app 1.1.0", "body": "notes", "description": "notes"}),
                ),
                _ => (200, serde_json::json!({"id": 7})),
            }
        })
    }

    /// Serves until dropped, answering each request with `respond`'s
    /// status and JSON.
    pub fn with<F>(respond: F) -> ForgeServer
    where
        F: FnMut(&Seen) -> (u16, serde_json::Value) + Send + 'static,
    {
        let mut respond = respond;
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, log) = (server.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let mut raw = String::new();
                let _ = req.as_reader().read_to_string(&mut raw);
                let body: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
                let entry = Seen {
                    method: req.method().to_string(),
                    url: req.url().to_string(),
                    headers: req
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                    body,
                };
                log.lock().unwrap().push(entry.clone());
                let (status, reply) = respond(&entry);
                let response = tiny_http::Response::from_string(reply.to_string())
                    .with_status_code(status)
                    .with_header(
                        "Content-Type: application/json"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                let _ = req.respond(response);
            }
        });
        ForgeServer {
            port,
            seen,
            server,
            thread: Some(thread),
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for ForgeServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
