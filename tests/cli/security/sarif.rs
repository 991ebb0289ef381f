use crate::util::{assert_code, text, Env, Repo};

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/crates/shipdeck-security/tests/fixtures/sarif/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// A workspace at server v1 tagged v1.0.0, with bandit's report of it imported.
fn released(env: &Env) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("app/server.py", &fixture("server-v1.py"));
    repo.commit("feat: server");
    repo.tag("v1.0.0");
    std::fs::write(env.path("v1.sarif"), fixture("bandit-v1.sarif")).unwrap();
    let v1 = env.path("v1.sarif");
    let import = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "sarif",
            "import",
            v1.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(import["files"][0]["tools"], serde_json::json!(["Bandit"]));
    assert_eq!(import["files"][0]["results"], 5);
    assert_eq!(import["files"][0]["first_seen"], 5);
    repo
}

fn rows(list: &serde_json::Value) -> Vec<(String, String)> {
    list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn new_and_fixed_results_are_counted_since_the_last_release() {
    let env = Env::new();
    let mut repo = released(&env);
    let ws = repo.root_str().to_string();
    // Before any change every result of the release's import is existing.
    let list = env.json(&["-C", &ws, "security", "sarif", "list", "--json"], 0);
    assert_eq!(list["release"], "v1.0.0");
    assert!(rows(&list).iter().all(|(_, s)| s == "existing"), "{list}");

    repo.write("app/server.py", &fixture("server-v2.py"));
    repo.commit("fix: sha256, add check");
    std::fs::write(env.path("v2.sarif"), fixture("bandit-v2.sarif")).unwrap();
    let v2 = env.path("v2.sarif");
    let import = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            v2.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(
        import["files"][0]["first_seen"], 1,
        "only B307 is new to the store: {import}"
    );

    let list = env.json(&["-C", &ws, "security", "sarif", "list", "--json"], 0);
    let rows = rows(&list);
    assert_eq!(rows[0], ("B307".to_string(), "new".to_string()), "{list}");
    assert!(
        rows.contains(&("B324".to_string(), "fixed".to_string())),
        "{list}"
    );
    assert_eq!(rows.iter().filter(|(_, s)| s == "existing").count(), 4, "{list}");
    assert_eq!(list["tools"][0]["new"], 1);
    assert_eq!(list["tools"][0]["fixed"], 1);
    let b307 = &list["rows"][0];
    assert_eq!(b307["file"], "app/server.py");
    assert_eq!(b307["line"], 19);
    assert_eq!(b307["level"], "warning");
    assert_eq!(b307["snippet"], "return eval(expr)");

    // Importing the same report again adds nothing: results are one per fingerprint.
    let again = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            v2.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(again["files"][0]["first_seen"], 0);
    let after = env.json(&["-C", &ws, "security", "sarif", "list", "--json"], 0);
    assert_eq!(after["rows"], list["rows"]);

    // Filters, and the human listing.
    let errors = env.json(
        &[
            "-C", &ws, "security", "sarif", "list", "--level", "error", "--json",
        ],
        0,
    );
    assert!(errors["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["level"] == "error"));
    assert_eq!(errors["total"], list["total"]);
    let out = env.run(&["-C", &ws, "security", "sarif", "list"]);
    assert_code(&out, 0);
    let human = text(&out.stdout);
    assert!(
        human.contains("Bandit: 1 new, 4 existing, 1 fixed since v1.0.0"),
        "{human}"
    );
    assert!(human.contains("NEW   warning B307"), "{human}");
}

#[test]
fn eslint_results_with_absolute_uris_land_in_the_workspace() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("app.js", &fixture("app.js"));
    repo.commit("feat: app");
    let sarif = fixture("eslint.sarif").replace("%WORKSPACE%", repo.root_str());
    std::fs::write(env.path("eslint.sarif"), sarif).unwrap();
    let file = env.path("eslint.sarif");
    env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "sarif",
            "import",
            file.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    let list = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "sarif",
            "list",
            "--tool",
            "ESLint",
            "--json",
        ],
        0,
    );
    let eval = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "no-eval")
        .unwrap();
    assert_eq!(eval["file"], "app.js");
    assert_eq!(eval["line"], 4);
    assert_eq!(eval["status"], "new", "no release yet: everything is new");
}

#[test]
fn hostile_locations_are_kept_without_a_file_and_bad_files_are_refused() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("a.py", "x = 1\n");
    repo.commit("init");
    let ws = repo.root_str().to_string();
    let hostile = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[
        {"ruleId":"r1","message":{"text":"a"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"../../etc/passwd"},"region":{"startLine":1}}}]},
        {"ruleId":"r2","message":{"text":"b"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///etc/passwd"},"region":{"startLine":1}}}]}]}]}"#;
    std::fs::write(env.path("h.sarif"), hostile).unwrap();
    let h = env.path("h.sarif");
    let import = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            h.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(import["files"][0]["outside_workspace"], 2);
    let list = env.json(&["-C", &ws, "security", "sarif", "list", "--json"], 0);
    for r in list["rows"].as_array().unwrap() {
        assert!(r["file"].is_null(), "{r}");
        assert!(!r.to_string().contains("root:"), "never read: {r}");
    }

    std::fs::write(env.path("bad.sarif"), "{\"version\":\"2.1.0\"").unwrap();
    let bad = env.path("bad.sarif");
    let err = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            bad.to_str().unwrap(),
            "--json",
        ],
        1,
    );
    assert_eq!(err["code"], "security.sarif_invalid");
    let missing = env.path("missing.sarif");
    let err = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            missing.to_str().unwrap(),
            "--json",
        ],
        1,
    );
    assert_eq!(err["code"], "security.sarif_read");

    // A file over the size limit is refused before it is read.
    let big = env.path("big.sarif");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    let err = env.json(
        &[
            "-C",
            &ws,
            "security",
            "sarif",
            "import",
            big.to_str().unwrap(),
            "--json",
        ],
        1,
    );
    assert_eq!(err["code"], "security.sarif_too_large");
}
