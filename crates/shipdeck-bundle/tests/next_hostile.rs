//! `.next` folders written by hand: manifests naming files outside the
//! build, missing chunks, links out, huge or malformed manifests, names
//! that are not UTF-8. Typed errors or warnings, never a panic, never a
//! read outside the build folder.

use std::path::Path;

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_bundle::next::{self, NextBuild};
use shipdeck_bundle::{analyze, detect, AnalyzeOptions};

fn write(root: &Path, rel: &str, data: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn read(root: &Path) -> shipdeck_base::error::Result<NextBuild> {
    let root = root.canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    next::read(&root, &found, None, &Progress::detached(CancellationToken::new()))
}

fn base(root: &Path, pages: &str) {
    write(root, ".next/BUILD_ID", "x");
    write(
        root,
        ".next/build-manifest.json",
        format!(r#"{{"pages": {pages}}}"#),
    );
    write(
        root,
        ".next/static/chunks/main.js",
        "console.log('main');".repeat(50),
    );
    write(
        root,
        ".next/static/chunks/pages/a.js",
        "export const a = 1;".repeat(20),
    );
}

#[test]
fn manifest_paths_leaving_the_build_folder_are_refused_and_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.js");
    std::fs::write(&secret, "x".repeat(10_000)).unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js", "../secret.js", "../../../../etc/passwd.js", "/etc/passwd.js", "static/chunks/link.js"]}"#,
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.path().join(".next/static/chunks/link.js")).unwrap();
    let b = read(dir.path()).unwrap();
    let a = b.report.routes.iter().find(|r| r.route == "/a").unwrap();
    assert_eq!(
        a.first_load_js_bytes,
        20 * 19 + 50 * 20,
        "only the files inside .next count"
    );
    assert!(b
        .report
        .chunks
        .iter()
        .all(|c| !c.path.contains("..") && !c.path.contains("etc")));
    assert!(
        b.report.chunks.iter().all(|c| c.bytes < 10_000),
        "the linked secret is not measured"
    );
    let w = b.report.warnings.join("\n");
    assert!(w.contains("../secret.js: leaves the build folder"), "{w}");
    assert!(w.contains("/etc/passwd.js: leaves the build folder"), "{w}");
    #[cfg(unix)]
    assert!(
        w.contains("static/chunks/link.js: leaves the build folder (through a link)"),
        "{w}"
    );
}

#[test]
fn a_missing_chunk_is_a_warning_and_the_route_still_listed() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/_error": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js", "static/chunks/gone.js"]}"#,
    );
    let b = read(dir.path()).unwrap();
    let routes: Vec<&str> = b.report.routes.iter().map(|r| r.route.as_str()).collect();
    // No custom _app in the project, no app router: /404 is _error's.
    assert_eq!(routes, ["/404", "/a"]);
    let a = &b.report.routes[1];
    assert_eq!(a.size_bytes, 20 * 19);
    let w = b.report.warnings.join("\n");
    assert!(w.contains("static/chunks/gone.js: is missing"), "{w}");
    assert!(
        w.contains("/a (pages): some of its files could not be measured"),
        "{w}"
    );
}

#[test]
fn a_huge_manifest_is_refused_with_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "{}");
    let f = std::fs::File::create(dir.path().join(".next/build-manifest.json")).unwrap();
    f.set_len(1 << 30).unwrap();
    let e = read(dir.path()).unwrap_err();
    assert_eq!(e.payload().code, "bundle.too_large");
}

#[test]
fn malformed_and_non_utf8_manifests_are_typed_errors() {
    for body in [
        &b"{\"pages\": {\"/a\": \"static/x.js\"}}"[..],
        b"{\"pages\": {\"/\xff\xfe\": []}}",
        b"\xff\xfe\x00",
        b"[1,2",
    ] {
        let dir = tempfile::tempdir().unwrap();
        base(dir.path(), "{}");
        write(dir.path(), ".next/build-manifest.json", body);
        let e = read(dir.path()).unwrap_err();
        assert_eq!(
            e.payload().code,
            "bundle.bad_output",
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(e.to_string().contains("build-manifest.json"));
    }
}

#[test]
fn a_manifest_with_too_many_routes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let many: Vec<String> = (0..100_001).map(|i| format!("\"/p{i}\": []")).collect();
    base(dir.path(), &format!("{{{}}}", many.join(",")));
    let e = read(dir.path()).unwrap_err();
    assert_eq!(e.payload().code, "bundle.bad_output");
    assert!(e.to_string().contains("more than 100000 entries"), "{e}");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_skipped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js"]}"#,
    );
    let name = std::ffi::OsStr::from_bytes(b"static/chunks/\xff\xfe.js");
    std::fs::write(dir.path().join(".next").join(name), "x").unwrap();
    let b = read(dir.path()).unwrap();
    assert_eq!(b.report.chunks.len(), 2);
    assert!(
        b.report.warnings.iter().any(|w| w.contains("not UTF-8")),
        "{:?}",
        b.report.warnings
    );
}

