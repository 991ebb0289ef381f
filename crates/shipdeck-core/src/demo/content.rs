//! What the demo workspace contains: its release plan, commit subjects,
//! migrations and the files of a small product ("Orbit": two Rust crates and
//! a web app).

/// How a release segment decides its commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Initial,
    Minor,
    Patch,
    /// Breaking changes before 1.0 (a minor release by convention).
    BreakingPre1,
    Major,
    Unreleased,
}

/// (version, commits before the release commit, kind).
pub const RELEASES: &[(&str, usize, Segment)] = &[
    ("0.1.0", 24, Segment::Initial),
    ("0.2.0", 24, Segment::Minor),
    ("0.2.1", 10, Segment::Patch),
    ("0.3.0", 22, Segment::BreakingPre1),
    ("0.4.0", 20, Segment::Minor),
    ("1.0.0", 22, Segment::Major),
    ("1.1.0", 22, Segment::Minor),
    ("1.1.1", 9, Segment::Patch),
    ("1.2.0", 24, Segment::Minor),
    ("1.2.1", 9, Segment::Patch),
    ("1.3.0", 22, Segment::Minor),
    ("1.3.1", 10, Segment::Patch),
    ("1.4.0", 22, Segment::Minor),
    ("1.4.1", 9, Segment::Patch),
    ("1.4.2", 8, Segment::Patch),
];
pub const UNRELEASED: usize = 20;

pub const AUTHORS: &[(&str, &str, i32)] = &[
    ("Ada Lindqvist", "ada@orbit.example", 60),
    ("Bruno Okafor", "bruno@orbit.example", 0),
    ("Chen Wei", "chen@orbit.example", 480),
    ("Dana Whitfield", "dana@orbit.example", -300),
    ("Emil Novak", "emil@orbit.example", 60),
];

pub const SCOPES: &[&str] = &["api", "core", "web", "auth", "cli", "db"];

/// Things a feature can be about; combined with verbs below.
pub const TOPICS: &[&str] = &[
    "project search",
    "pagination",
    "rate limiting",
    "audit trail",
    "release notes export",
    "webhook retries",
    "token rotation",
    "health endpoint",
    "bulk import",
    "CSV export",
    "deployment history",
    "environment badges",
    "role-based access",
    "SSO login",
    "keyboard shortcuts",
    "dark mode",
    "request tracing",
    "metrics endpoint",
    "cache warm-up",
    "config validation",
    "password reset",
    "email digests",
    "API versioning",
    "project archiving",
];
pub const FEAT_VERBS: &[&str] = &["add", "support", "introduce", "allow", "expose"];
pub const FIX_TEMPLATES: &[&str] = &[
    "handle empty {t} results",
    "avoid panic in {t}",
    "correct off-by-one in {t}",
    "respect timeout in {t}",
    "escape user input in {t}",
    "release lock after {t}",
    "keep ordering stable in {t}",
];
pub const PERF_TEMPLATES: &[&str] = &["speed up {t}", "cache {t} lookups", "batch writes in {t}"];
pub const DOCS_TEMPLATES: &[&str] = &[
    "document {t}",
    "explain {t} configuration",
    "fix typos in {t} guide",
];
pub const CHORE_TEMPLATES: &[&str] = &[
    "bump dependencies",
    "tidy {t} module",
    "update lint rules",
    "refresh lockfile",
];
pub const REFACTOR_TEMPLATES: &[&str] = &[
    "split {t} into modules",
    "simplify {t} state",
    "extract {t} helpers",
];
pub const TEST_TEMPLATES: &[&str] = &["cover {t} edge cases", "add regression test for {t}"];
pub const CI_TEMPLATES: &[&str] = &[
    "cache cargo registry",
    "run web tests in CI",
    "pin toolchain version",
];

/// Weighted commit types for each segment kind (type, weight).
pub fn weights(segment: Segment) -> &'static [(&'static str, u32)] {
    match segment {
        Segment::Patch => &[
            ("fix", 50),
            ("perf", 8),
            ("docs", 15),
            ("chore", 15),
            ("test", 12),
        ],
        _ => &[
            ("feat", 30),
            ("fix", 25),
            ("perf", 5),
            ("docs", 10),
            ("chore", 10),
            ("refactor", 8),
            ("test", 7),
            ("ci", 5),
        ],
    }
}

