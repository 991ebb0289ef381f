//! `shipdeck env`: parity (the JSON contract, exit codes, secrets), reveal,
//! health against real local HTTP servers, readiness, doctor, history.

use std::net::TcpListener;
use std::thread;

use crate::util::{assert_code, text, Env, Repo};

const CANARY: &str = "canary-secret-5d1f9b7a2c4e";

/// A workspace with three environments; production has a localhost URL and
/// DEBUG on (errors), staging a drifting number; every file holds the canary
/// secret. Health URLs point at `ports` (0 = none configured).
fn workspace(env: &Env, ports: [u16; 3]) -> Repo {
    let repo = Repo::init(&env.path("app"));
    let health = |p: u16| {
        if p == 0 {
            String::new()
        } else {
            format!("health_url = \"http://127.0.0.1:{p}/health\"\nhealth_timeout = \"2s\"\n")
        }
    };
    repo.write(
        "shipdeck.toml",
        &format!(
            "[environments.development]\nfiles = [\".env.development\"]\n{}\
             [environments.staging]\nfiles = [\".env.staging\", \"deploy/staging.yaml\"]\n{}\
             [environments.production]\nfiles = [\".env.production\"]\n{}\
             [environments.schema]\nrequired = [\"DATABASE_URL\"]\nkeys.PORT = {{ type = \"port\" }}\n",
            health(ports[0]),
            health(ports[1]),
            health(ports[2])
        ),
    );
    repo.write(
        ".env.development",
        &format!("APP_NAME=orbit\nPORT=8080\nTIMEOUT_MS=5000\nDATABASE_URL=postgres://app@127.0.0.1/app\nSESSION_SECRET={CANARY}\n"),
    );
    repo.write(
        ".env.staging",
        &format!("APP_NAME=orbit\nPORT=8080\nTIMEOUT_MS=5s\nSESSION_SECRET={CANARY}-stg\n"),
    );
    repo.write(
        "deploy/staging.yaml",
        "database:\n  url: postgres://app@staging-db/app\n",
    );
    repo.write(
        ".env.production",
        &format!(
            "APP_NAME=orbit\nPORT=80\nTIMEOUT_MS=3000\nDATABASE_URL=postgres://app@127.0.0.1/app\nDEBUG=true\nSESSION_SECRET={CANARY}-prd\n"
        ),
    );
    repo
}

fn parity(env: &Env, repo: &Repo, code: i32) -> serde_json::Value {
    env.json(&["-C", repo.root_str(), "env", "parity", "--json"], code)
}

#[test]
fn parity_json_has_the_documented_shape_and_fails_on_error_findings() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    let v = parity(&env, &repo, 1);
    assert_eq!(
        v["environments"],
        serde_json::json!(["development", "staging", "production"])
    );
    let keys = v["keys"].as_array().unwrap();
    let key = |k: &str| {
        keys.iter()
            .find(|x| x["key"] == k)
            .unwrap_or_else(|| panic!("{k} in {v:#}"))
    };
    let secret = key("SESSION_SECRET");
    assert_eq!(secret["secret"], true);
    assert_eq!(secret["same_across"], false);
    assert_eq!(secret["status"]["staging"], "present");
    assert_eq!(key("APP_NAME")["same_across"], true);
    // The YAML file's nested key flattens; staging lacks the .env key.
    assert_eq!(key("DATABASE__URL")["status"]["staging"], "present");
    assert_eq!(key("DATABASE_URL")["status"]["staging"], "missing");
    assert_eq!(key("DEBUG")["status"]["development"], "missing");
    let findings = v["findings"].as_array().unwrap();
    let has = |check: &str, envname: &str| {
        findings
            .iter()
            .any(|f| f["check"] == check && f["env"] == envname)
    };
    assert!(has("localhost_in_production", "production"), "{findings:#?}");
    assert!(has("debug_in_production", "production"));
    assert!(has("type_drift", "staging"));
    assert!(has("required_missing", "staging"));
    for f in findings {
        for field in ["check", "env", "file", "line", "key", "message"] {
            assert!(f.get(field).is_some(), "{field} missing in {f}");
        }
    }
    assert!(!v.to_string().contains(CANARY), "a secret value is in the report");
}

