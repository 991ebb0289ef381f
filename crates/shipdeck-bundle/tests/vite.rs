//! A real Vite build of the vanilla app: each entry's figures equal the
//! files Vite wrote (and the sizes Vite printed), the packages behind the
//! bytes come from the source maps, `dupe` is found in two versions, and
//! budgets hold or fail.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{analyze_dir, file_len, vite_build, vite_printed, write_app};
use shipdeck_base::config::{BundleBudget, BundleConfig};
use shipdeck_bundle::BundleReport;

fn built() -> (tempfile::TempDir, String, BundleReport) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().canonicalize().unwrap();
    write_app(&root);
    // The project's own Vite, as an install would have it: its version is read.
    std::os::unix::fs::symlink(
        common::vite().parent().unwrap().parent().unwrap(),
        root.join("node_modules/vite"),
    )
    .unwrap();
    let printed = vite_build(&root);
    let report = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    (t, printed, report)
}

fn manifest(root: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(root.join("dist/.vite/manifest.json")).unwrap()).unwrap()
}

#[test]
fn vite_entries_equal_the_files_vite_wrote() {
    let (t, printed, r) = built();
    let root = t.path().canonicalize().unwrap();
    let dist = root.join("dist");
    let m = manifest(&root);
    let file = |k: &str| m[k]["file"].as_str().unwrap().to_string();
    let shared_key = m
        .as_object()
        .unwrap()
        .keys()
        .find(|k| k.starts_with("_shared"))
        .unwrap()
        .clone();
    let (main, about, shared) = (file("index.html"), file("about.html"), file(&shared_key));
    let css = m["index.html"]["css"][0].as_str().unwrap().to_string();
    let lazy = file("src/lazy.js");
    let len = |f: &str| file_len(&dist.join(f));

    assert_eq!(r.framework, "vite");
    let ui_vite: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::vite().parent().unwrap().join("../package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(r.version.as_deref(), ui_vite["version"].as_str());
    assert_eq!(r.dir, "dist");
    let routes: BTreeMap<&str, _> = r.routes.iter().map(|x| (x.route.as_str(), x)).collect();
    assert_eq!(
        routes.keys().copied().collect::<Vec<_>>(),
        ["about.html", "index.html"]
    );
    let index = routes["index.html"];
    assert_eq!(index.router, "entry");
    assert_eq!(index.first_load_js_bytes, len(&main) + len(&css) + len(&shared));
    assert_eq!(index.size_bytes, len(&main) + len(&css));
    assert_eq!(index.chunks, [main.clone(), css.clone()]);
    let about_r = routes["about.html"];
    assert_eq!(about_r.first_load_js_bytes, len(&about) + len(&shared));
    assert_eq!(about_r.size_bytes, len(&about));
    // The module both import is the one chunk every entry loads; the lazy
    // chunk is in the build but in no first load.
    assert_eq!(
        r.shared
            .chunks
            .iter()
            .map(|c| c.path.as_str())
            .collect::<Vec<_>>(),
        [shared.as_str()]
    );
    assert_eq!(r.shared.bytes, len(&shared));
    let lazy_chunk = r.chunks.iter().find(|c| c.path == lazy).expect("the lazy chunk");
    assert!(lazy_chunk.routes.is_empty());
    assert_eq!(lazy_chunk.bytes, len(&lazy));

    // What Vite printed for each file: kB truncated to two decimals; gzip
    // by its own compressor, within a hundredth of a kB.
    let shown = vite_printed(&printed);
    assert!(shown.len() >= 5, "{printed}");
    for (f, raw, gzip) in shown.iter().filter(|s| s.0.starts_with("assets/")) {
        let c = r
            .chunks
            .iter()
            .find(|c| &c.path == f)
            .unwrap_or_else(|| panic!("{f} not in the report"));
        let kb = c.bytes as f64 / 1000.0;
        assert!(
            kb - raw >= -1e-9 && kb - raw < 0.01,
            "{f}: {} bytes, Vite printed {raw} kB",
            c.bytes
        );
        let gz = c.gzip_bytes as f64 / 1000.0;
        assert!(
            (gz - gzip).abs() <= 0.02,
            "{f}: gzip {} bytes, Vite printed {gzip} kB",
            c.gzip_bytes
        );
    }
    let gz: u64 = [&main, &css, &shared]
        .iter()
        .map(|f| r.chunks.iter().find(|c| &&c.path == f).unwrap().gzip_bytes)
        .sum();
    assert_eq!(index.first_load_js_gzip_bytes, gz);
}

#[test]
fn source_maps_name_the_packages_and_the_duplicate_versions() {
    let (_t, _, r) = built();
    let dupe = r.packages.iter().find(|p| p.name == "dupe").expect("dupe");
    assert_eq!(dupe.versions, ["1.0.0", "2.0.0"]);
    assert_eq!(dupe.routes, 2);
    let other = r.packages.iter().find(|p| p.name == "other").expect("other");
    assert_eq!(other.versions, ["3.1.0"]);
    assert_eq!(other.routes, 1);
    assert!(r.packages.iter().all(|p| p.name != "(app)"));
    assert_eq!(r.duplicates.len(), 1, "{:?}", r.duplicates);
    assert_eq!(r.duplicates[0].name, "dupe");
    assert_eq!(r.duplicates[0].versions, ["1.0.0", "2.0.0"]);
    assert!(r.duplicates[0].wasted_bytes > 0 && r.duplicates[0].wasted_bytes < dupe.bytes);
    // Every JavaScript chunk's bytes are split among its sources, to the
    // byte (Vite writes no map for CSS: nothing to split).
    for c in r.chunks.iter().filter(|c| c.path.ends_with(".js")) {
        let sum: u64 = c.packages.iter().map(|p| p.bytes).sum();
        assert_eq!(sum, c.bytes, "{}: {:?}", c.path, c.packages);
    }
    let shared = &r.shared.chunks[0].path;
    let shared = r.chunks.iter().find(|c| &c.path == shared).unwrap();
    let names: Vec<&str> = shared.packages.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"dupe") && names.contains(&"(app)"), "{names:?}");
    let about = r.routes.iter().find(|x| x.route == "about.html").unwrap();
    let names: Vec<&str> = about.packages.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"dupe") && names.contains(&"other"), "{names:?}");
    let index = r.routes.iter().find(|x| x.route == "index.html").unwrap();
    assert!(index.packages.iter().all(|p| p.name != "other"));
}