/// (name, up SQL, down SQL) in the order the history adds them.
pub const MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "create_users",
        "CREATE TABLE users (\n    id         INTEGER PRIMARY KEY,\n    email      TEXT NOT NULL UNIQUE,\n    name       TEXT NOT NULL,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        "DROP TABLE users;\n",
    ),
    (
        "create_sessions",
        "CREATE TABLE sessions (\n    id         INTEGER PRIMARY KEY,\n    user_id    INTEGER NOT NULL REFERENCES users(id),\n    token_hash TEXT NOT NULL,\n    expires_at TEXT NOT NULL\n);\n",
        "DROP TABLE sessions;\n",
    ),
    (
        "create_projects",
        "CREATE TABLE projects (\n    id         INTEGER PRIMARY KEY,\n    name       TEXT NOT NULL UNIQUE,\n    owner_id   INTEGER NOT NULL REFERENCES users(id),\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        "DROP TABLE projects;\n",
    ),
    (
        "add_projects_slug",
        "ALTER TABLE projects ADD COLUMN slug TEXT;\nCREATE UNIQUE INDEX projects_slug ON projects (slug);\n",
        "DROP INDEX projects_slug;\nALTER TABLE projects DROP COLUMN slug;\n",
    ),
    (
        "create_releases",
        "CREATE TABLE releases (\n    id          INTEGER PRIMARY KEY,\n    project_id  INTEGER NOT NULL REFERENCES projects(id),\n    version     TEXT NOT NULL,\n    released_at TEXT\n);\n",
        "DROP TABLE releases;\n",
    ),
    (
        "create_environments",
        "CREATE TABLE environments (\n    id         INTEGER PRIMARY KEY,\n    project_id INTEGER NOT NULL REFERENCES projects(id),\n    name       TEXT NOT NULL,\n    url        TEXT\n);\n",
        "DROP TABLE environments;\n",
    ),
    (
        "create_api_tokens",
        "CREATE TABLE api_tokens (\n    id           INTEGER PRIMARY KEY,\n    user_id      INTEGER NOT NULL REFERENCES users(id),\n    name         TEXT NOT NULL,\n    token_hash   TEXT NOT NULL,\n    last_used_at TEXT\n);\n",
        "DROP TABLE api_tokens;\n",
    ),
    (
        "create_audit_events",
        "CREATE TABLE audit_events (\n    id       INTEGER PRIMARY KEY,\n    actor_id INTEGER REFERENCES users(id),\n    action   TEXT NOT NULL,\n    payload  TEXT,\n    at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        "DROP TABLE audit_events;\n",
    ),
    (
        "create_deployments",
        "CREATE TABLE deployments (\n    id             INTEGER PRIMARY KEY,\n    release_id     INTEGER NOT NULL REFERENCES releases(id),\n    environment_id INTEGER NOT NULL REFERENCES environments(id),\n    status         TEXT NOT NULL,\n    started_at     TEXT NOT NULL,\n    finished_at    TEXT\n);\n",
        "DROP TABLE deployments;\n",
    ),
    (
        "create_feature_flags",
        "CREATE TABLE feature_flags (\n    key         TEXT PRIMARY KEY,\n    enabled     INTEGER NOT NULL DEFAULT 0,\n    description TEXT\n);\n",
        "DROP TABLE feature_flags;\n",
    ),
    (
        "index_deployments_status",
        "CREATE INDEX deployments_by_status ON deployments (status, started_at);\n",
        "DROP INDEX deployments_by_status;\n",
    ),
    (
        "create_webhooks",
        "CREATE TABLE webhooks (\n    id         INTEGER PRIMARY KEY,\n    project_id INTEGER NOT NULL REFERENCES projects(id),\n    url        TEXT NOT NULL,\n    secret_ref TEXT NOT NULL,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        "DROP TABLE webhooks;\n",
    ),
    (
        "rename_webhooks_url",
        "ALTER TABLE webhooks RENAME COLUMN url TO target_url;\n",
        "ALTER TABLE webhooks RENAME COLUMN target_url TO url;\n",
    ),
];

/// Segment index (into [`RELEASES`], or `RELEASES.len()` for unreleased) at
/// whose start each migration is added.
pub const MIGRATION_SEGMENTS: &[usize] = &[0, 0, 1, 3, 4, 5, 6, 8, 10, 12, 13, 15, 15];

