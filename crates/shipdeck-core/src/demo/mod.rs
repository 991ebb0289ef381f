//! `shipdeck demo create DIR`: a realistic, deterministic workspace to try
//! every area on. The same seed and end date always give the same commits
//! (same shas): ~300 Conventional Commits over a year, tagged v0.1.0 …
//! v1.4.2, with breaking changes, a revert, a merge, a squash-merge body,
//! migrations, drifting environment files and queries for the advisor.

mod artifacts;
mod content;
mod repo;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use git2::{Repository, RepositoryInitOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use content::*;

/// The demo's `origin`: a GitHub address for links…
pub const DEMO_REMOTE: &str = "https://github.com/shipdeck-demo/orbit.git";
/// …that pushes to this bare repository inside `.git`.
pub const DEMO_PUSH_DIR: &str = "demo-origin.git";

pub struct DemoOptions {
    pub seed: u64,
    /// Time of the newest commit; the history spans the year before it.
    pub until: DateTime<Utc>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            until: Utc::now(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoSummary {
    pub root: String,
    pub commits: u32,
    pub tags: Vec<String>,
    pub head: String,
    pub migrations: u32,
}

/// Creates the demo workspace in `dir`, which must be new or empty.
pub fn create(dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(Error::io("read", dir))?;
        if entries.next().is_some() {
            return Err(Error::DemoTargetNotEmpty { path: dir.into() });
        }
    }
    std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
    let root = dir.canonicalize().map_err(Error::io("resolve", dir))?;
    let mut init = RepositoryInitOptions::new();
    init.initial_head("main");
    let repo = Repository::init_opts(&root, &init)?;
    // `origin` looks like a GitHub repository (changelogs carry links) but
    // pushes to a bare repository inside .git, so publish and rollback work
    // offline.
    repo.remote("origin", DEMO_REMOTE)?;
    let bare = root.join(".git").join(DEMO_PUSH_DIR);
    git2::Repository::init_bare(&bare)?;
    repo.config()?
        .set_str("remote.origin.pushurl", &bare.to_string_lossy())?;
    // The initial commit, each segment and its release commit, the unreleased
    // tail, plus the extra commits of the merge (1) and the revert pair (2),
    // and the coverage report and architecture page that close it (2).
    let planned = 1 + RELEASES.iter().map(|r| r.1 + 1).sum::<usize>() + UNRELEASED + 3 + 2;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let start = opts.until - Duration::days(365);
    let times = commit_times(&mut rng, start, planned);
    let mut b = Builder {
        repo,
        root: root.clone(),
        rng,
        times,
        tick: 0,
        fn_counter: 0,
        pr: 1,
        migrations: 0,
        tags: Vec::new(),
        changelog: Vec::new(),
    };
    b.initial_commit()?;
    for (index, &(version, count, segment)) in RELEASES.iter().enumerate() {
        let notes = b.segment(index, count, segment)?;
        b.release(version, &notes)?;
    }
    b.segment(RELEASES.len(), UNRELEASED, Segment::Unreleased)?;
    b.artifacts()?;
    b.build_web()?;
    for (name, text) in ENV_FILES {
        b.write(name, text)?;
    }
    std::fs::create_dir_all(root.join("data")).map_err(Error::io("create", root.join("data")))?;
    let head = b.repo.head()?.peel_to_commit()?.id().to_string();
    Ok(DemoSummary {
        root: root.display().to_string(),
        commits: b.tick as u32,
        tags: b.tags.clone(),
        head,
        migrations: b.migrations as u32,
    })
}

struct Builder {
    repo: Repository,
    root: PathBuf,
    rng: ChaCha8Rng,
    /// Commit times, oldest first, one per planned commit.
    times: Vec<DateTime<Utc>>,
    tick: usize,
    fn_counter: u32,
    pr: u32,
    migrations: usize,
    tags: Vec<String>,
    /// Released sections, newest first.
    changelog: Vec<String>,
}

/// A commit as the release notes see it.
struct Note {
    kind: String,
    scope: Option<String>,
    subject: String,
    sha: String,
}

impl Builder {
    fn initial_commit(&mut self) -> Result<()> {
        let files: Vec<(&str, String)> = vec![
            ("README.md", README.into()),
            (".gitignore", GITIGNORE.into()),
            ("shipdeck.toml", SHIPDECK_TOML.into()),
            ("scripts/deploy.sh", DEPLOY_SH.into()),
            ("scripts/rollback.sh", ROLLBACK_SH.into()),
            ("CHANGELOG.md", CHANGELOG_HEADER.into()),
            ("Cargo.toml", root_cargo_toml("0.0.0")),
            ("Cargo.lock", cargo_lock("0.0.0")),
            ("crates/core/Cargo.toml", core_cargo_toml()),
            ("crates/core/src/lib.rs", "//! Orbit's domain model.\n\npub mod auth;\npub mod db;\n".into()),
            ("crates/core/src/auth.rs", "//! Authentication.\n".into()),
            ("crates/core/src/db.rs", "//! Persistence.\n".into()),
            ("crates/api/Cargo.toml", api_cargo_toml("0.0.0")),
            ("crates/api/src/main.rs", "mod cli;\nmod routes;\n\nfn main() {\n    cli::run();\n}\n".into()),
            ("crates/api/src/cli.rs", "pub fn run() {}\n".into()),
            ("crates/api/src/routes.rs", "//! HTTP routes.\n".into()),
            ("web/package.json", package_json("0.0.0")),
            ("web/package-lock.json", package_lock("0.0.0")),
            ("web/src/app.js", "// Orbit web app.\n".into()),
            (".github/workflows/ci.yml", "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n".into()),
            ("Makefile", "test:\n\tcargo test\n".into()),
            ("queries/reports.sql", REPORTS_SQL.into()),
        ];
        for (path, text) in &files {
            self.write(path, text)?;
        }
        let paths: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
        self.commit("chore: initial commit", &paths)?;
        Ok(())
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn pick_type(&mut self, segment: Segment) -> &'static str {
        let w = weights(segment);
        let total: u32 = w.iter().map(|(_, n)| n).sum();
        let mut roll = self.rng.random_range(0..total);
        for (kind, n) in w {
            if roll < *n {
                return kind;
            }
            roll -= n;
        }
        w[0].0
    }

