//! Build descriptions written to hurt: paths out of the build folder,
//! source maps pointing outside it, malformed JSON, names missing from the
//! manifest. Each is a typed error or a warning, never a read outside the
//! workspace or a panic.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

mod common;

use common::{analyze_dir, write};
use shipdeck_base::config::BundleConfig;

fn ws() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().canonicalize().unwrap();
    (t, root)
}

fn code(root: &std::path::Path) -> String {
    analyze_dir(root, None, BundleConfig::default())
        .unwrap_err()
        .payload()
        .code
}

#[test]
fn manifest_paths_out_of_the_build_folder_are_refused() {
    for file in ["../secret.js", "/etc/passwd.js", "assets/../../secret.js"] {
        let (_t, root) = ws();
        write(&root, "secret.js", "let secret = 1;\n");
        write(
            &root,
            "dist/.vite/manifest.json",
            &format!(r#"{{"index.html":{{"file":{file:?},"isEntry":true}}}}"#),
        );
        assert_eq!(code(&root), "bundle.bad_path", "{file}");
    }
    // A symlink out of the build folder is refused the same way.
    let (_t, root) = ws();
    write(&root, "secret.js", "let secret = 1;\n");
    write(
        &root,
        "dist/.vite/manifest.json",
        r#"{"index.html":{"file":"assets/a.js","isEntry":true}}"#,
    );
    std::fs::create_dir_all(root.join("dist/assets")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.js"), root.join("dist/assets/a.js")).unwrap();
    assert_eq!(code(&root), "bundle.bad_path");
}

#[test]
fn malformed_descriptions_are_bad_output() {
    let (_t, root) = ws();
    write(&root, "dist/.vite/manifest.json", "{ not json");
    assert_eq!(code(&root), "bundle.bad_output");
    let (_t, root) = ws();
    write(
        &root,
        "dist/.vite/manifest.json",
        r#"{"index.html":{"file":"a.js","isEntry":true,"imports":["_gone.js"]}}"#,
    );
    write(&root, "dist/a.js", "1");
    assert_eq!(code(&root), "bundle.bad_output");
    let (_t, root) = ws();
    write(&root, "stats.json", r#"{"hash":"x","chunks":[]}"#);
    assert_eq!(code(&root), "bundle.bad_output");
    let (_t, root) = ws();
    write(
        &root,
        "meta.json",
        r#"{"outputs":{"../../out.js":{"entryPoint":"a.js","imports":[],"inputs":{}}}}"#,
    );
    assert_eq!(code(&root), "bundle.bad_path");
}

#[test]
fn a_source_map_outside_the_build_folder_is_not_read() {
    let (_t, root) = ws();
    // A map next to the project, and sources claiming packages outside
    // the workspace: the chunk is measured, the map is skipped with a
    // warning, no version is read from outside.
    write(
        &root,
        "outside.map",
        r#"{"version":3,"sources":["/etc/node_modules/evil/x.js"],"mappings":"AAAA"}"#,
    );
    write(
        &root,
        "dist/.vite/manifest.json",
        r#"{"index.html":{"file":"a.js","isEntry":true}}"#,
    );
    write(
        &root,
        "dist/a.js",
        "let a = 1;\n//# sourceMappingURL=../outside.map\n",
    );
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(r.routes[0].first_load_js_bytes, 47);
    assert!(r.packages.is_empty(), "{:?}", r.packages);
    assert!(
        r.warnings.iter().any(|w| w.contains("source map not read")),
        "{:?}",
        r.warnings
    );
    // A map inside whose sources name a package outside the workspace: the
    // package is counted, its version unknown.
    write(
        &root,
        "dist/a.js.map",
        r#"{"version":3,"sources":["/etc/node_modules/evil/x.js"],"mappings":"AAAA"}"#,
    );
    write(&root, "dist/a.js", "let a = 1;\n");
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert_eq!(r.packages[0].name, "evil");
    assert!(r.packages[0].versions.is_empty());
    // A map that is not one is a warning, not a failure.
    write(&root, "dist/a.js.map", "garbage");
    let r = analyze_dir(&root, None, BundleConfig::default()).unwrap();
    assert!(r.warnings.iter().any(|w| w.contains("a.js")), "{:?}", r.warnings);
}
