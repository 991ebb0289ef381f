//! `shipdeck advisor` against a private PostgreSQL 15 cluster (with
//! pg_stat_statements, HypoPG and pg_qualstats), databases without those
//! extensions on the test kit's PostgreSQL, MariaDB and SQLite files. Every test has a
//! database of its own.

mod cluster;
mod mariadb;
mod names;
mod postgres;
mod sqlite;
mod trust;

use std::path::Path;
use std::process::Output;

use crate::util::{assert_code, text, Env, Repo};

/// A workspace whose `[databases.main]` URL comes from `$APP_DB_URL`.
pub struct AdvisorWs {
    pub env: Env,
    pub repo: Repo,
    pub url: String,
}

impl AdvisorWs {
    pub fn new(url: &str, extra_config: &str) -> AdvisorWs {
        let env = Env::new();
        let repo = Repo::init(&env.path("app"));
        repo.write(
            "shipdeck.toml",
            &format!(
                "[databases.main]\nurl = \"env:APP_DB_URL\"\nmigrations = \"db/migrations\"\n{extra_config}"
            ),
        );
        std::fs::create_dir_all(repo.root.join("db/migrations")).unwrap();
        AdvisorWs {
            env,
            repo,
            url: url.to_string(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.repo.root
    }

    /// `shipdeck -C <root> <args>` with the database URL in the environment.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut full = vec!["-C", self.repo.root.to_str().unwrap()];
        full.extend_from_slice(args);
        self.env
            .cmd()
            .args(&full)
            .env("APP_DB_URL", &self.url)
            .env("USER", "dba")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs with `--json`, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let mut full = args.to_vec();
        full.push("--json");
        let out = self.run(&full);
        assert_code(&out, code);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", text(&out.stdout), text(&out.stderr)))
    }

    /// `advisor run --json`: the findings.
    pub fn findings(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["advisor", "run"];
        args.extend_from_slice(extra);
        let report = self.json(&args, 0);
        report["findings"].as_array().cloned().unwrap_or_default()
    }
}

/// The findings of one check.
pub fn of_check<'a>(findings: &'a [serde_json::Value], check: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["check"] == check).collect()
}
