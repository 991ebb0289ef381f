//! `shipdeck bench`: a load test against a real local server, scenarios on
//! SQLite and the local Redis, imports, history keyed by commit, and the
//! regression gate with its exit code.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use crate::util::{assert_code, Env, Repo};

/// Serves 200 "ok" until `limit` requests were answered; returns the port
/// and the served count.
fn server(limit: u64) -> (u16, Arc<AtomicU64>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let served = Arc::new(AtomicU64::new(0));
    let count = served.clone();
    thread::spawn(move || {
        while count.load(Ordering::SeqCst) < limit {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(10)) else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let _ = req.respond(tiny_http::Response::from_string("ok"));
        }
    });
    (port, served)
}

#[test]
fn http_load_counts_every_request_and_prints_the_documented_json() {
    let env = Env::new();
    let repo = Repo::init(&env.path("app"));
    let (port, served) = server(300);
    let url = format!("http://127.0.0.1:{port}/");
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "http",
            &url,
            "-c",
            "4",
            "--requests",
            "300",
            "--json",
        ],
        0,
    );
    assert_eq!(v["requests"], 300);
    assert_eq!(
        served.load(Ordering::SeqCst),
        300,
        "the server saw exactly what was reported"
    );
    assert_eq!(v["errors"], 0);
    assert_eq!(v["status_codes"]["200"], 300);
    for k in ["p50", "p90", "p99", "p999", "max", "mean"] {
        assert!(v["latency_ms"][k].as_f64().unwrap() > 0.0, "{k} in {v}");
    }
    assert!(v["rps"].as_f64().unwrap() > 0.0 && v["duration_s"].as_f64().unwrap() > 0.0);
    // Stored with the commit it measured (none yet: an unborn HEAD).
    let h = env.json(&["-C", repo.root_str(), "bench", "history", "--json"], 0);
    let run = &h["runs"][0];
    assert_eq!(run["source"], "http");
    assert_eq!(run["status"], "ok");
    assert_eq!(run["metrics"].as_array().unwrap().len(), 3);
}

/// The load test's bounds held only for the app's form; `bench http`
/// refuses the same loads now, before connecting or recording a run.
#[test]
fn http_load_outside_the_core_bounds_is_refused_as_in_the_app() {
    let env = Env::new();
    let repo = Repo::init(&env.path("app"));
    let (port, served) = server(10);
    let url = format!("http://127.0.0.1:{port}/");
    for (flag, value, field) in [("-c", "1025", "connections"), ("-d", "601s", "duration")] {
        let v = env.json(
            &[
                "-C",
                repo.root_str(),
                "bench",
                "http",
                &url,
                flag,
                value,
                "--json",
            ],
            1,
        );
        assert_eq!(v["code"], "input.invalid", "{v}");
        assert!(v["message"].as_str().unwrap().contains(field), "{v}");
    }
    assert_eq!(served.load(Ordering::SeqCst), 0);
    let h = env.json(&["-C", repo.root_str(), "bench", "history", "--json"], 0);
    assert_eq!(h["runs"].as_array().map_or(0, Vec::len), 0, "{h}");
}

/// How many of the load generator's threads a running process has (`comm`
/// holds the first 15 bytes of a thread's name).
fn loadgen_threads(pid: u32) -> usize {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| "shipdeck-loadgen".starts_with(comm.trim()) && comm.trim().len() >= 15)
        .count()
}

#[test]
fn http_load_threads_flag_sets_the_sender_threads() {
    let env = Env::new();
    let repo = Repo::init(&env.path("app"));
    // A slow server (one request at a time, 3 ms each): the run lasts about
    // a second, long enough to look at the generator's threads.
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    thread::spawn(move || {
        while let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(10)) {
            thread::sleep(std::time::Duration::from_millis(3));
            let _ = req.respond(tiny_http::Response::from_string("ok"));
        }
    });
    let url = format!("http://127.0.0.1:{port}/");
    let child = env
        .cmd()
        .args(["-C", repo.root_str(), "bench", "http", &url])
        .args(["-c", "6", "-t", "3", "--requests", "300", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut most = 0;
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        most = most.max(loadgen_threads(child.id()));
        if std::fs::read_to_string(format!("/proc/{}/stat", child.id()))
            .map_or(true, |stat| stat.contains(") Z "))
        {
            break;
        }
        thread::sleep(std::time::Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["requests"], 300);
    assert_eq!(v["errors"], 0);
    assert_eq!(most, 3, "threads sending requests with -t 3");

    // Zero threads is a typed input error, before any connection.
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "http",
            &url,
            "-t",
            "0",
            "-n",
            "10",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "input.invalid", "{v}");
}