#[test]
fn route_bundle_stats_paths_leaving_the_build_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), r#"{"/_app": ["static/chunks/main.js"]}"#);
    write(
        dir.path(),
        ".next/diagnostics/route-bundle-stats.json",
        r#"[{"route": "/a", "firstLoadUncompressedJsBytes": 1430, "firstLoadChunkPaths": [".next/static/chunks/main.js", ".next/static/chunks/pages/a.js", ".next/../../etc/passwd", "/etc/shadow"]}]"#,
    );
    let b = read(dir.path()).unwrap();
    assert_eq!(b.report.routes.len(), 1);
    let r = &b.report.routes[0];
    assert_eq!(r.first_load_js_bytes, 1430);
    assert!(r.first_load_js_gzip_bytes > 0);
    let w = b.report.warnings.join("\n");
    assert!(w.contains("../../etc/passwd: leaves the build folder"), "{w}");
    assert!(w.contains("/etc/shadow: leaves the build folder"), "{w}");
}

#[test]
fn app_router_keys_colliding_after_normalization_take_the_later_files() {
    // `/(shop)/cart/page` and `/cart/page` are both `/cart`; Next.js keeps
    // the later entry's files for the route, and recounts the shared set
    // after the merge.
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), r#"{"/_app": [], "/_error": []}"#);
    write(dir.path(), ".next/static/chunks/app/cart-a.js", "a".repeat(300));
    write(dir.path(), ".next/static/chunks/app/cart-b.js", "b".repeat(700));
    write(
        dir.path(),
        ".next/app-build-manifest.json",
        r#"{"pages": {"/(shop)/cart/page": ["static/chunks/main.js", "static/chunks/app/cart-a.js"], "/_not-found/page": ["static/chunks/main.js"], "/cart/page": ["static/chunks/main.js", "static/chunks/app/cart-b.js"]}}"#,
    );
    write(
        dir.path(),
        ".next/app-path-routes-manifest.json",
        r#"{"/(shop)/cart/page": "/cart", "/_not-found/page": "/_not-found", "/favicon.ico/route": "/favicon.ico"}"#,
    );
    let b = read(dir.path()).unwrap();
    let routes: Vec<(&str, &str)> = b
        .report
        .routes
        .iter()
        .map(|r| (r.router.as_str(), r.route.as_str()))
        .collect();
    assert_eq!(
        routes,
        [("app", "/_not-found"), ("app", "/cart")],
        "favicon and the pages router's lone _error are not listed"
    );
    let cart = &b.report.routes[1];
    assert_eq!(cart.chunks, ["static/chunks/app/cart-b.js"]);
    assert_eq!(cart.size_bytes, 700);
    assert_eq!(b.report.shared.bytes, 50 * 20);
}

#[test]
fn analyze_finds_the_build_from_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js"]}"#,
    );
    write(
        dir.path(),
        "node_modules/next/package.json",
        r#"{"name": "next", "version": "14.2.3"}"#,
    );
    let r = analyze(
        dir.path(),
        &AnalyzeOptions::default(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap();
    assert_eq!(r.framework, "next");
    assert_eq!(r.version.as_deref(), Some("14.2.3"));
    assert_eq!(r.dir, ".next");
}

#[cfg(unix)]
#[test]
fn a_file_name_with_a_newline_is_refused_and_shifts_no_gzip_figure() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js", "static/chunks/x\nstatic/chunks/main.js"]}"#,
    );
    write(dir.path(), ".next/static/chunks/aa\nbb.js", "zzzz");
    let root = dir.path().canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    let node = shipdeck_bundle::gzip::find_node().expect("node on PATH");
    let b = next::read(
        &root,
        &found,
        Some(&node),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap();
    let with = |p: &str| b.report.chunks.iter().find(|c| c.path == p).unwrap().gzip_bytes;
    for f in ["static/chunks/main.js", "static/chunks/pages/a.js"] {
        let out = std::process::Command::new(&node)
            .args(["-e", "process.stdout.write(String(require('zlib').gzipSync(require('fs').readFileSync(process.argv[1]), {level: 9}).length))"])
            .arg(root.join(".next").join(f))
            .output()
            .unwrap();
        assert_eq!(with(f).to_string(), String::from_utf8_lossy(&out.stdout), "{f}");
    }
    assert_eq!(b.report.chunks.len(), 2);
    assert!(
        b.report
            .warnings
            .iter()
            .any(|w| w.contains("has control characters")),
        "{:?}",
        b.report.warnings
    );
}

#[test]
fn a_node_that_cannot_run_falls_back_to_builtin_gzip_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js"]}"#,
    );
    let root = dir.path().canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    let nowhere = root.join("no-such-node");
    let b = next::read(
        &root,
        &found,
        Some(&nowhere),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap();
    let main = b
        .report
        .chunks
        .iter()
        .find(|c| c.path == "static/chunks/main.js")
        .unwrap();
    assert_eq!(
        main.gzip_bytes,
        shipdeck_bundle::gzip::gzip_len("console.log('main');".repeat(50).as_bytes())
    );
    assert!(
        b.report.warnings.iter().any(|w| w.contains("without Node.js")),
        "{:?}",
        b.report.warnings
    );
}

#[test]
fn a_cancelled_analysis_stops_with_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"{"/_app": ["static/chunks/main.js"], "/a": ["static/chunks/pages/a.js"]}"#,
    );
    let root = dir.path().canonicalize().unwrap();
    let found = detect::find(&root, None).unwrap();
    let token = CancellationToken::new();
    token.cancel();
    let e = next::read(&root, &found, None, &Progress::detached(token)).unwrap_err();
    assert!(matches!(e, shipdeck_base::error::Error::Cancelled), "{e}");
}