fn budgets(entries: &[(&str, BundleBudget)]) -> BundleConfig {
    BundleConfig {
        dir: None,
        budgets: entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    }
}

#[test]
fn budgets_hold_by_route_or_glob_raw_or_gzip() {
    let (t, _, r) = built();
    let root = t.path().canonicalize().unwrap();
    let index = r.routes.iter().find(|x| x.route == "index.html").unwrap().clone();
    // Exactly at the limit passes; a byte under fails.
    let at = format!("{} B", index.first_load_js_gzip_bytes);
    let cfg = budgets(&[
        ("index.html", BundleBudget::Limit(at)),
        (
            "*.html",
            BundleBudget::Detailed {
                limit: format!("{} B", index.size_bytes - 1),
                compression: Some("raw".into()),
                metric: Some("size".into()),
            },
        ),
        ("/nowhere/**", BundleBudget::Limit("1 kB".into())),
    ]);
    let got = analyze_dir(&root, None, cfg).unwrap();
    assert!(!got.passed);
    let by: Vec<(&str, &str, bool)> = got
        .budgets
        .iter()
        .map(|b| (b.budget.as_str(), b.route.as_str(), b.passed))
        .collect();
    assert_eq!(
        by,
        [
            ("*.html", "about.html", true),
            ("*.html", "index.html", false),
            ("index.html", "index.html", true)
        ]
    );
    let over = got.budgets.iter().find(|b| !b.passed).unwrap();
    assert_eq!((over.metric.as_str(), over.compression.as_str()), ("size", "raw"));
    assert_eq!(over.actual_bytes, index.size_bytes);
    assert!(
        got.warnings.iter().any(|w| w.contains("/nowhere/**")),
        "{:?}",
        got.warnings
    );
    let ok = analyze_dir(
        &root,
        None,
        budgets(&[("*.html", BundleBudget::Limit("1.2 MB".into()))]),
    )
    .unwrap();
    assert!(ok.passed && ok.budgets.len() == 2);
    let e = analyze_dir(
        &root,
        None,
        budgets(&[("*.html", BundleBudget::Limit("lots".into()))]),
    )
    .unwrap_err();
    assert_eq!(e.payload().code, "bundle.bad_config");
    assert!(e.payload().hint.unwrap_or_default().contains("[bundle.budgets]"));
}
