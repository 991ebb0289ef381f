//! Registries and manifests that misbehave: each failure stays on its own
//! row (or is a typed error naming the file), bounded, and no token leaves
//! the host it was configured for.

use std::time::Duration;

use crate::server::{self, start, Answer};
use crate::{find, opts, progress, write};
use shipdeck_dependencies::outdated;

#[test]
fn each_failing_registry_marks_its_own_rows_only() {
    let elsewhere = start(|_, _| Answer::ok("application/json", b"{}".to_vec()));
    let target = elsewhere.base.clone();
    // Its own server: it answers one request at a time.
    let slow = start(|_, _| {
        std::thread::sleep(Duration::from_secs(3));
        server::npm_answer("/npm/ms")
    });
    let reg = start(move |u, _| {
        let seg = u.trim_start_matches('/').split('/').next().unwrap_or("");
        match seg {
            "npm" => server::npm_answer(u),
            // 8 MiB of JSON-looking bytes against a 1 MiB limit.
            "huge" => Answer::ok("application/json", vec![b' '; 8 << 20]),
            "invalid" => Answer::ok("application/json", b"{\"versions\": [not json".to_vec()),
            "error" => Answer::status(500),
            "redirect" => Answer {
                status: 302,
                headers: vec![("Location".into(), format!("{target}/npm/@redirect%2fpkg"))],
                body: vec![],
            },
            _ => Answer::status(404),
        }
    });
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let b = &reg.base;
    write(
        ws.path(),
        ".npmrc",
        &format!(
            "registry={b}/npm/\n@huge:registry={b}/huge/\n@invalid:registry={b}/invalid/\n@error:registry={b}/error/\n\
             @slow:registry={}/slow/\n@redirect:registry={b}/redirect/\n//{}/redirect/:_authToken=tok-SECRET-1234\n",
            slow.base,
            b.trim_start_matches("http://")
        ),
    );
    write(
        ws.path(),
        "package.json",
        r#"{"dependencies":{"ms":"^2.0.0","@huge/pkg":"^1.0.0","@invalid/pkg":"^1.0.0","@error/pkg":"^1.0.0",
            "@slow/pkg":"^1.0.0","@redirect/pkg":"^1.0.0","@missing/pkg":"^1.0.0","../../etc/passwd":"^1.0.0"}}"#,
    );
    let mut o = opts(home.path(), &[]);
    o.max_body_bytes = 1 << 20;
    o.timeout = Duration::from_secs(1);
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &o, &p).unwrap().dependencies;
    assert_eq!(rows.len(), 8);
    assert!(find(&rows, "ms").error.is_none() && find(&rows, "ms").latest.is_some());
    let code = |name: &str| {
        find(&rows, name)
            .error
            .as_ref()
            .map(|e| e.code.clone())
            .unwrap_or_default()
    };
    assert_eq!(code("@huge/pkg"), "dependencies.too_large");
    assert_eq!(code("@invalid/pkg"), "dependencies.invalid_response");
    assert_eq!(code("@error/pkg"), "dependencies.registry_status");
    assert_eq!(code("@slow/pkg"), "dependencies.timeout");
    assert_eq!(code("@redirect/pkg"), "dependencies.redirect");
    assert_eq!(code("@missing/pkg"), "dependencies.not_found");
    assert_eq!(code("../../etc/passwd"), "dependencies.invalid_name");
    // The token went to its own host and path, never across the redirect.
    let seen = reg.requests();
    let with_token: Vec<_> = seen.iter().filter(|s| s.authorization.is_some()).collect();
    assert_eq!(with_token.len(), 1, "{seen:?}");
    assert_eq!(with_token[0].url, "/redirect/@redirect%2fpkg");
    assert_eq!(
        with_token[0].authorization.as_deref(),
        Some("Bearer tok-SECRET-1234")
    );
    assert!(elsewhere.requests().iter().all(|s| s.authorization.is_none()));
    assert!(seen
        .iter()
        .all(|s| !s.url.contains("..") && !s.url.contains("passwd")));
    let json = serde_json::to_string(&rows).unwrap();
    assert!(!json.contains("SECRET"), "{json}");
    let redirect = find(&rows, "@redirect/pkg").error.clone().unwrap();
    assert!(redirect.message.contains(&elsewhere.base), "{redirect:?}");
}

