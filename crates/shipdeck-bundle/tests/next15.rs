//! A real Next.js 15 build (Pages and App Router, dynamic and SSG routes,
//! a shared component, pages importing lodash): Shipdeck's figures, printed
//! the way Next.js prints them, equal what `next build` printed.

mod next_fixture;

use std::collections::BTreeMap;
use std::path::Path;

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_bundle::next::{self, NextBuild};
use shipdeck_bundle::{detect, gzip, pretty_bytes};

fn read(project: &Path, node: bool) -> NextBuild {
    let root = project.canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    let node = if node { gzip::find_node() } else { None };
    next::read(
        &root,
        &found,
        node.as_deref(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap()
}

fn symbol(kind: Option<&str>) -> char {
    match kind {
        Some("static") => '○',
        Some("ssg") => '●',
        Some("dynamic") => 'ƒ',
        _ => ' ',
    }
}

#[test]
fn next15_sizes_equal_what_next_build_printed_for_every_route() {
    let (project, printed) = next_fixture::built("next15");
    let (rows, shared) = next_fixture::parse(&printed);
    assert!(rows.len() >= 10, "table not found in:\n{printed}");
    let b = read(&project, true);
    assert_eq!(b.report.framework, "next");
    assert_eq!(b.report.version.as_deref(), Some("15.5.29"));
    let ours: Vec<(String, String)> = b
        .report
        .routes
        .iter()
        .map(|r| (r.router.clone(), r.route.clone()))
        .collect();
    let theirs: Vec<(String, String)> = rows.iter().map(|r| (r.router.clone(), r.route.clone())).collect();
    assert_eq!(ours, theirs, "the same routes, in the same order");
    for (row, r) in rows.iter().zip(&b.report.routes) {
        let what = format!("{} ({})", r.route, r.router);
        assert_eq!(
            row.size.as_deref(),
            Some(pretty_bytes(r.size_gzip_bytes).as_str()),
            "Size of {what}"
        );
        assert_eq!(
            row.first_load.as_deref(),
            Some(pretty_bytes(r.first_load_js_gzip_bytes).as_str()),
            "First Load JS of {what}"
        );
        assert_eq!(row.symbol, symbol(r.kind.as_deref()), "mark of {what}");
        assert!(r.first_load_js_bytes > r.first_load_js_gzip_bytes, "{what}");
        for p in &row.paths {
            assert!(r.prerendered.contains(p), "{what} prerenders {p}");
        }
        assert_eq!(row.paths.len() + row.more, r.prerendered.len(), "paths of {what}");
    }
    let app = b.shared_app.as_ref().unwrap();
    let pages = b.shared_pages.as_ref().unwrap();
    assert_eq!(
        shared.get("app").map(String::as_str),
        Some(pretty_bytes(app.gzip_bytes).as_str())
    );
    assert_eq!(
        shared.get("pages").map(String::as_str),
        Some(pretty_bytes(pages.gzip_bytes).as_str())
    );
    assert_eq!(
        b.report.shared, *app,
        "the report's shared chunks are the App Router's"
    );
    // The pages router's shared set holds the global CSS of the custom _app.
    assert!(pages.chunks.iter().any(|c| c.path.ends_with(".css")));
    assert!(b.report.warnings.is_empty(), "{:?}", b.report.warnings);
}

#[test]
fn next15_large_dependency_shows_in_the_routes_own_size_not_in_shared() {
    let (project, _) = next_fixture::built("next15");
    let b = read(&project, true);
    let by: BTreeMap<&str, _> = b.report.routes.iter().map(|r| (r.route.as_str(), r)).collect();
    for heavy in ["/heavy", "/app-heavy"] {
        let r = by[heavy];
        assert!(
            r.size_gzip_bytes > 20_000,
            "{heavy}: lodash is its own: {}",
            r.size_gzip_bytes
        );
        for c in &r.chunks {
            assert!(!b.report.shared.chunks.iter().any(|s| &s.path == c));
            let chunk = b.report.chunks.iter().find(|x| &x.path == c).unwrap();
            assert_eq!(chunk.routes, [heavy]);
        }
    }
    assert_eq!(by["/_app"].size_bytes, 0);
    // /about's First Load = shared JavaScript (no CSS) + its own page.
    let shared_js: u64 = b
        .shared_pages
        .as_ref()
        .unwrap()
        .chunks
        .iter()
        .filter(|c| c.path.ends_with(".js"))
        .map(|c| c.bytes)
        .sum();
    assert_eq!(
        by["/about"].first_load_js_bytes,
        shared_js + by["/about"].size_bytes
    );
    // Every chunk is relative to .next and measured; the framework chunk
    // is loaded by every Pages Router route.
    assert!(b
        .report
        .chunks
        .iter()
        .all(|c| c.path.starts_with("static/") && c.bytes > 0));
    let framework = b
        .report
        .chunks
        .iter()
        .find(|c| c.path.contains("/framework-"))
        .unwrap();
    assert!(
        framework.routes.contains(&"/about".to_string())
            && framework.routes.contains(&"/posts/[id]".to_string())
    );
    let sizes: Vec<u64> = b.report.chunks.iter().map(|c| c.bytes).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
}

/// Node's own gzip (what gzip-size, inside Next.js, computes) per chunk.
fn node_gzip(project: &Path) -> BTreeMap<String, u64> {
    let script = r"
const fs = require('fs'), path = require('path');
const gz = require(path.resolve('node_modules/next/dist/compiled/gzip-size'));
const out = {};
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/\.(js|css)$/.test(e.name)) out[path.relative('.next', p)] = gz.fileSync(p); } };
walk('.next/static');
console.log(JSON.stringify(out));
";
    let out = std::process::Command::new("node")
        .args(["-e", script])
        .current_dir(project)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn gzip_sizes_equal_gzip_size_byte_for_byte_and_the_builtin_fallback_says_it_differs() {
    let (project, _) = next_fixture::built("next15");
    let theirs = node_gzip(&project);
    assert!(theirs.len() > 10);
    let b = read(&project, true);
    let ours: BTreeMap<String, u64> = b
        .report
        .chunks
        .iter()
        .map(|c| (c.path.clone(), c.gzip_bytes))
        .collect();
    assert_eq!(ours, theirs);
    // Without Node, flate2's figures are close but not equal, and the
    // report says so.
    let f = read(&project, false);
    assert!(f.report.warnings.iter().any(|w| w.contains("without Node.js")));
    let mut differ = 0;
    for c in &f.report.chunks {
        let t = theirs[&c.path] as f64;
        assert!(
            (c.gzip_bytes as f64 - t).abs() <= t * 0.01 + 16.0,
            "{}: {} vs {t}",
            c.path,
            c.gzip_bytes
        );
        differ += usize::from(c.gzip_bytes as f64 != t);
    }
    assert!(differ > 0, "flate2 and Node's zlib differ on a real build");
}

#[test]
fn pretty_bytes_equals_next_pretty_bytes_over_a_range() {
    let (project, _) = next_fixture::built("next15");
    let script = r"
const p = require(require('path').resolve('node_modules/next/dist/lib/pretty-bytes')).default;
const out = [];
for (let n = 0; n < 3000; n++) out.push(p(n));
for (let n = 94000; n < 106000; n += 7) out.push(p(n));
for (let n = 999000; n < 1001000; n += 13) out.push(p(n));
console.log(JSON.stringify(out));
";
    let out = std::process::Command::new("node")
        .args(["-e", script])
        .current_dir(&project)
        .output()
        .unwrap();
    let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let ns = (0..3000u64)
        .chain((94_000..106_000).step_by(7))
        .chain((999_000..1_001_000).step_by(13));
    let ours: Vec<String> = ns.map(pretty_bytes).collect();
    assert_eq!(ours, theirs);
}