    /// A source change for a commit of `kind` in `scope`; returns the paths.
    fn change(&mut self, kind: &str, scope: Option<&str>, subject: &str) -> Result<Vec<String>> {
        self.fn_counter += 1;
        let n = self.fn_counter;
        let path = match (kind, scope) {
            ("docs", _) => format!("docs/{}.md", scope.unwrap_or("guide")),
            ("other", _) => "README.md".to_string(),
            ("ci", _) => ".github/workflows/ci.yml".to_string(),
            ("chore", _) => "Makefile".to_string(),
            ("test", _) => format!("crates/core/tests/{}.rs", scope.unwrap_or("core")),
            (_, Some("web")) => "web/src/app.js".to_string(),
            (_, Some("api")) => "crates/api/src/routes.rs".to_string(),
            (_, Some("cli")) => "crates/api/src/cli.rs".to_string(),
            (_, Some("auth")) => "crates/core/src/auth.rs".to_string(),
            (_, Some("db")) => "crates/core/src/db.rs".to_string(),
            _ => "crates/core/src/lib.rs".to_string(),
        };
        let text = if path.ends_with(".md") {
            format!(
                "\n## {subject}\n\nSee the {} section for details ({n}).\n",
                scope.unwrap_or("main")
            )
        } else if path.ends_with(".js") {
            format!("\n// {subject}\nexport function step{n}() {{\n  return {n};\n}}\n")
        } else if path.ends_with(".yml") {
            format!("      - run: echo step {n}  # {subject}\n")
        } else if path == "Makefile" {
            format!("\n# {subject}\nstep{n}:\n\t@echo {n}\n")
        } else if path.contains("/tests/") {
            format!("\n#[test]\nfn case_{n}() {{\n    // {subject}\n    assert_eq!({n}, {n});\n}}\n")
        } else {
            format!("\n/// {subject}\npub fn step_{n}() -> u32 {{\n    {n}\n}}\n")
        };
        self.append(&path, &text)?;
        Ok(vec![path])
    }

