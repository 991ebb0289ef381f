//! The local forges of the `propose` tests: the workspace's forge (pull and
//! merge requests in GitHub's, GitLab's and Gitea's shapes) and an upstream
//! forge serving a package's releases.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use shipdeck_releases::forge::ForgeKind;

use super::server::{start, Answer, Registry};

pub fn json_answer(status: u16, v: &Value) -> Answer {
    Answer {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: v.to_string().into_bytes(),
    }
}

pub fn kind_name(k: ForgeKind) -> &'static str {
    match k {
        ForgeKind::Github => "github",
        ForgeKind::Gitlab => "gitlab",
        ForgeKind::Gitea => "gitea",
    }
}

/// A forge that keeps its open pull requests: lists them, creates and
/// updates them in the shape of `kind`'s API.
pub fn forge(kind: ForgeKind) -> Registry {
    let prs: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
    start(move |url, seen| {
        let mut prs = prs.lock().unwrap();
        let body: Value = serde_json::from_str(&seen.body).unwrap_or_default();
        let shape = |n: u64, head: &str| match kind {
            ForgeKind::Gitlab => {
                json!({"iid": n, "web_url": format!("https://forge.test/mr/{n}"), "source_branch": head})
            }
            _ => {
                json!({"number": n, "html_url": format!("https://forge.test/pull/{n}"), "head": {"ref": head}})
            }
        };
        match seen.method.as_str() {
            "GET" => json_answer(
                200,
                &Value::Array(prs.iter().map(|(n, h)| shape(*n, h)).collect()),
            ),
            "POST" if url.contains("/labels") => json_answer(200, &json!([{"name": "dependencies"}])),
            "POST" => {
                let head = body
                    .get("head")
                    .or(body.get("source_branch"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let n = 40 + prs.len() as u64;
                prs.push((n, head.clone()));
                json_answer(201, &shape(n, &head))
            }
            _ => {
                let n: u64 = url.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let head = prs
                    .iter()
                    .find(|p| p.0 == n)
                    .map(|p| p.1.clone())
                    .unwrap_or_default();
                json_answer(200, &shape(n, &head))
            }
        }
    })
}

pub fn release(kind: ForgeKind, tag: &str, body: &str) -> Value {
    match kind {
        ForgeKind::Gitlab => json!({"tag_name": tag, "name": tag, "description": body,
            "_links": {"self": format!("https://upstream.test/-/releases/{tag}")}}),
        _ => json!({"tag_name": tag, "name": tag, "body": body,
            "html_url": format!("https://upstream.test/releases/tag/{tag}")}),
    }
}

/// The npm registry (`/npm/left-pad`) and left-pad's forge, one server: the
/// packument's repository points at the server itself.
pub fn upstream(kind: ForgeKind, releases: Arc<Mutex<Option<Answer>>>) -> Registry {
    let base: Arc<Mutex<String>> = Arc::new(Mutex::new(String::new()));
    let b = base.clone();
    let reg = start(move |url, _| {
        if url == "/npm/left-pad" {
            let repo = format!("git+{}/acme/left-pad.git", b.lock().unwrap());
            let packument = json!({"name": "left-pad", "dist-tags": {"latest": "1.3.0"},
                "versions": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {}, "1.3.0": {}, "2.0.0-beta.1": {}},
                "repository": {"type": "git", "url": repo}});
            return json_answer(200, &packument);
        }
        if url.contains("/releases") {
            if let Some(a) = releases.lock().unwrap().take() {
                return a;
            }
            let list = json!([
                release(kind, "v2.0.0-beta.1", "not yet"),
                release(
                    kind,
                    "v1.3.0",
                    "Thanks @alice! Fixes #12.\n\n<script>alert(1)</script>\n\n## Big heading"
                ),
                release(kind, "v1.2.0", "Faster padding."),
                release(kind, "v1.1.0", "Pads with any character."),
                release(kind, "v1.0.0", "First release text."),
            ]);
            return json_answer(200, &list);
        }
        Answer::status(404)
    });
    *base.lock().unwrap() = reg.base.clone();
    reg
}
