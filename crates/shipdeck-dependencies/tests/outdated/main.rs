//! `outdated` against local registries holding real registry metadata
//! (tests/fixtures, made by tests/fixtures/regen.sh), compared with what the
//! real npm and pip printed for the same data.
#![allow(clippy::too_many_lines)]

mod hostile;
mod server;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_dependencies::{outdated, Class, Ecosystem, Outdated, OutdatedOptions, UserEnv};

use server::{fixtures, start};

/// A progress handle outside any job, and the token that cancels it.
pub fn progress() -> (CancellationToken, Progress) {
    let cancel = CancellationToken::new();
    (cancel.clone(), Progress::detached(cancel))
}

pub fn opts(home: &Path, vars: &[(&str, &str)]) -> OutdatedOptions {
    OutdatedOptions {
        env: UserEnv {
            home: Some(home.to_path_buf()),
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        },
        timeout: Duration::from_secs(10),
        // tiny_http sometimes leaves a request that arrives on a reused
        // keep-alive connection unanswered until the client gives up.
        reuse_connections: false,
        ..OutdatedOptions::default()
    }
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn find<'a>(rows: &'a [Outdated], name: &str) -> &'a Outdated {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row for {name}: {rows:#?}"))
}

#[test]
fn npm_wanted_and_latest_are_what_npm_outdated_printed() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let project = fixtures().join("npm-project");
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(project.join(f), ws.path().join(f)).unwrap();
    }
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let versions = std::fs::read_to_string(project.join("versions.txt")).unwrap();
    let node = versions
        .lines()
        .find_map(|l| l.strip_prefix("node "))
        .unwrap()
        .to_string();
    let mut o = opts(home.path(), &[]);
    o.node_version = Some(node);
    let (_r, p) = progress();
    let report = outdated(ws.path(), &o, &p).unwrap();
    let rows = &report.dependencies;

    let recorded: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(project.join("npm-outdated.json")).unwrap()).unwrap();
    assert_eq!(recorded.len(), 7, "the recording lists every dependency");
    let lock: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("package-lock.json")).unwrap()).unwrap();
    for (name, npm) in &recorded {
        let row = find(rows, name);
        assert_eq!(row.ecosystem, Ecosystem::Npm);
        assert_eq!(row.manifest, "package.json");
        assert_eq!(
            row.wanted.as_deref(),
            npm["wanted"].as_str(),
            "wanted of {name}: {row:?} {:?}",
            reg.requests()
        );
        assert_eq!(row.latest.as_deref(), npm["latest"].as_str(), "latest of {name}");
        let locked = lock["packages"][format!("node_modules/{name}")]["version"].as_str();
        assert_eq!(row.current.as_deref(), locked, "current of {name}");
        assert!(row.error.is_none(), "{row:?}");
    }
    // chalk ^4 is locked at 4.x while 5.x is out; ms ~0.7 against 2.x.
    assert_eq!(find(rows, "chalk").class, Some(Class::Major));
    assert_eq!(find(rows, "ms").class, Some(Class::Major));
    // left-pad: latest is what is locked.
    let lp = find(rows, "left-pad");
    assert_eq!(lp.current, lp.latest);
    assert_eq!(lp.class, None);
    // Release dates and links come from the packument.
    let chalk = find(rows, "chalk");
    assert!(
        chalk.released.as_deref().is_some_and(|d| d.starts_with("20")),
        "{chalk:?}"
    );
    assert_eq!(
        chalk.release_notes.as_deref(),
        Some("https://github.com/chalk/chalk/releases")
    );
    // The scoped package was asked for as @scope%2fname.
    assert!(
        reg.requests().iter().any(|s| s.url == "/npm/@sindresorhus%2fis"),
        "{:?}",
        reg.requests()
    );
}