    fn subject_for(&mut self, kind: &str) -> String {
        let topic = self.pick(TOPICS);
        let template = match kind {
            "feat" => return format!("{} {topic}", self.pick(FEAT_VERBS)),
            "fix" => self.pick(FIX_TEMPLATES),
            "perf" => self.pick(PERF_TEMPLATES),
            "docs" => self.pick(DOCS_TEMPLATES),
            "refactor" => self.pick(REFACTOR_TEMPLATES),
            "test" => self.pick(TEST_TEMPLATES),
            "ci" => self.pick(CI_TEMPLATES),
            _ => self.pick(CHORE_TEMPLATES),
        };
        template.replace("{t}", topic)
    }

    /// One ordinary commit; returns its note.
    fn ordinary(&mut self, kind: &str) -> Result<Note> {
        let scoped =
            matches!(kind, "feat" | "fix" | "perf" | "refactor" | "test") || self.rng.random_bool(0.3);
        let scope = scoped.then(|| self.pick(SCOPES).to_string());
        let mut subject = self.subject_for(kind);
        if self.rng.random_bool(0.5) {
            subject.push_str(&format!(" (#{})", self.pr));
            self.pr += 1;
        }
        let header = match &scope {
            Some(s) => format!("{kind}({s}): {subject}"),
            None => format!("{kind}: {subject}"),
        };
        let message = if self.rng.random_bool(0.3) {
            format!(
                "{header}\n\nThe previous behaviour surprised users; this makes it explicit.\n\nRefs #{}\n",
                self.pr + 40
            )
        } else {
            header
        };
        let paths = self.change(kind, scope.as_deref(), &subject)?;
        let sha = self.commit(&message, &paths)?.to_string();
        Ok(Note {
            kind: kind.into(),
            scope,
            subject,
            sha,
        })
    }

    /// A commit from a fixed message (special cases of the plan).
    fn scripted(&mut self, message: &str, kind: &str, scope: Option<&str>, subject: &str) -> Result<Note> {
        let paths = self.change(kind, scope, subject)?;
        let sha = self.commit(message, &paths)?.to_string();
        Ok(Note {
            kind: kind.into(),
            scope: scope.map(Into::into),
            subject: subject.into(),
            sha,
        })
    }

    fn add_migration(&mut self) -> Result<Note> {
        let (name, up, down) = MIGRATIONS[self.migrations];
        self.migrations += 1;
        // The version is the commit's own time, as `sqlx migrate add` does.
        let version = self.now().format("%Y%m%d%H%M%S");
        let up_path = format!("migrations/{version}_{name}.up.sql");
        let down_path = format!("migrations/{version}_{name}.down.sql");
        self.write(&up_path, up)?;
        self.write(&down_path, down)?;
        let (kind, subject) = match name.strip_prefix("create_") {
            Some(table) => ("feat", format!("add {table} table")),
            None if name.starts_with("index_") => ("perf", name.replace('_', " ")),
            None => ("feat", name.replace('_', " ")),
        };
        let sha = self
            .commit(&format!("{kind}(db): {subject}"), &[up_path, down_path])?
            .to_string();
        Ok(Note {
            kind: kind.into(),
            scope: Some("db".into()),
            subject,
            sha,
        })
    }