/// A Redis URL for workspaces whose tests never run the cache scenario.
const UNUSED_REDIS: &str = "redis://127.0.0.1:1/0";

fn scenarios_workspace(env: &Env, redis_url: &str) -> Repo {
    let mut repo = Repo::init(&env.path("app"));
    repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"sqlite://data/app.db\"\n\n\
         [[bench.scenario]]\nname = \"tables\"\nkind = \"sql\"\nquery = \"SELECT name FROM sqlite_master\"\n\
         iterations = 300\nconcurrency = 2\nthresholds = [\"p99 < 1000ms\"]\n",
    );
    repo.write(
        "bench/cache.toml",
        &format!(
            "[[scenario]]\nname = \"cache\"\nkind = \"redis\"\nredis_url = \"{redis_url}\"\n\
         iterations = 500\nconcurrency = 2\nget_ratio = 0.8\nkeys = 50\n\n\
         [[scenario]]\nname = \"impossible\"\nkind = \"sql\"\nquery = \"SELECT 1\"\niterations = 50\n\
         thresholds = [\"p50 < 0.0001ms\"]\n"
        ),
    );
    repo.commit("chore: benchmarks");
    repo
}

#[test]
fn scenarios_run_on_sqlite_and_redis_and_a_failed_threshold_exits_1() {
    let env = Env::new();
    let redis = shipdeck_testkit::redis::server().database();
    let repo = scenarios_workspace(&env, &redis.url);
    let list = env.json(&["-C", repo.root_str(), "bench", "list", "--json"], 0);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tables", "cache", "impossible"]);

    let v = env.json(
        &["-C", repo.root_str(), "bench", "run", "tables", "cache", "--json"],
        0,
    );
    let results = v.as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["errors"], 0, "{r}");
        assert!(r["rps"].as_f64().unwrap() > 0.0);
        assert!(r["latency_ms"]["p99"].as_f64().unwrap() > 0.0);
        let latency = r["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"].as_str().unwrap().ends_with(": latency"))
            .unwrap();
        assert!(
            !latency["samples"].as_array().unwrap().is_empty(),
            "samples kept for the gate"
        );
    }
    assert_eq!(results[0]["thresholds"][0]["ok"], true);

    let out = env.run(&["-C", repo.root_str(), "bench", "run", "impossible", "--json"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["thresholds"][0]["ok"], false);

    let v = env.json(&["-C", repo.root_str(), "bench", "run", "nope", "--json"], 1);
    assert!(v["message"].as_str().unwrap().contains("nope"), "{v}");
}

/// A hyperfine export whose one command took `times` seconds.
fn hyperfine(times: &[f64]) -> String {
    hyperfine_exiting(times, 0)
}

/// As hyperfine `--ignore-failure` writes it: every run exited with `code`.
fn hyperfine_exiting(times: &[f64], code: i32) -> String {
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    serde_json::json!({ "results": [{
        "command": "build", "mean": mean, "stddev": 0.001, "median": mean,
        "user": 0.0, "system": 0.0, "min": 0.0, "max": 1.0, "times": times, "exit_codes": vec![code; times.len()]
    }]})
    .to_string()
}