#[test]
fn npm_specs_npm_does_not_check_are_listed_without_a_request() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "package.json",
        r#"{"workspaces":["packages/*"],"dependencies":{"local":"file:../local","ws":"workspace:*","gh":"github:a/b","ms":"latest","debug":"next"}}"#,
    );
    write(
        ws.path(),
        "packages/a/package.json",
        r#"{"name":"a","devDependencies":{"semver":"^7.0.0"}}"#,
    );
    write(
        ws.path(),
        "package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"node_modules/semver":{"version":"7.6.0"},
            "packages/a/node_modules/semver":{"version":"7.1.0"},"node_modules/ms":{"version":"2.1.2"}}}"#,
    );
    write(home.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[]), &p)
        .unwrap()
        .dependencies;
    for name in ["local", "ws", "gh"] {
        let r = find(rows.as_slice(), name);
        assert_eq!(
            (r.wanted.as_ref(), r.latest.as_ref(), r.error.as_ref()),
            (None, None, None)
        );
    }
    let tags: Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("npm/ms.json")).unwrap()).unwrap();
    assert_eq!(
        find(&rows, "ms").wanted.as_deref(),
        tags["dist-tags"]["latest"].as_str()
    );
    // A tag the package does not have: nothing is wanted, npm errors the same way.
    assert_eq!(find(&rows, "debug").wanted, None);
    let semver = find(&rows, "semver");
    assert_eq!(semver.manifest, "packages/a/package.json");
    assert_eq!(semver.kind, "devDependencies");
    assert_eq!(
        semver.current.as_deref(),
        Some("7.1.0"),
        "the member's own copy, not the hoisted one"
    );
    assert_eq!(find(&rows, "ms").current.as_deref(), Some("2.1.2"));
    assert!(semver.wanted.as_deref().unwrap().starts_with("7."));
    // The user's ~/.npmrc was honoured, and nothing was asked for the non-registry specs.
    assert!(reg
        .requests()
        .iter()
        .all(|s| s.url.starts_with("/npm/") && !s.url.contains("local")));
}

