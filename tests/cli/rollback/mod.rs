//! `shipdeck rollback`: plan, run and runbook on the demo workspace, with
//! `kind = "command"` scripts restarting a real local health server, the
//! demo's SQLite database migrated down, and the release rolled back.

mod platforms;
mod run;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{assert_code, Env};

/// A health server the scripts started: killed when the test ends, pass or fail.
pub struct HealthServer {
    pidfile: PathBuf,
}

impl Drop for HealthServer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(&self.pidfile) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

pub const SERVE_PY: &str = r#"import http.server, json, sys
version, port = sys.argv[1], int(sys.argv[2])
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "pass", "version": version}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"#;

/// Stops the server named in data/health.pid, starts one at VERSION on
/// PORT, and waits until it answers with that version.
pub const RESTART_PY: &str = r#"import json, os, signal, subprocess, sys, time, urllib.request
version, port = sys.argv[1], sys.argv[2]
pidfile = "data/health.pid"
try:
    old = int(open(pidfile).read())
    os.kill(old, signal.SIGTERM)
    for _ in range(200):
        os.kill(old, 0)
        time.sleep(0.02)
except (OSError, ValueError):
    pass
os.makedirs("data", exist_ok=True)
p = subprocess.Popen([sys.executable, "scripts/serve.py", version, port],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)
open(pidfile, "w").write(str(p.pid))
deadline = time.time() + 15
while time.time() < deadline:
    try:
        got = json.load(urllib.request.urlopen("http://127.0.0.1:%s/health" % port, timeout=1))["version"]
        if got == version:
            print("health server on %s reports %s" % (port, version))
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
sys.exit("the health server did not come up")
"#;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The demo, with a git identity for the release commits.
pub fn demo(env: &Env) -> PathBuf {
    let dir = env.path("orbit");
    let out = env.run(&["demo", "create", dir.to_str().unwrap(), "--json"]);
    assert_code(&out, 0);
    let repo = git2::Repository::open(&dir).unwrap();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Release Manager").unwrap();
    cfg.set_str("user.email", "release@example.com").unwrap();
    dir
}

/// Stages everything and commits (the demo's own identity).
pub fn commit_all(dir: &Path, message: &str) {
    let repo = git2::Repository::open(dir).unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = repo.signature().unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &[&parent])
        .unwrap();
}

/// Rewrites the demo's shipdeck.toml with `edit`.
pub fn edit_config(dir: &Path, edit: impl FnOnce(String) -> String) {
    let path = dir.join("shipdeck.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

/// Adds a migration, commits it as `message`, cuts a release; the new version.
pub fn release_with_migration(
    env: &Env,
    dir: &Path,
    name: &str,
    up: &str,
    down: Option<&str>,
    message: &str,
) -> String {
    let base = dir.join("migrations").join(name);
    match down {
        Some(down) => {
            std::fs::write(format!("{}.up.sql", base.display()), up).unwrap();
            std::fs::write(format!("{}.down.sql", base.display()), down).unwrap();
        }
        None => std::fs::write(format!("{}.sql", base.display()), up).unwrap(),
    }
    commit_all(dir, message);
    let cut = env.json(&["-C", dir.to_str().unwrap(), "release", "cut", "--json"], 0);
    cut["releases"][0]["version"].as_str().unwrap().to_string()
}

pub fn migrate_up(env: &Env, dir: &Path) {
    let out = env.run(&["-C", dir.to_str().unwrap(), "migrate", "up"]);
    assert_code(&out, 0);
}

/// The applied versions in the demo's SQLite database.
pub fn applied(dir: &Path) -> Vec<i64> {
    let url = format!("sqlite://{}", dir.join("data/orbit.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    })
}

pub fn statuses(run: &serde_json::Value) -> Vec<String> {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap().to_string())
        .collect()
}
