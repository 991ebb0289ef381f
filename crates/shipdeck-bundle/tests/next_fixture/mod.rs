//! Real Next.js builds of the app in `tests/fixtures/next-app`, one per
//! Next.js major (`tests/fixtures/next15`, `next16`: package.json and
//! lockfile), installed with `npm ci` and built with `next build` once per
//! content hash under `$SHIPDECK_TOOLS` (default
//! `$HOME/.cache/shipdeck-tools/`), with what `next build` printed kept
//! beside it. npm must reach its registry the first time: when
//! it cannot, the test fails saying so.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

static BUILDING: Mutex<()> = Mutex::new(());

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn files(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, base, out);
        } else {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

fn node_version() -> String {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("the Next.js fixture needs Node.js (node on PATH): {e}"));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The built project for `major` (`next15`, `next16`) and what
/// `next build` printed.
pub fn built(major: &str) -> (PathBuf, String) {
    let _guard = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    let mut src = BTreeMap::new();
    files(
        &fixtures().join("next-app"),
        &fixtures().join("next-app"),
        &mut src,
    );
    files(&fixtures().join(major), &fixtures().join(major), &mut src);
    let mut h = Sha256::new();
    h.update(node_version());
    for (k, v) in &src {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v);
        h.update([0]);
    }
    let hash: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let tools = std::env::var_os("SHIPDECK_TOOLS").map_or_else(
        || {
            std::env::var_os("HOME")
                .map_or_else(std::env::temp_dir, PathBuf::from)
                .join(".cache/shipdeck-tools")
        },
        PathBuf::from,
    );
    let dir = tools.join(format!("next-fixture-{major}-{hash}"));
    let done = dir.join(".shipdeck-built");
    if !done.is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        for (k, v) in &src {
            let p = dir.join(k);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, v).unwrap();
        }
        let ci = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("the Next.js fixture needs npm on PATH: {e}"));
        assert!(
            ci.status.success(),
            "npm ci of the Next.js fixture failed (the npm registry must be reachable the first time; the build is cached after): {}",
            String::from_utf8_lossy(&ci.stderr)
        );
        let build = Command::new("node")
            .args(["node_modules/next/dist/bin/next", "build"])
            .current_dir(&dir)
            .env("NEXT_TELEMETRY_DISABLED", "1")
            .env("NO_COLOR", "1")
            .env_remove("FORCE_COLOR")
            .env_remove("__NEXT_PRIVATE_DETERMINISTIC_BUILD_OUTPUT")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&build.stdout).to_string();
        assert!(
            build.status.success(),
            "next build of the fixture failed: {printed}{}",
            String::from_utf8_lossy(&build.stderr)
        );
        std::fs::write(dir.join("build.log"), &printed).unwrap();
        std::fs::write(&done, "").unwrap();
    }
    let printed = std::fs::read_to_string(dir.join("build.log")).unwrap();
    (dir, printed)
}

/// One route row of `next build`'s table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub router: String,
    pub symbol: char,
    pub route: String,
    pub size: Option<String>,
    pub first_load: Option<String>,
    /// The prerendered paths listed under it, and the "[+N more paths]" count.
    pub paths: Vec<String>,
    pub more: usize,
}

/// The table `next build` printed: rows, and "First Load JS shared by
/// all" per router.
pub fn parse(printed: &str) -> (Vec<Row>, BTreeMap<String, String>) {
    let head = regex::Regex::new(r"^Route \((app|pages)\)").unwrap();
    let row =
        regex::Regex::new(r"^[┌├└─] (.) (/\S*)(?: \([^)]*\))?(?:\s+(\S+ [kMG]?B)\s+(\S+ [kMG]?B))?\s*$")
            .unwrap();
    let child = regex::Regex::new(r"^[│├ ] {1,3}[├└] (?:. )?(?:\[\+(\d+) more paths\]|(/\S*))").unwrap();
    let shared = regex::Regex::new(r"^\+ First Load JS shared by all\s+(\S+ [kMG]?B)").unwrap();
    let (mut rows, mut shared_by) = (Vec::<Row>::new(), BTreeMap::new());
    let mut router = String::new();
    for line in printed.lines() {
        if let Some(c) = head.captures(line) {
            router = c[1].to_string();
        } else if let Some(c) = row.captures(line) {
            rows.push(Row {
                router: router.clone(),
                symbol: c[1].chars().next().unwrap(),
                route: c[2].to_string(),
                size: c.get(3).map(|m| m.as_str().to_string()),
                first_load: c.get(4).map(|m| m.as_str().to_string()),
                paths: Vec::new(),
                more: 0,
            });
        } else if let Some(c) = child.captures(line) {
            if let Some(last) = rows.last_mut() {
                match (c.get(1), c.get(2)) {
                    (Some(n), _) => last.more = n.as_str().parse().unwrap(),
                    (_, Some(p)) => last.paths.push(p.as_str().to_string()),
                    _ => {}
                }
            }
        } else if let Some(c) = shared.captures(line) {
            shared_by.insert(router.clone(), c[1].to_string());
        }
    }
    (rows, shared_by)
}
