//! The same vanilla app built by esbuild (metafile), webpack (stats) and
//! Rollup (visualizer raw data): entries, first loads and shared chunks
//! from each tool's own description, sizes from the files on disk, and
//! the packages behind them.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{analyze_dir, bundlers, file_len, run, write, write_app};
use shipdeck_base::config::BundleConfig;
use shipdeck_bundle::{BundleReport, RouteSize};

fn app() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().canonicalize().unwrap();
    write_app(&root);
    (t, root)
}

fn routes(r: &BundleReport) -> BTreeMap<&str, &RouteSize> {
    r.routes.iter().map(|x| (x.route.as_str(), x)).collect()
}

fn tool_version(name: &str) -> String {
    let p = bundlers().join(name).join("package.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    v["version"].as_str().unwrap().to_string()
}

#[test]
fn esbuild_metafile_entries_with_linked_source_maps() {
    let (_t, root) = app();
    let out = run(
        &root,
        Command::new(bundlers().join(".bin/esbuild")).args([
            "src/main.js",
            "src/about.js",
            "--bundle",
            "--splitting",
            "--format=esm",
            "--minify",
            "--sourcemap",
            "--outdir=dist",
            "--metafile=meta.json",
        ]),
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("meta.json")).unwrap()).unwrap();
    let outputs = meta["outputs"].as_object().unwrap();
    let chunk = outputs
        .keys()
        .find(|k| k.starts_with("dist/chunk-") && k.ends_with(".js"))
        .unwrap();
    let chunk = chunk.trim_start_matches("dist/").to_string();
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(r.framework, "esbuild");
    assert_eq!(r.dir, "dist");
    let len = |f: &str| file_len(&root.join("dist").join(f));
    let rs = routes(&r);
    // The dynamically imported module is esbuild's entry point, not a page.
    assert_eq!(
        rs.keys().copied().collect::<Vec<_>>(),
        ["src/about.js", "src/main.js"]
    );
    assert_eq!(
        rs["src/main.js"].first_load_js_bytes,
        len("main.js") + len(&chunk)
    );
    assert_eq!(rs["src/main.js"].size_bytes, len("main.js"));
    assert_eq!(
        rs["src/about.js"].first_load_js_bytes,
        len("about.js") + len(&chunk)
    );
    assert_eq!(r.shared.chunks[0].path, chunk);
    // esbuild's own printed sizes are the files' bytes.
    for name in ["main.js", "about.js"] {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("dist/{name} ")))
            .unwrap_or_else(|| panic!("{out}"));
        let printed = line.split_whitespace().nth(1).unwrap();
        assert_eq!(printed, format!("{}b", len(name)), "{line}");
    }
    // Linked maps (`//# sourceMappingURL=`) split the bytes by source.
    let dupe = r.packages.iter().find(|p| p.name == "dupe").expect("dupe");
    assert_eq!(dupe.versions, ["1.0.0", "2.0.0"]);
    assert_eq!(r.duplicates[0].name, "dupe");
    for c in r.chunks.iter().filter(|c| c.path.ends_with(".js")) {
        assert_eq!(
            c.packages.iter().map(|p| p.bytes).sum::<u64>(),
            c.bytes,
            "{}",
            c.path
        );
    }
}

#[test]
fn inline_source_maps_are_read_too() {
    let (_t, root) = app();
    run(
        &root,
        Command::new(bundlers().join(".bin/esbuild")).args([
            "src/about.js",
            "--bundle",
            "--format=esm",
            "--sourcemap=inline",
            "--outdir=dist",
            "--metafile=meta.json",
        ]),
    );
    // Without the metafile's module sizes, only the inline map can say.
    std::fs::write(
        root.join("meta.json"),
        r#"{"outputs":{"dist/about.js":{"entryPoint":"src/about.js","imports":[],"inputs":{}}}}"#,
    )
    .unwrap();
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let names: Vec<&str> = r.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"other") && names.contains(&"dupe"), "{names:?}");
    // about.js and the module it shares both bundle a `dupe`: two versions.
    assert_eq!(r.duplicates[0].versions, ["1.0.0", "2.0.0"]);
}

