use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use git2::{Repository, Signature, Time};
use tempfile::TempDir;

/// `SHIPDECK_TEST_STORE=postgres` runs the CLI tests on a shared
/// PostgreSQL store (a database of each test's own on the test server)
/// instead of the SQLite file in the data folder.
pub const STORE_VAR: &str = "SHIPDECK_TEST_STORE";

/// A private data folder (and store) for one test, and a way to run the CLI
/// against it.
pub struct Env {
    pub data: TempDir,
    pub scratch: TempDir,
    /// The test's shared store, under `SHIPDECK_TEST_STORE=postgres`.
    pub store: Option<SharedStore>,
}

/// A schema of its own on one database of the test server (a schema is
/// much cheaper to create than a database, and the tests run in parallel),
/// dropped with the test.
pub struct SharedStore {
    /// The store's URL: the database, with the schema as `search_path`.
    pub url: String,
    schema: String,
}

fn shared_database() -> &'static shipdeck_testkit::Database {
    static DB: std::sync::OnceLock<shipdeck_testkit::Database> = std::sync::OnceLock::new();
    DB.get_or_init(|| shipdeck_testkit::postgres::server().database("cli_store"))
}

impl SharedStore {
    fn new() -> SharedStore {
        let db = shared_database();
        let schema = shipdeck_testkit::unique_name("s");
        db.exec(&format!("CREATE SCHEMA \"{schema}\""));
        SharedStore {
            url: format!("{}?options=-c%20search_path%3D{schema}", db.url),
            schema,
        }
    }

    /// Every row of every table, as text.
    pub fn rows(&self) -> Vec<String> {
        let db = shared_database();
        let tables = db.texts(&format!(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{}'",
            self.schema
        ));
        assert!(tables.iter().any(|t| t == "job_runs"), "the store has its schema");
        tables
            .iter()
            .flat_map(|t| db.texts(&format!("SELECT t::text FROM \"{}\".\"{t}\" t", self.schema)))
            .collect()
    }
}

impl Drop for SharedStore {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema);
        if std::panic::catch_unwind(|| shared_database().exec(&sql)).is_err() {
            eprintln!("could not drop the test schema {}", self.schema);
        }
    }
}

impl Env {
    pub fn new() -> Env {
        let store = match std::env::var(STORE_VAR).as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => None,
            Ok("postgres") => Some(SharedStore::new()),
            Ok(other) => panic!("{STORE_VAR}={other:?}: use sqlite or postgres"),
        };
        Env {
            data: tempfile::tempdir().unwrap(),
            scratch: tempfile::tempdir().unwrap(),
            store,
        }
    }

    /// An environment on the local SQLite store whatever
    /// `SHIPDECK_TEST_STORE` says: for the tests of choosing and copying
    /// stores, which name their shared stores themselves.
    pub fn local() -> Env {
        Env {
            data: tempfile::tempdir().unwrap(),
            scratch: tempfile::tempdir().unwrap(),
            store: None,
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
        c.env("SHIPDECK_DATA_DIR", self.data.path())
            .env_remove("SHIPDECK_LOG");
        match &self.store {
            Some(db) => c.env("SHIPDECK_STORE_URL", &db.url),
            None => c.env_remove("SHIPDECK_STORE_URL"),
        };
        c
    }

    /// Everything the store holds, to search for what must not be there:
    /// the SQLite file and its WAL, or every row of the shared store as
    /// text (and then no SQLite file may exist).
    pub fn store_contents(&self) -> Vec<u8> {
        let file = self.data.path().join("shipdeck.db");
        match &self.store {
            None => {
                let mut bytes = std::fs::read(&file).expect("the store file exists");
                bytes.extend(std::fs::read(file.with_extension("db-wal")).unwrap_or_default());
                bytes
            }
            Some(db) => {
                assert!(!file.exists(), "a shared store leaves no SQLite file");
                db.rows().join("\n").into_bytes()
            }
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).stdin(Stdio::null()).output().unwrap()
    }

    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs and parses stdout as JSON, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let out = self.run(args);
        assert_code(&out, code);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.scratch.path().join(rel)
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A repository built with git2, one commit at a time.
pub struct Repo {
    pub repo: Repository,
    pub root: PathBuf,
    pub clock: i64,
}

impl Repo {
    pub fn init(root: &Path) -> Repo {
        std::fs::create_dir_all(root).unwrap();
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = Repository::init_opts(root, &opts).unwrap();
        {
            let mut cfg = repo.config().unwrap();
            cfg.set_str("user.name", "Release Manager").unwrap();
            cfg.set_str("user.email", "release@example.com").unwrap();
        }
        // Commits start a month ago, an hour apart: inside the Overview's
        // window. A second less per repository: a workspace's id is its root
        // commit, and two tests building the same files in the same second
        // would otherwise share an id, and so the keyring's entries.
        static REPOS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 30 * 86_400
            - REPOS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Repo {
            repo,
            root: root.canonicalize().unwrap(),
            clock,
        }
    }

    pub fn write(&self, rel: &str, content: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Stages everything and commits; returns the sha.
    pub fn commit(&mut self, message: &str) -> String {
        self.clock += 3600;
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new("Test Author", "author@example.com", &Time::new(self.clock, 0)).unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .map(|h| h.peel_to_commit().unwrap())
            .into_iter()
            .collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parent_refs)
            .unwrap()
            .to_string()
    }

    /// Writes one file and commits it with `message`.
    pub fn change(&mut self, rel: &str, message: &str) -> String {
        let n = self.clock;
        let path = self.root.join(rel);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&format!("change {n}\n"));
        self.write(rel, &text);
        self.commit(message)
    }

    pub fn head(&self) -> String {
        self.repo
            .head()
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    }

    pub fn tag(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        let sig = Signature::new("Tagger", "tagger@example.com", &Time::new(self.clock, 0)).unwrap();
        self.repo.tag(name, head.as_object(), &sig, name, false).unwrap();
    }

    pub fn root_str(&self) -> &str {
        self.root.to_str().unwrap()
    }
}