#[test]
fn cargo_reads_the_sparse_index_the_config_points_at() {
    let reg = start(|u, _| {
        if u == "/index/ya/nk/yanky" {
            // The highest 1.x is yanked: neither wanted nor latest.
            let lines = r#"{"name":"yanky","vers":"1.0.0","deps":[],"cksum":"00","features":{},"yanked":false}
{"name":"yanky","vers":"1.1.0","deps":[],"cksum":"00","features":{},"yanked":false}
{"name":"yanky","vers":"1.2.0","deps":[],"cksum":"00","features":{},"yanked":true}
{"name":"yanky","vers":"2.0.0-rc.1","deps":[],"cksum":"00","features":{},"yanked":false}"#;
            return server::Answer::ok("text/plain", lines.into());
        }
        server::cargo_answer(u)
    });
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\nsemver = \"1.0.0\"\n",
    );
    write(
        ws.path(),
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nsemver.workspace = true\nitoa = \"0.4\"\n\
         rand = { version = \"0.7\", features = [\"small_rng\"] }\nb64 = { package = \"base64\", version = \"0.13\" }\n\
         yanky = \"1\"\nlocal = { path = \"../local\" }\ncorp = { version = \"1\", registry = \"corp\" }\n\
         old = { version = \"1\", registry = \"old\" }\n\n[target.'cfg(unix)'.dev-dependencies]\nanyhow = \"1.0.40\"\n",
    );
    write(
        ws.path(),
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"0.4.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"itoa\"\nversion = \"1.0.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"rand\"\nversion = \"0.7.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    write(
        ws.path(),
        ".cargo/config.toml",
        &format!("[source.crates-io]\nreplace-with = \"mirror\"\n\n[source.mirror]\nregistry = \"sparse+{b}/index/\"\n\
             [registries.corp]\nindex = \"sparse+{b}/index/\"\n[registries.old]\nindex = \"https://github.com/corp/index\"\n",
            b = reg.base
        ),
    );
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[]), &p)
        .unwrap()
        .dependencies;
    assert_eq!(rows.len(), 8, "{rows:#?}");
    let code = |name: &str| find(&rows, name).error.as_ref().map(|e| e.code.clone());
    assert_eq!(code("corp").as_deref(), Some("dependencies.not_found"));
    assert_eq!(code("old").as_deref(), Some("dependencies.unsupported_index"));
    let index = |name: &str| -> Vec<(semver::Version, bool)> {
        std::fs::read_to_string(fixtures().join("crates").join(name))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    semver::Version::parse(v["vers"].as_str().unwrap()).unwrap(),
                    v["yanked"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let highest = |name: &str, req: &str| {
        let req = semver::VersionReq::parse(req).unwrap();
        index(name)
            .into_iter()
            .filter(|(v, y)| !y && req.matches(v))
            .map(|(v, _)| v)
            .max()
            .unwrap()
            .to_string()
    };
    let newest = |name: &str| {
        index(name)
            .into_iter()
            .filter(|(v, y)| !y && v.pre.is_empty())
            .map(|(v, _)| v)
            .max()
            .unwrap()
            .to_string()
    };
    let itoa = find(&rows, "itoa");
    assert_eq!(
        itoa.current.as_deref(),
        Some("0.4.1"),
        "the lock's 0.4 line, not its 1.x"
    );
    assert_eq!(itoa.wanted, Some(highest("itoa", "0.4")));
    assert_eq!(itoa.latest, Some(newest("itoa")));
    assert_eq!(itoa.class, Some(Class::Major));
    let rand = find(&rows, "rand");
    assert_eq!(rand.current.as_deref(), Some("0.7.3"));
    assert_eq!(rand.class, Some(Class::Major), "0.7 → 0.x later is major");
    let b64 = find(&rows, "base64");
    assert_eq!(b64.wanted, Some(highest("base64", "0.13")));
    assert_eq!(b64.current, None);
    let semver_row = find(&rows, "semver");
    assert_eq!(semver_row.requirement, "1.0.0");
    assert_eq!(semver_row.latest, Some(newest("semver")), "{semver_row:?}");
    assert_eq!(find(&rows, "anyhow").kind, "dev-dependencies");
    let yanky = find(&rows, "yanky");
    assert_eq!(
        (yanky.wanted.as_deref(), yanky.latest.as_deref()),
        (Some("1.1.0"), Some("1.1.0"))
    );
    assert_eq!(
        yanky.class,
        Some(Class::Minor),
        "from the requirement's base 1.0.0"
    );
    assert!(reg.requests().iter().any(|s| s.url == "/index/ra/nd/rand"));
    assert!(
        reg.requests().iter().any(|s| s.url == "/index/co/rp/corp"),
        "the named registry's index"
    );
    assert!(reg.requests().iter().all(|s| !s.url.contains("local")));
}

fn pip_latest() -> BTreeMap<String, String> {
    std::fs::read_to_string(fixtures().join("pip-index.txt"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(" (")?;
            Some((name.to_string(), rest.trim_end_matches(')').to_string()))
        })
        .collect()
}

#[test]
fn pypi_latest_is_what_pip_index_versions_printed() {
    let reg = start(|u, _| server::pypi_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"0\"\ndependencies = [\"packaging>=20\", \"IDNA<3 ; python_version >= '3'\", \"attrs\", \"urllib3[socks]>=1.26,<2\"]\n\
         [project.optional-dependencies]\ncompat = [\"six\"]\n",
    );
    write(
        ws.path(),
        "uv.lock",
        "version = 1\n\n[[package]]\nname = \"packaging\"\nversion = \"23.2\"\n\n[[package]]\nname = \"idna\"\nversion = \"2.10\"\n",
    );
    let index = format!("{}/simple/", reg.base);
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[("PIP_INDEX_URL", &index)]), &p)
        .unwrap()
        .dependencies;
    let pip = pip_latest();
    assert_eq!(pip.len(), 5);
    for (name, latest) in &pip {
        let r = find(&rows, name);
        assert_eq!(r.latest.as_ref(), Some(latest), "latest of {name}: {r:?}");
        assert!(r.error.is_none());
    }
    let packaging = find(&rows, "packaging");
    assert_eq!(packaging.current.as_deref(), Some("23.2"));
    assert_eq!(packaging.wanted, packaging.latest);
    assert_eq!(packaging.class, Some(Class::Major));
    let idna = find(&rows, "idna");
    assert_eq!(idna.wanted.as_deref(), Some("2.10"), "the highest 2.x");
    let urllib3 = find(&rows, "urllib3");
    assert!(
        urllib3.wanted.as_deref().unwrap().starts_with("1.26."),
        "{urllib3:?}"
    );
    assert!(urllib3.released.is_some(), "PEP 700 upload-time");
    assert_eq!(find(&rows, "six").kind, "optional:compat");
    assert!(reg.requests().iter().all(|s| s
        .accept
        .as_deref()
        .unwrap_or("")
        .starts_with("application/vnd.pypi.simple.v1+json")));
}

