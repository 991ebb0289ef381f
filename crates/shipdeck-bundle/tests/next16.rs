//! A real Next.js 16 build (Turbopack): no Size column is printed; the
//! figures are `.next/diagnostics/route-bundle-stats.json`'s, plus gzip.

mod next_fixture;

use std::collections::BTreeMap;
use std::path::Path;

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_bundle::next::{self, NextBuild};
use shipdeck_bundle::{detect, gzip};

fn read(project: &Path) -> NextBuild {
    let root = project.canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    let node = gzip::find_node();
    next::read(
        &root,
        &found,
        node.as_deref(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap()
}

#[derive(serde::Deserialize)]
struct Stat {
    route: String,
    #[serde(rename = "firstLoadUncompressedJsBytes")]
    bytes: u64,
    #[serde(rename = "firstLoadChunkPaths")]
    paths: Vec<String>,
}

#[test]
fn next16_figures_are_route_bundle_stats_plus_gzip_of_its_chunks() {
    let (project, printed) = next_fixture::built("next16");
    let stats: Vec<Stat> = serde_json::from_slice(
        &std::fs::read(project.join(".next/diagnostics/route-bundle-stats.json")).unwrap(),
    )
    .unwrap();
    assert!(stats.len() >= 8);
    let b = read(&project);
    assert_eq!(b.report.version.as_deref(), Some("16.5.0"));
    assert!(b.report.warnings.is_empty(), "{:?}", b.report.warnings);
    let by: BTreeMap<&str, _> = b.report.routes.iter().map(|r| (r.route.as_str(), r)).collect();
    assert_eq!(by.len(), stats.len());
    // gzip of each chunk by Node, independently of Shipdeck.
    let script = "const fs=require('fs'),z=require('zlib');const o={};for(const f of JSON.parse(process.argv[1]))o[f]=z.gzipSync(fs.readFileSync(f),{level:9}).length;console.log(JSON.stringify(o))";
    let all: Vec<&String> = stats.iter().flat_map(|s| &s.paths).collect();
    let out = std::process::Command::new("node")
        .args(["-e", script, &serde_json::to_string(&all).unwrap()])
        .current_dir(&project)
        .output()
        .unwrap();
    let gz: BTreeMap<String, u64> = serde_json::from_slice(&out.stdout).unwrap();
    let (_, printed_rows) = (0, next_fixture::parse(&printed).0);
    for s in &stats {
        let r = by[s.route.as_str()];
        assert_eq!(r.first_load_js_bytes, s.bytes, "{}", s.route);
        let want: u64 = s.paths.iter().map(|p| gz[p]).sum();
        assert_eq!(r.first_load_js_gzip_bytes, want, "{}", s.route);
        let own: u64 = r
            .chunks
            .iter()
            .map(|c| b.report.chunks.iter().find(|x| &x.path == c).unwrap().bytes)
            .sum();
        assert_eq!(r.size_bytes, own);
        assert_eq!(
            r.first_load_js_bytes,
            b.report.shared.bytes + r.size_bytes,
            "{}",
            s.route
        );
        let row = printed_rows
            .iter()
            .find(|x| x.route == s.route)
            .unwrap_or_else(|| panic!("{} printed", s.route));
        assert_eq!(row.router, r.router, "{}", s.route);
        assert!(row.size.is_none(), "Next.js 16 prints no size");
    }
    assert_eq!(by["/heavy"].router, "pages");
    assert_eq!(by["/app-heavy"].router, "app");
    assert!(by["/app-heavy"].size_bytes > 60_000, "lodash is /app-heavy's own");
    assert_eq!(
        by["/dashboard/[slug]"].prerendered,
        ["/dashboard/alpha", "/dashboard/beta"]
    );
    assert!(!b.report.shared.chunks.is_empty());
    assert!(b.report.chunks.iter().all(|c| c.path.starts_with("static/")));
}