    fn segment(&mut self, index: usize, count: usize, segment: Segment) -> Result<Vec<Note>> {
        let mut notes = Vec::new();
        while self.migrations < MIGRATIONS.len() && MIGRATION_SEGMENTS[self.migrations] == index {
            notes.push(self.add_migration()?);
        }
        let first = if segment == Segment::Patch { "fix" } else { "feat" };
        notes.push(self.ordinary(first)?);
        while notes.len() < count {
            let i = notes.len();
            let note = match (segment, i) {
                (Segment::BreakingPre1, 3) => self.scripted(
                    "refactor(core)!: rename Project.owner to Project.owner_id",
                    "refactor", Some("core"), "rename Project.owner to Project.owner_id",
                )?,
                (Segment::BreakingPre1, 9) => self.scripted(
                    "feat(api): paginate list endpoints\n\nEvery list endpoint now takes `page` and `per_page`.\n\nBREAKING-CHANGE: list endpoints return a page object instead of an array.\n",
                    "feat", Some("api"), "paginate list endpoints",
                )?,
                (Segment::Major, 5) => self.scripted(
                    "feat(api)!: stabilise the v1 API\n\nThe API surface is now covered by semantic versioning.\n\nBREAKING CHANGE: the /v0 routes are removed; clients must call /v1.\n",
                    "feat", Some("api"), "stabilise the v1 API",
                )?,
                (Segment::Minor, 4) if index == 6 => self.merge_branch()?,
                (Segment::Minor, 6) if index == 1 => self.scripted("Update README.md", "other", None, "Update README.md")?,
                (Segment::Minor, 3) if index == 8 => self.revert_pair()?,
                (Segment::Minor, 5) if index == 10 => self.scripted(
                    &format!("feat(api): bulk endpoints (#{})\n\n* feat(api): add bulk create endpoint\n\n* fix(api): cap bulk size at 500\n\n* docs: describe bulk endpoints\n", self.pr),
                    "feat", Some("api"), "bulk endpoints",
                )?,
                _ => {
                    let kind = self.pick_type(segment);
                    self.ordinary(kind)?
                }
            };
            notes.push(note);
        }
        Ok(notes)
    }

    /// A feature branch merged with a merge commit.
    fn merge_branch(&mut self) -> Result<Note> {
        let subject = "export deployment history as CSV";
        let paths = self.change("feat", Some("web"), subject)?;
        let tree = self.stage(&paths)?;
        let (side, _) = self.commit_tree(&format!("feat(web): {subject}"), tree, false, None)?;
        self.commit_tree("Merge branch 'feature/csv-export'", tree, true, Some(side))?;
        Ok(Note {
            kind: "feat".into(),
            scope: Some("web".into()),
            subject: subject.into(),
            sha: side.to_string(),
        })
    }

    /// A feature and, two commits later, its revert.
    fn revert_pair(&mut self) -> Result<Note> {
        let file = "web/src/theme.js";
        self.write(
            file,
            "export const darkMode = () => document.body.classList.toggle('dark');\n",
        )?;
        let feat = self.commit("feat(web): add dark mode toggle", &[file.into()])?;
        self.ordinary("fix")?;
        std::fs::remove_file(self.root.join(file)).map_err(Error::io("remove", file))?;
        let sha = self.commit(
            &format!("Revert \"feat(web): add dark mode toggle\"\n\nThis reverts commit {feat}.\n"),
            &[file.into()],
        )?;
        Ok(Note {
            kind: "revert".into(),
            scope: None,
            subject: "add dark mode toggle".into(),
            sha: sha.to_string(),
        })
    }