#[test]
fn a_manifest_with_ten_thousand_dependencies_is_refused_before_any_request() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let deps: Vec<String> = (0..10_000).map(|i| format!("\"pkg-{i}\":\"^1.0.0\"")).collect();
    write(
        ws.path(),
        "web/package.json",
        &format!("{{\"dependencies\":{{{}}}}}", deps.join(",")),
    );
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let (_r, p) = progress();
    let err = outdated(ws.path(), &opts(home.path(), &[]), &p).unwrap_err();
    assert_eq!(err.code(), "dependencies.too_many_dependencies");
    assert!(err.to_string().contains("web/package.json"), "{err}");
    assert!(reg.requests().is_empty());
}

#[test]
fn malformed_manifests_are_typed_errors_naming_the_file() {
    let home = tempfile::tempdir().unwrap();
    for (file, text) in [
        ("web/package.json", "{\"dependencies\": {"),
        ("web/package.json", "[1, 2]"),
        ("crates/x/Cargo.toml", "[dependencies\nserde = 1"),
        ("py/pyproject.toml", "[project]\ndependencies = [\"a\""),
        ("Cargo.lock", "[[package]\n"),
    ] {
        let ws = tempfile::tempdir().unwrap();
        write(ws.path(), file, text);
        if file == "Cargo.lock" {
            write(
                ws.path(),
                "Cargo.toml",
                "[package]\nname = \"a\"\n[dependencies]\nitoa = \"1\"\n",
            );
        }
        let (_r, p) = progress();
        let err = outdated(ws.path(), &opts(home.path(), &[]), &p).unwrap_err();
        assert_eq!(err.code(), "dependencies.invalid_manifest", "{file}: {err}");
        let msg = err.payload().message;
        assert!(msg.starts_with(file), "{file}: {msg}");
    }
}

#[test]
fn a_broken_registry_config_is_a_typed_error() {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "Cargo.toml",
        "[package]\nname = \"a\"\n[dependencies]\nitoa = \"1\"\n",
    );
    write(ws.path(), ".cargo/config.toml", "[source.crates-io\n");
    let (_r, p) = progress();
    let err = outdated(ws.path(), &opts(home.path(), &[]), &p).unwrap_err();
    assert_eq!(err.code(), "dependencies.invalid_config");
}

#[test]
fn requests_to_one_host_are_bounded() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (n, m) = (now.clone(), peak.clone());
    let reg = server::start_concurrent(move |_, _| {
        let cur = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(cur, Ordering::SeqCst);
        // Long enough for the client to start every request it may.
        std::thread::sleep(Duration::from_millis(150));
        n.fetch_sub(1, Ordering::SeqCst);
        Answer::status(404)
    });
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let deps: Vec<String> = (0..24).map(|i| format!("\"pkg-{i}\":\"^1.0.0\"")).collect();
    write(
        ws.path(),
        "package.json",
        &format!("{{\"dependencies\":{{{}}}}}", deps.join(",")),
    );
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let mut o = opts(home.path(), &[]);
    o.per_host = 4;
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &o, &p).unwrap().dependencies;
    assert_eq!(rows.len(), 24);
    assert!(rows.iter().all(|r| r
        .error
        .as_ref()
        .is_some_and(|e| e.code == "dependencies.not_found")));
    assert_eq!(reg.requests().len(), 24);
    let peak = peak.load(Ordering::SeqCst);
    assert!((2..=4).contains(&peak), "peak {peak} requests at once");
}