#[test]
fn a_clean_workspace_exits_zero_and_only_problems_filters() {
    let env = Env::new();
    let repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        "[environments.dev]\nfiles = [\".env.dev\"]\n[environments.prod]\nfiles = [\".env.prod\"]\n",
    );
    repo.write(".env.dev", "APP_NAME=orbit\nPORT=8080\n");
    repo.write(".env.prod", "APP_NAME=orbit\nPORT=80\n");
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "env",
            "parity",
            "--only-problems",
            "--json",
        ],
        0,
    );
    let keys: Vec<&str> = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["PORT"]);
    assert_eq!(v["score"], 50.0);
}

/// The prefix filter once ignored case in the app but not in the CLI.
#[test]
fn parity_prefix_ignores_case_as_the_core_filter_does() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    let full = parity(&env, &repo, 1);
    let args = |prefix: &'static str| {
        [
            "-C",
            repo.root_str(),
            "env",
            "parity",
            "--prefix",
            prefix,
            "--json",
        ]
    };
    let cli = env.json(&args(" dataBASE_"), 1);
    let report: shipdeck_core::environments::ParityReport = serde_json::from_value(full.clone()).unwrap();
    let filter = shipdeck_core::environments::ParityFilter {
        only_problems: false,
        prefix: Some(" dataBASE_".into()),
    };
    let core = serde_json::to_value(filter.apply(report)).unwrap();
    let names = |v: &serde_json::Value, field: &str, name: &str| -> Vec<String> {
        v[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x[name].to_string())
            .collect()
    };
    assert_eq!(names(&cli, "keys", "key"), names(&core, "keys", "key"));
    assert_eq!(names(&cli, "findings", "key"), names(&core, "findings", "key"));
    assert!(
        names(&cli, "keys", "key").contains(&"\"DATABASE_URL\"".to_string()),
        "{cli:#}"
    );
    assert!(names(&cli, "keys", "key").len() < names(&full, "keys", "key").len());
    // Findings without a key stay; keyed ones outside the prefix go.
    assert!(cli["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["key"].is_null() || f["key"].as_str().unwrap().starts_with("DATABASE_")));
    assert_eq!(
        names(&env.json(&args("DATABASE_"), 1), "keys", "key"),
        names(&cli, "keys", "key")
    );
}

#[test]
fn reveal_shows_plain_values_and_refuses_secrets() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    let out = env.run(&["-C", repo.root_str(), "env", "reveal", "production", "PORT"]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout).trim(), "80");
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "env",
            "reveal",
            "production",
            "SESSION_SECRET",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "environments.secret");
    let all = format!("{v}");
    assert!(!all.contains(CANARY));
    let v = env.json(
        &["-C", repo.root_str(), "env", "reveal", "qa", "PORT", "--json"],
        1,
    );
    assert_eq!(v["code"], "environments.unknown_environment");
}

#[test]
fn no_environments_configured_is_a_clear_error() {
    let env = Env::new();
    let repo = Repo::init(&env.path("app"));
    let v = env.json(&["-C", repo.root_str(), "env", "parity", "--json"], 1);
    assert_eq!(v["code"], "environments.none");
    assert!(v["hint"].as_str().unwrap().contains("[environments."), "{v}");
}

/// Serves `count` requests with `status` and `body`, then stops.
fn serve(count: usize, status: u16, body: &'static str) -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    thread::spawn(move || {
        for _ in 0..count {
            let Ok(Some(mut req)) = server.recv_timeout(std::time::Duration::from_secs(20)) else {
                return;
            };
            let mut sink = String::new();
            let _ = req.as_reader().read_to_string(&mut sink);
            let header = tiny_http::Header::from_bytes("Content-Type", "application/health+json").unwrap();
            let _ = req.respond(
                tiny_http::Response::from_string(body)
                    .with_status_code(status)
                    .with_header(header),
            );
        }
    });
    port
}