#[test]
fn esbuild_modules_name_the_packages_without_source_maps() {
    let (_t, root) = app();
    run(
        &root,
        Command::new(bundlers().join(".bin/esbuild")).args([
            "src/main.js",
            "src/about.js",
            "--bundle",
            "--splitting",
            "--format=esm",
            "--outdir=dist",
            "--metafile=meta.json",
        ]),
    );
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("meta.json")).unwrap()).unwrap();
    let want: u64 = meta["outputs"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|o| o["inputs"]["node_modules/dupe/index.js"]["bytesInOutput"].as_u64())
        .sum::<u64>()
        + meta["outputs"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|o| {
                o["inputs"]["node_modules/other/node_modules/dupe/index.js"]["bytesInOutput"].as_u64()
            })
            .sum::<u64>();
    let dupe = r.packages.iter().find(|p| p.name == "dupe").expect("dupe");
    assert_eq!(dupe.bytes, want);
    assert_eq!(r.duplicates.len(), 1);
}

#[test]
fn webpack_stats_entrypoints_and_modules() {
    let (_t, root) = app();
    write(
        &root,
        "webpack.config.cjs",
        r#"module.exports = {
  mode: "production",
  context: __dirname,
  entry: { main: "./src/main.js", about: "./src/about.js" },
  output: { path: __dirname + "/dist", filename: "[name].[contenthash:8].js", clean: true },
  devtool: "source-map",
  optimization: { splitChunks: { chunks: "all", minSize: 0 } },
};
"#,
    );
    let json = run(
        &root,
        Command::new(bundlers().join(".bin/webpack")).args(["--config", "webpack.config.cjs", "--json"]),
    );
    std::fs::write(root.join("stats.json"), json.trim_start_matches(|c| c != '{')).unwrap();
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("stats.json")).unwrap()).unwrap();
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(r.framework, "webpack");
    assert_eq!(r.version.as_deref(), Some(tool_version("webpack").as_str()));
    assert_eq!(r.dir, "dist");
    let rs = routes(&r);
    assert_eq!(rs.keys().copied().collect::<Vec<_>>(), ["about", "main"]);
    for (name, route) in &rs {
        let assets: Vec<String> = stats["entrypoints"][name]["assets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        let want: u64 = assets.iter().map(|a| file_len(&root.join("dist").join(a))).sum();
        assert_eq!(route.first_load_js_bytes, want, "{name}: {assets:?}");
    }
    // The split chunk both entries load is shared; the lazy one in neither.
    assert!(!r.shared.chunks.is_empty());
    assert!(r.chunks.iter().any(|c| c.routes.is_empty()), "{:?}", r.chunks);
    let dupe = r.packages.iter().find(|p| p.name == "dupe").expect("dupe");
    assert_eq!(dupe.versions, ["1.0.0", "2.0.0"]);
    assert_eq!(r.duplicates[0].name, "dupe");

    // Stats made on another machine name an output folder that is not
    // here: the assets are found in the stats file's `dist/`.
    let mut moved = stats.clone();
    moved["outputPath"] = "/ci/build/dist".into();
    std::fs::write(root.join("stats.json"), moved.to_string()).unwrap();
    let again = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(again.routes, r.routes);
    assert_eq!(again.dir, "dist");
}