#[test]
fn pypi_html_only_index_and_requirements_pins() {
    let reg = start(|u, _| server::pypi_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "requirements.txt",
        "# pinned\nsix==1.15.0\n-r other.txt\nhttps://x/y.whl\n",
    );
    write(
        home.path(),
        ".config/pip/pip.conf",
        &format!("[global]\nindex-url = {}/html/\n", reg.base),
    );
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[]), &p)
        .unwrap()
        .dependencies;
    assert_eq!(rows.len(), 1);
    let six = &rows[0];
    assert_eq!(six.current.as_deref(), Some("1.15.0"));
    assert_eq!(six.latest.as_ref(), pip_latest().get("six"));
    assert_eq!(six.class, Some(Class::Minor));
    assert_eq!(reg.requests()[0].url, "/html/six/");
}

#[test]
fn answers_are_cached_and_revalidated() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "package.json",
        r#"{"dependencies":{"ms":"^2.0.0","debug":"^4.0.0"}}"#,
    );
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let mut o = opts(home.path(), &[]);
    o.cache_dir = Some(cache.path().to_path_buf());
    let (_r, p) = progress();
    let first = outdated(ws.path(), &o, &p).unwrap();
    assert!(reg.requests().iter().all(|s| s.if_none_match.is_none()));
    let second = outdated(ws.path(), &o, &p).unwrap();
    assert_eq!(first, second);
    let seen = reg.requests();
    assert_eq!(seen.len(), 4);
    assert!(seen[2..].iter().all(|s| s.if_none_match.is_some()), "{seen:?}");
}

#[test]
fn a_cancelled_job_stops() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(ws.path(), "package.json", r#"{"dependencies":{"ms":"^2.0.0"}}"#);
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let (cancel, p) = progress();
    cancel.cancel();
    let err = outdated(ws.path(), &opts(home.path(), &[]), &p).unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
}

#[test]
fn poetry_constraints_and_poetry_lock() {
    let reg = start(|u, _| server::pypi_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        "svc/pyproject.toml",
        "[tool.poetry]\nname = \"svc\"\n[tool.poetry.dependencies]\npython = \"^3.9\"\npackaging = \"^21.0\"\n\
         attrs = { version = \"~22.1\", extras = [\"tests\"] }\nlocal = { path = \"../local\" }\n\
         [tool.poetry.group.dev.dependencies]\nidna = \"*\"\n",
    );
    write(
        ws.path(),
        "svc/poetry.lock",
        "[[package]]\nname = \"packaging\"\nversion = \"21.0\"\n",
    );
    write(ws.path(), "pip.conf", "");
    let index = format!("{}/simple/", reg.base);
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[("PIP_INDEX_URL", &index)]), &p)
        .unwrap()
        .dependencies;
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let packaging = find(&rows, "packaging");
    assert_eq!(packaging.requirement, ">=21.0,<22");
    assert_eq!(packaging.current.as_deref(), Some("21.0"));
    assert_eq!(packaging.wanted.as_deref(), Some("21.3"));
    let attrs = find(&rows, "attrs");
    assert!(attrs.wanted.as_deref().unwrap().starts_with("22.1"), "{attrs:?}");
    assert_eq!(find(&rows, "idna").kind, "group:dev");
    assert_eq!(find(&rows, "idna").wanted, find(&rows, "idna").latest);
}

#[test]
fn pnpm_lockfile_gives_the_current_versions() {
    let reg = start(|u, _| server::npm_answer(u));
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let project = fixtures().join("pnpm-project");
    for f in ["package.json", "pnpm-lock.yaml"] {
        std::fs::copy(project.join(f), ws.path().join(f)).unwrap();
    }
    write(ws.path(), ".npmrc", &format!("registry={}/npm/\n", reg.base));
    let (_r, p) = progress();
    let rows = outdated(ws.path(), &opts(home.path(), &[]), &p)
        .unwrap()
        .dependencies;
    let npm_lock: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("npm-project/package-lock.json")).unwrap(),
    )
    .unwrap();
    let pnpm_lock = std::fs::read_to_string(project.join("pnpm-lock.yaml")).unwrap();
    assert_eq!(rows.len(), 7);
    for r in &rows {
        // pnpm and npm resolved the same registry data to the same versions.
        let npm = npm_lock["packages"][format!("node_modules/{}", r.name)]["version"].as_str();
        assert_eq!(r.current.as_deref(), npm, "{r:?}");
        let current = r.current.as_deref().unwrap();
        assert!(pnpm_lock.contains(&format!("version: {current}")), "{r:?}");
    }
}