#[test]
fn health_polls_real_servers_and_reports_drift_and_failures() {
    let env = Env::new();
    let ok = serve(1, 200, r#"{"status":"pass","releaseId":"1.4.2"}"#);
    let failing = serve(
        1,
        503,
        r#"{"status":"fail","releaseId":"1.3.0","output":"database down"}"#,
    );
    // A port with nothing listening.
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut repo = workspace(&env, [ok, failing, dead]);
    repo.commit("feat: first");
    repo.tag("v1.4.2");
    let v = env.json(&["-C", repo.root_str(), "env", "health", "--json"], 1);
    let results = v["results"].as_array().unwrap();
    let status: Vec<&str> = results.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["pass", "fail", "unreachable"]);
    assert_eq!(results[0]["version"], "1.4.2");
    assert!(results[0]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(v["drift"]["behind"], serde_json::json!(["staging"]));
    let checks: Vec<&str> = v["drift"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(
        checks.contains(&"health_failing") && checks.contains(&"health_unreachable"),
        "{checks:?}"
    );
    // Recorded: the history lists the health run.
    let h = env.json(&["-C", repo.root_str(), "env", "history", "--json"], 0);
    assert!(
        h["runs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "health"),
        "{h}"
    );
}

#[test]
fn readiness_reports_unconfigured_targets_with_a_fix() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    let v = env.json(&["-C", repo.root_str(), "env", "readiness", "--json"], 0);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert_eq!(r["sentry"]["state"], "not_configured", "{r}");
        assert!(r["sentry"]["fix"].as_str().unwrap().contains("SENTRY_DSN"));
    }
}

#[test]
fn doctor_checks_pinned_versions_and_local_services() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    repo.write(".python-version", "2.7\n");
    // DATABASE_URL of development points at a local port: one this test
    // listens on, then one nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let database_check = |repo: &Repo, port: u16| {
        let text = std::fs::read_to_string(repo.root.join(".env.development")).unwrap();
        let url = text
            .lines()
            .find(|l| l.starts_with("DATABASE_URL="))
            .unwrap()
            .to_string();
        repo.write(
            ".env.development",
            &text.replace(&url, &format!("DATABASE_URL=postgres://app@127.0.0.1:{port}/app")),
        );
        let v = env.json(&["-C", repo.root_str(), "env", "doctor", "--json"], 1);
        let checks = v["checks"].as_array().unwrap().clone();
        let python = checks.iter().find(|c| c["id"] == "pin.python").unwrap();
        assert_eq!(python["ok"], false);
        assert!(python["hint"].as_str().unwrap().contains("2.7"));
        checks
            .into_iter()
            .find(|c| c["id"] == "service.database_url")
            .unwrap()
    };
    let up = database_check(&repo, port);
    assert_eq!(up["ok"], true, "{up}");
    drop(listener);
    let down = database_check(&repo, port);
    assert_eq!(down["ok"], false, "{down}");
    assert!(down["hint"].as_str().unwrap().contains("DATABASE_URL"), "{down}");
}

#[test]
fn a_canary_secret_reaches_no_output_log_or_store_file() {
    let env = Env::new();
    let repo = workspace(&env, [0; 3]);
    let runs: [&[&str]; 5] = [
        &["env", "parity", "--json"],
        &["env", "parity"],
        &["env", "reveal", "staging", "SESSION_SECRET"],
        &["env", "history", "--json"],
        &["env", "doctor", "--json"],
    ];
    for args in runs {
        let mut full = vec!["-C", repo.root_str(), "-v"];
        full.extend_from_slice(args);
        let out = env
            .cmd()
            .args(&full)
            .env("SHIPDECK_LOG", "trace")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!all.contains(CANARY), "{args:?} printed the secret:\n{all}");
    }
    // Nothing Shipdeck stored (store, its WAL, logs) holds it either.
    let mut files = vec![env.data.path().to_path_buf()];
    let mut seen = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            seen += 1;
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
                "{} holds the secret",
                p.display()
            );
        }
    }
    if env.store.is_none() {
        assert!(seen > 0, "the store exists");
    }
    let stored = env.store_contents();
    assert!(
        !stored.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
        "the store holds the secret"
    );
}