pub const SHIPDECK_TOML: &str = r#"# Shipdeck configuration for the Orbit demo workspace.
[workspace]
name = "orbit"
release_branch = "main"

# `shipdeck ready`: each area is required unless listed here. The demo's
# environments have deliberate mistakes and no running services, and one
# migration renames a column on purpose: both only warn.
[readiness.checks]
environments = "warn"
migrations = "warn"

[[packages]]
name = "orbit"
path = "."
tag_format = "v{version}"
version_files = ["Cargo.toml", "web/package.json"]

[databases.main]
url = "sqlite://data/orbit.db"
migrations = "migrations"

[environments.development]
files = [".env.development"]
health_url = "http://127.0.0.1:8001/health"

[environments.staging]
files = [".env.staging"]
health_url = "http://127.0.0.1:8002/health"

[environments.staging.deploy]
kind = "command"
deploy = "sh scripts/deploy.sh {environment} {version}"
rollback = "sh scripts/rollback.sh {environment} {previous_version}"

[environments.production]
files = [".env.production"]
health_url = "http://127.0.0.1:8003/health"

[environments.production.deploy]
kind = "command"
deploy = "sh scripts/deploy.sh {environment} {version}"
rollback = "sh scripts/rollback.sh {environment} {previous_version}"

[dependencies]
ignore = ["cargo:orbit-*"]  # the workspace's own crates, not on a registry

[coverage.areas.core]
globs = ["crates/core/src/**"]
threshold = 80

[coverage.areas.api]
globs = ["crates/api/src/**"]
threshold = 70

[bundle]
dir = "web"

[bundle.budgets]
"index.html" = "20 kB"      # First Load JS, gzip

[docs]
fail_on = ["broken", "stale"]

[[bench.scenario]]
name = "health endpoint"
kind = "http"
url = "http://127.0.0.1:8001/health"
connections = 4
duration = "2s"
expect_status = 200
thresholds = ["p99 < 200ms"]

[[bench.scenario]]
name = "schema lookup"
kind = "sql"
database = "main"
query = "SELECT name FROM sqlite_master WHERE type = 'table'"
iterations = 2000
concurrency = 2
thresholds = ["p99 < 50ms"]

[rollback]
contacts = [{ name = "Orbit on-call", role = "primary", reach = "chat: orbit-oncall" }]
feature_flags = ["new_deploy_pipeline"]
freeze = "Set the `deploy-freeze` label on the release branch's open pull requests."
verify_timeout = "1m"
"#;

/// The demo's deploy scripts: they only say what they would do.
pub const DEPLOY_SH: &str = "#!/bin/sh\n# Orbit demo: a real deploy would ship release $2 to $1.\necho \"would deploy orbit $2 to $1\"\n";
pub const ROLLBACK_SH: &str = "#!/bin/sh\n# Orbit demo: a real rollback would put $1 back on release $2.\necho \"would roll $1 back to orbit $2\"\n";

/// Queries the product runs, for the database advisor (it plans
/// `queries/**/*.sql`): a filter on a foreign key sorted by another column,
/// a lookup by an unindexed hash, an unindexed sort, and a user's tokens.
pub const REPORTS_SQL: &str = "-- Reports the API and the web app run; `shipdeck advisor run` plans them.

-- Deployments of a release, newest first (release page).
SELECT id, environment_id, status, started_at, finished_at
FROM deployments
WHERE release_id = ?
ORDER BY started_at DESC;

-- Sign-in: the session behind a cookie.
SELECT user_id, expires_at FROM sessions WHERE token_hash = ?;

-- The audit trail page: the latest events first.
SELECT id, actor_id, action, at FROM audit_events ORDER BY at DESC LIMIT 50;

-- A user's API tokens (settings page).
SELECT id, name, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY name;
";

pub const GITIGNORE: &str = "/target\nnode_modules/\n/web/dist/\n/data/\n.env.*\n!.env.example\n";

pub const README: &str = "# Orbit\n\nOrbit tracks projects, releases and deployments.\n\n\
- `crates/core`: the domain model\n- `crates/api`: the HTTP API\n- `web/`: the browser app\n- `migrations/`: SQLite schema (sqlx layout)\n";

