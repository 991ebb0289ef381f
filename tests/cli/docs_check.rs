//! `shipdeck docs check` end to end: the exact JSON shape, exit 1 on a
//! stale page or a broken link, and `[docs] fail_on` choosing which.

use crate::util::{assert_code, text, Env, Repo};

fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// A repository whose page `docs/billing.md` names `src/refund.rs`, which
/// changed after it; `README.md` links to a missing page.
fn stale_and_broken(env: &Env) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("src/refund.rs", "fn refund() {}\n");
    repo.write(
        "docs/billing.md",
        "# Billing\n\nSee `src/refund.rs` and [guide](guide.md#setup).\n",
    );
    repo.write("docs/guide.md", "# Setup\n");
    repo.write(
        "README.md",
        "# App\n\n[billing](docs/billing.md)\n\n[gone](docs/gone.md)\n",
    );
    repo.commit("docs");
    repo.write("src/refund.rs", "fn refund() { partial() }\n");
    repo.commit("refunds: partial");
    repo
}

#[test]
fn check_prints_the_contract_shape_and_exits_1() {
    let env = Env::new();
    let repo = stale_and_broken(&env);
    let v = env.json(&["-C", repo.root_str(), "docs", "check", "--json"], 1);
    assert!(["docs", "summary"].iter().all(|k| keys(&v).contains(k)), "{v}");
    assert_eq!(
        v["summary"],
        serde_json::json!({"docs": 3, "stale": 1, "broken_links": 1})
    );
    let first = &v["docs"][0];
    assert_eq!(first["path"], "docs/billing.md", "stale pages come first: {v}");
    for k in ["path", "last_changed", "stale", "references", "broken_links"] {
        assert!(keys(first).contains(&k), "{k} missing: {first}");
    }
    assert_eq!(first["stale"], true);
    let refs = first["references"].as_array().unwrap();
    let mine: Vec<_> = refs
        .iter()
        .map(|r| {
            (
                r["target"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["changed_since_doc"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mine,
        vec![("guide.md#setup", "link", 0), ("src/refund.rs", "code_span", 1)]
    );
    assert_eq!(first["stale_commits"][0]["subject"], "refunds: partial");
    assert_eq!(first["stale_commits"][0]["author"], "Test Author");
    let readme = v["docs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "README.md")
        .unwrap();
    assert_eq!(
        readme["broken_links"],
        serde_json::json!([{"line": 5, "target": "docs/gone.md", "reason": "missing_file", "detail": "no such file or folder"}])
    );
    assert_eq!(readme["stale"], false);
    assert!(readme["last_changed"].as_str().unwrap().ends_with('Z'));

    let out = env.run(&["-C", repo.root_str(), "docs", "check"]);
    assert_code(&out, 1);
    let s = text(&out.stdout);
    assert!(
        s.contains("stale  docs/billing.md") && s.contains("refunds: partial"),
        "{s}"
    );
    assert!(s.contains("README.md:5 docs/gone.md"), "{s}");
    assert!(s.ends_with("3 pages, 1 stale, 1 broken link\n"), "{s}");
}

#[test]
fn fail_on_chooses_what_fails() {
    let env = Env::new();
    let repo = stale_and_broken(&env);
    repo.write("shipdeck.toml", "[docs]\nfail_on = [\"broken\"]\n");
    env.json(&["-C", repo.root_str(), "docs", "check", "--json"], 1);
    repo.write("README.md", "# App\n");
    let v = env.json(&["-C", repo.root_str(), "docs", "check", "--json"], 0);
    assert_eq!(v["summary"]["stale"], 1, "still reported, not failing: {v}");

    repo.write(
        "shipdeck.toml",
        "[docs]\nfail_on = [\"stale\"]\ncheck = [\"notes/*.md\"]\n",
    );
    repo.write("notes/n.md", "[x](missing.md)\n");
    let v = env.json(&["-C", repo.root_str(), "docs", "check", "--json"], 1);
    assert_eq!(v["summary"]["broken_links"], 1, "{v}");

    repo.write("shipdeck.toml", "[docs]\nfail_on = [\"typo\"]\n");
    let out = env.run(&["-C", repo.root_str(), "docs", "check", "--json"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn clean_workspace_exits_0() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("src/lib.rs", "\n");
    repo.write("README.md", "# App\n\nCode in `src/lib.rs`, [usage](#app).\n");
    repo.commit("init");
    let out = env.run(&["-C", repo.root_str(), "docs", "check"]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "1 page, 0 stale, 0 broken links\n");
}

#[test]
fn mark_reviewed_keeps_a_page_fresh_until_the_code_changes_again() {
    let env = Env::new();
    let mut repo = stale_and_broken(&env);
    repo.write("README.md", "# App\n");
    repo.commit("readme");
    let root = repo.root_str().to_string();
    let v = env.json(&["-C", &root, "docs", "check", "--json"], 1);
    assert_eq!(v["summary"]["stale"], 1);

    let out = env.run(&["-C", &root, "docs", "check", "--mark-reviewed", "docs/billing.md"]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).starts_with("marked docs/billing.md reviewed at "),
        "{}",
        text(&out.stdout)
    );
    let v = env.json(&["-C", &root, "docs", "check", "--json"], 0);
    let billing = v["docs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "docs/billing.md")
        .unwrap();
    assert_eq!(billing["stale"], false, "{v}");
    assert_eq!(billing["reviewed"]["commit"], repo.head().as_str());

    repo.write("src/refund.rs", "fn refund() { full() }\n");
    repo.commit("refunds: full");
    let v = env.json(&["-C", &root, "docs", "check", "--json"], 1);
    assert_eq!(v["docs"][0]["path"], "docs/billing.md");
    assert_eq!(v["docs"][0]["references"][1]["changed_since_doc"], 1, "{v}");

    for page in ["../../etc/passwd", "docs/nope.md", "src/refund.rs"] {
        let e = env.json(
            &["-C", &root, "docs", "check", "--mark-reviewed", page, "--json"],
            1,
        );
        assert_eq!(e["code"], "docs.bad_path", "{page}: {e}");
    }
}

/// Answers `/ok` with 200 and anything else with 404, at most `n` requests.
fn tiny_server(n: usize) -> (String, std::thread::JoinHandle<()>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let handle = std::thread::spawn(move || {
        for _ in 0..n {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(20)) else {
                return;
            };
            let code = if req.url() == "/ok" { 200 } else { 404 };
            let _ = req.respond(tiny_http::Response::empty(code));
        }
    });
    (base, handle)
}

#[test]
fn links_checks_external_urls_and_caches_the_answers() {
    let env = Env::new();
    let (base, server) = tiny_server(2);
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "README.md",
        &format!("# App\n\n[ok]({base}/ok)\n[gone]({base}/gone)\n"),
    );
    repo.commit("readme");
    let root = repo.root_str().to_string();
    env.json(&["-C", &root, "docs", "check", "--json"], 0);

    let v = env.json(&["-C", &root, "docs", "check", "--links", "--json"], 1);
    assert_eq!(
        v["docs"][0]["broken_links"],
        serde_json::json!([{"line": 4, "target": format!("{base}/gone"), "reason": "http_status", "detail": "HTTP 404"}])
    );
    server.join().unwrap();
    // The server took its two requests and is gone: the cache answers.
    assert!(env.data.path().join("cache/docs-links.json").is_file());
    let v = env.json(&["-C", &root, "docs", "check", "--links", "--json"], 1);
    assert_eq!(v["docs"][0]["broken_links"][0]["reason"], "http_status", "{v}");
}