#[test]
fn compare_gates_on_a_real_regression_and_not_on_noise() {
    let env = Env::new();
    let mut repo = scenarios_workspace(&env, UNUSED_REDIS);
    repo.tag("v1.0.0");
    // Base: ~1.00 s with noise; the same again on a second commit; then +10 %.
    let base: Vec<f64> = (0..30)
        .map(|i| 1.0 + 0.01 * ((i * 7 % 11) as f64 - 5.0) / 5.0)
        .collect();
    std::fs::write(env.path("base.json"), hyperfine(&base)).unwrap();
    let imported = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "import",
            env.path("base.json").to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(imported["format"], "hyperfine");

    repo.change("src/a.txt", "feat: same speed");
    let same: Vec<f64> = base.iter().rev().copied().collect();
    std::fs::write(env.path("same.json"), hyperfine(&same)).unwrap();
    env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "import",
            env.path("same.json").to_str().unwrap(),
            "--json",
        ],
        0,
    );
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "compare",
            "--base",
            "v1.0.0",
            "--head",
            "HEAD",
            "--json",
        ],
        0,
    );
    assert_eq!(v["regressions"], 0, "{v:#}");
    assert_eq!(v["base"]["runs"], 1);

    repo.change("src/b.txt", "perf: oops");
    let slower: Vec<f64> = base.iter().map(|t| t * 1.10).collect();
    std::fs::write(env.path("slow.json"), hyperfine(&slower)).unwrap();
    env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "import",
            env.path("slow.json").to_str().unwrap(),
            "--json",
        ],
        0,
    );
    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "compare",
            "--base",
            "v1.0.0",
            "--head",
            "HEAD",
            "--json",
        ],
        1,
    );
    assert_eq!(v["regressions"], 1, "{v:#}");
    let c = &v["comparisons"][0];
    assert_eq!(c["verdict"], "regression");
    assert!((c["change_pct"].as_f64().unwrap() - 10.0).abs() < 0.5, "{c}");
    // The history knows which run was on the release.
    let h = env.json(&["-C", repo.root_str(), "bench", "history", "--json"], 0);
    let tagged = h["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tags"] == r#"["v1.0.0"]"#)
        .count();
    assert_eq!(tagged, 1);

    let v = env.json(
        &[
            "-C",
            repo.root_str(),
            "bench",
            "compare",
            "--base",
            "v9",
            "--head",
            "HEAD",
            "--json",
        ],
        1,
    );
    assert!(v["message"].as_str().unwrap().contains("v9"));
}

#[test]
fn compare_refuses_to_judge_a_head_whose_iterations_all_failed() {
    let env = Env::new();
    let mut repo = scenarios_workspace(&env, UNUSED_REDIS);
    repo.tag("v1.0.0");
    let base: Vec<f64> = (0..30).map(|i| 1.0 + 0.01 * f64::from(i % 5)).collect();
    std::fs::write(env.path("base.json"), hyperfine(&base)).unwrap();
    let root = repo.root_str().to_string();
    let import = |file: &str| env.run(&["-C", &root, "bench", "import", env.path(file).to_str().unwrap()]);
    assert_code(&import("base.json"), 0);

    // The command now fails at once, every time: 88 % "faster".
    repo.change("src/a.txt", "feat: broken build");
    let failing: Vec<f64> = base.iter().map(|t| t * 0.12).collect();
    std::fs::write(env.path("head.json"), hyperfine_exiting(&failing, 101)).unwrap();
    let out = import("head.json");
    assert_code(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("(30 of 30 iterations failed)"), "{text}");
    // Stored with the run.
    let h = env.json(&["-C", &root, "bench", "history", "--json"], 0);
    assert_eq!(h["runs"][0]["metrics"][0]["failed"], 30, "{h:#}");
    assert_eq!(h["runs"][1]["metrics"][0]["failed"], 0, "{h:#}");

    let compare = [
        "-C", &root, "bench", "compare", "--base", "v1.0.0", "--head", "HEAD",
    ];
    let v = env.json(&[&compare[..], &["--json"]].concat(), 1);
    assert_eq!(
        (v["regressions"].as_u64(), v["failed"].as_u64()),
        (Some(0), Some(1)),
        "{v:#}"
    );
    let c = &v["comparisons"][0];
    assert_eq!(c["verdict"], "failed_iterations", "{c}");
    assert_eq!(
        (c["base_failed"].as_u64(), c["head_failed"].as_u64()),
        (Some(0), Some(30))
    );
    let out = env.run(&compare);
    assert_code(&out, 1);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("cannot judge: 30 of 30 head iterations failed"),
        "{text}"
    );
}