pub const CHANGELOG_HEADER: &str = "# Changelog\n\nAll notable changes to this project are documented in this file.\n\n\
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\nand this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n";

pub fn root_cargo_toml(version: &str) -> String {
    format!(
        "[workspace]\nmembers = [\"crates/core\", \"crates/api\"]\nresolver = \"2\"\n\n[workspace.package]\n\
         # Shared by every crate in the workspace.\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"MIT\"\n"
    )
}

pub fn core_cargo_toml() -> String {
    "[package]\nname = \"orbit-core\"\nversion.workspace = true\nedition.workspace = true\nlicense.workspace = true\n".into()
}

pub fn api_cargo_toml(version: &str) -> String {
    format!(
        "[package]\nname = \"orbit-api\"\nversion.workspace = true\nedition.workspace = true\nlicense.workspace = true\n\n\
         [dependencies]\norbit-core = {{ path = \"../core\", version = \"{version}\" }}\n"
    )
}

pub fn cargo_lock(version: &str) -> String {
    format!(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n\
         [[package]]\nname = \"orbit-api\"\nversion = \"{version}\"\ndependencies = [\n \"orbit-core\",\n]\n\n\
         [[package]]\nname = \"orbit-core\"\nversion = \"{version}\"\n"
    )
}

pub fn package_json(version: &str) -> String {
    format!(
        "{{\n  \"name\": \"orbit-web\",\n  \"version\": \"{version}\",\n  \"private\": true,\n  \"scripts\": {{\n    \"build\": \"vite build\",\n    \"test\": \"node --test\"\n  }},\n  \"dependencies\": {{\n    \"ms\": \"^2.1.3\"\n  }}\n}}\n"
    )
}

/// The web app's lock: `ms` from the npm registry.
pub fn package_lock(version: &str) -> String {
    let lock = serde_json::json!({
        "name": "orbit-web",
        "version": version,
        "lockfileVersion": 3,
        "requires": true,
        "packages": {
            "": {"name": "orbit-web", "version": version, "dependencies": {"ms": "^2.1.3"}},
            "node_modules/ms": {
                "version": "2.1.3",
                "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
                "integrity": "sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==",
                "license": "MIT"
            }
        }
    });
    serde_json::to_string_pretty(&lock).unwrap_or_default() + "\n"
}

/// Environment files with drifts the Environments area should find: a key
/// missing in one environment, a number that is a string elsewhere, debug on
/// and a localhost URL in production, a lowercase and a duplicate key.
pub const ENV_FILES: &[(&str, &str)] = &[
    (
        ".env.development",
        "APP_NAME=orbit\nAPP_ENV=development\nPORT=8080\nDATABASE_URL=sqlite://data/orbit.db\n\
REDIS_URL=redis://127.0.0.1:6379/0\nLOG_LEVEL=debug\nDEBUG=true\nFEATURE_DARK_MODE=true\n\
API_TIMEOUT_MS=5000\nSESSION_SECRET=dev-only-3f9a1c7e\nSENTRY_DSN=\n",
    ),
    (
        ".env.staging",
        "APP_NAME=orbit\nAPP_ENV=staging\nPORT=8080\nDATABASE_URL=postgres://orbit@staging-db.internal:5432/orbit\n\
REDIS_URL=redis://cache.staging.internal:6379/0\nLOG_LEVEL=info\nDEBUG=false\n\
API_TIMEOUT_MS=5s\nSESSION_SECRET=stg-7d41e09b5c2a\nSENTRY_DSN=https://4f1c2d3e4b5a69788796a5b4c3d2e1f0@sentry.orbit.example/2\n",
    ),
    (
        ".env.production",
        "APP_NAME=orbit\nAPP_ENV=production\nPORT=80\nDATABASE_URL=postgres://orbit@prod-db.internal:5432/orbit\n\
REDIS_URL=redis://127.0.0.1:6379/0\nDEBUG=true\nAPI_TIMEOUT_MS=3000\nSESSION_SECRET=prd-b8e2f61a90dc\n\
SENTRY_DSN=https://9a8b7c6d5e4f30211203f4e5d6c7b8a9@sentry.orbit.example/3\ncache_ttl=300\nCDN_URL=https://cdn.orbit.example\nPORT=8443\n",
    ),
];