    fn release(&mut self, version: &str, notes: &[Note]) -> Result<()> {
        let files = [
            ("Cargo.toml", root_cargo_toml(version)),
            ("Cargo.lock", cargo_lock(version)),
            ("crates/api/Cargo.toml", api_cargo_toml(version)),
            ("web/package.json", package_json(version)),
            ("web/package-lock.json", package_lock(version)),
        ];
        for (path, text) in &files {
            self.write(path, text)?;
        }
        let date = self.now().format("%Y-%m-%d");
        self.changelog
            .insert(0, changelog_section(version, &date.to_string(), notes));
        let changelog = format!("{CHANGELOG_HEADER}\n{}", self.changelog.join("\n"));
        self.write("CHANGELOG.md", &changelog)?;
        let mut paths: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
        paths.push("CHANGELOG.md".into());
        let commit = self.commit(&format!("chore(release): {version}"), &paths)?;
        let tag = format!("v{version}");
        let tagger = self.author_of(commit)?;
        let object = self.repo.find_object(commit, None)?;
        self.repo
            .tag(&tag, &object, &tagger, &format!("Release {version}\n"), false)?;
        self.tags.push(tag);
        Ok(())
    }
}

/// `n` increasing commit times over the year after `start`, shaped like a
/// real team's: working hours, quiet weekends, busy and quiet weeks. Times
/// are quantiles of that hourly activity profile, so they never go back.
fn commit_times(rng: &mut ChaCha8Rng, start: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    const HOURS: usize = 365 * 24;
    let week_factor: Vec<f64> = (0..53).map(|_| rng.random_range(0.25..1.9)).collect();
    let mut cumulative = Vec::with_capacity(HOURS + 1);
    let mut total = 0.0;
    cumulative.push(0.0);
    for h in 0..HOURS {
        let t = start + Duration::hours(h as i64);
        let hour = t.hour();
        let weekend = matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
        let mut w = if (8..19).contains(&hour) { 1.0 } else { 0.04 };
        if weekend {
            w *= 0.12;
        }
        total += w * week_factor[h / (24 * 7)];
        cumulative.push(total);
    }
    (0..n)
        .map(|i| {
            let q = (i as f64 + rng.random_range(0.05..0.95)) / n as f64 * total;
            let h = cumulative
                .partition_point(|&c| c <= q)
                .saturating_sub(1)
                .min(HOURS - 1);
            let within = (q - cumulative[h]) / (cumulative[h + 1] - cumulative[h]).max(f64::EPSILON);
            start + Duration::seconds(h as i64 * 3600 + (within * 3599.0) as i64)
        })
        .collect()
}

fn changelog_section(version: &str, date: &str, notes: &[Note]) -> String {
    let mut out = format!("## [{version}] - {date}\n");
    for (kind, title) in [("feat", "Added"), ("fix", "Fixed"), ("perf", "Changed")] {
        let lines: Vec<String> = notes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| match &n.scope {
                Some(s) => format!("- **{s}:** {} ({})", n.subject, &n.sha[..7]),
                None => format!("- {} ({})", n.subject, &n.sha[..7]),
            })
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("\n### {title}\n\n{}\n", lines.join("\n")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> DemoOptions {
        DemoOptions {
            seed: 7,
            until: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 1, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn same_seed_same_history() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let sa = create(a.path(), &opts()).unwrap();
        let sb = create(b.path(), &opts()).unwrap();
        assert_eq!(sa.head, sb.head);
        let other = tempfile::tempdir().unwrap();
        let sc = create(other.path(), &DemoOptions { seed: 8, ..opts() }).unwrap();
        assert_ne!(sa.head, sc.head);
    }

    #[test]
    fn commit_times_increase_within_the_year() {
        let start = opts().until - Duration::days(365);
        let times = commit_times(&mut ChaCha8Rng::seed_from_u64(1), start, 300);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= start && *times.last().unwrap() <= opts().until);
    }

    #[test]
    fn the_advisor_queries_are_committed_and_name_demo_tables() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path(), &opts()).unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let tree = repo.head().unwrap().peel_to_tree().unwrap();
        assert!(tree.get_path(Path::new("queries/reports.sql")).is_ok());
        let created: Vec<&str> = MIGRATIONS
            .iter()
            .filter_map(|(name, _, _)| name.strip_prefix("create_"))
            .collect();
        for table in ["deployments", "sessions", "audit_events", "api_tokens"] {
            assert!(created.contains(&table), "{table} is a demo table");
            assert!(
                REPORTS_SQL.contains(&format!("FROM {table}")),
                "a query reads {table}"
            );
        }
    }

    #[test]
    fn refuses_a_folder_with_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let err = create(dir.path(), &opts()).unwrap_err();
        assert_eq!(err.code(), "demo.target_not_empty");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "mine"
        );
    }
}