#[test]
fn rollup_visualizer_raw_data_entries() {
    let (_t, root) = app();
    let n = bundlers();
    write(
        &root,
        "rollup.config.mjs",
        &format!(
            r#"import {{ nodeResolve }} from "{0}/@rollup/plugin-node-resolve/dist/es/index.js";
import {{ visualizer }} from "{0}/rollup-plugin-visualizer/dist/plugin/index.js";
export default {{
  input: {{ main: "src/main.js", about: "src/about.js" }},
  output: {{ dir: "dist", format: "es" }},
  plugins: [nodeResolve(), visualizer({{ template: "raw-data", filename: "dist/stats.json" }})],
}};
"#,
            n.display()
        ),
    );
    run(
        &root,
        Command::new(n.join(".bin/rollup")).args(["-c", "rollup.config.mjs"]),
    );
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(r.framework, "rollup");
    assert_eq!(r.version.as_deref(), Some(tool_version("rollup").as_str()));
    let rs = routes(&r);
    assert_eq!(
        rs.keys().copied().collect::<Vec<_>>(),
        ["src/about.js", "src/main.js"]
    );
    let shared = r.shared.chunks.iter().map(|c| c.path.clone()).collect::<Vec<_>>();
    assert_eq!(shared.len(), 1, "{:?}", r.chunks);
    assert!(shared[0].starts_with("shared-"));
    let len = |f: &str| file_len(&root.join("dist").join(f));
    assert_eq!(
        rs["src/main.js"].first_load_js_bytes,
        len("main.js") + len(&shared[0])
    );
    assert_eq!(rs["src/about.js"].size_bytes, len("about.js"));
    assert!(r
        .chunks
        .iter()
        .any(|c| c.path.starts_with("lazy-") && c.routes.is_empty()));
    assert_eq!(r.duplicates[0].name, "dupe");
    assert_eq!(r.duplicates[0].versions, ["1.0.0", "2.0.0"]);
}

#[test]
fn a_missing_build_names_the_folder_and_how_to_build() {
    let (_t, root) = app();
    let e = analyze_dir(&root, None, BundleConfig::default()).unwrap_err();
    assert_eq!(e.payload().code, "bundle.not_found");
    assert!(e.payload().hint.unwrap().contains("--dir"));
    let _ = Path::new("");
}

/// The Next.js reader fills `chunks` (paths relative to `.next`) and the
/// shared chunks; packages are attributed from the `.map` files beside
/// them the same way.
#[test]
fn packages_are_found_for_a_next_style_report_from_maps_beside_its_chunks() {
    use shipdeck_base::jobs::{CancellationToken, Progress};
    use shipdeck_bundle::{other::Modules, packages, Chunk, Shared, SharedChunk};

    let (_t, root) = app();
    run(
        &root,
        Command::new(bundlers().join(".bin/esbuild")).args([
            "src/main.js",
            "src/about.js",
            "--bundle",
            "--splitting",
            "--format=esm",
            "--sourcemap=external",
            "--outdir=.next/static/chunks",
        ]),
    );
    let chunk = |p: &str| Chunk {
        path: p.into(),
        bytes: file_len(&root.join(".next").join(p)),
        gzip_bytes: 0,
        routes: vec![],
        packages: vec![],
    };
    let shared = std::fs::read_dir(root.join(".next/static/chunks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("chunk-") && n.ends_with(".js"))
        .unwrap();
    let shared = format!("static/chunks/{shared}");
    let route = |name: &str, own: &str| RouteSize {
        route: name.into(),
        router: "pages".into(),
        first_load_js_bytes: 0,
        first_load_js_gzip_bytes: 0,
        size_bytes: 0,
        size_gzip_bytes: 0,
        chunks: vec![own.into()],
        packages: vec![],
        kind: None,
        prerendered: vec![],
    };
    let mut report = BundleReport {
        framework: "next".into(),
        version: None,
        routes: vec![
            route("/", "static/chunks/main.js"),
            route("/about", "static/chunks/about.js"),
        ],
        shared: Shared {
            bytes: 0,
            gzip_bytes: 0,
            chunks: vec![SharedChunk {
                path: shared.clone(),
                bytes: 0,
                gzip_bytes: 0,
            }],
        },
        dir: ".next".into(),
        chunks: vec![
            chunk("static/chunks/main.js"),
            chunk("static/chunks/about.js"),
            chunk(&shared),
        ],
        packages: vec![],
        duplicates: vec![],
        budgets: vec![],
        passed: true,
        warnings: vec![],
        base: None,
    };
    let progress = Progress::detached(CancellationToken::new());
    packages::attribute(
        &root,
        &root.join(".next"),
        &mut report,
        &Modules::default(),
        &progress,
    )
    .unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.duplicates[0].name, "dupe");
    let rs = routes(&report);
    let names = |r: &str| rs[r].packages.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert!(
        names("/about").contains(&"other".to_string()),
        "{:?}",
        names("/about")
    );
    assert!(names("/").contains(&"dupe".to_string()));
    assert!(!names("/").contains(&"other".to_string()));
}
