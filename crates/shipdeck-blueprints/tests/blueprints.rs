//! Blueprints end to end on real folders: rendering with the case filters,
//! path templating, dry runs, every refusal (nothing written), bounds, and
//! the shipped blueprints' code built and tested by the real toolchains.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use shipdeck_blueprints::{generate, list, BlueprintError, Source};
use shipdeck_types::Coded;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const MANIFEST: &str = r#"
description = "A test blueprint"
checklist = "docs/features/{{ name | kebab_case }}.md"

[[variables]]
name = "name"
prompt = "Name"
pattern = "[A-Za-z][A-Za-z ]*"

[[variables]]
name = "kind"
prompt = "Kind"
default = "small"
choices = ["small", "large"]
"#;

/// A workspace with blueprint `demo`: a checklist page and a source file
/// whose folder and name are templated.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "blueprints/demo/blueprint.toml", MANIFEST);
    write(
        root,
        "blueprints/demo/files/docs/features/{{ name | kebab_case }}.md",
        "# {{ name }}\n\n- [ ] {{ kind | upper }}\n",
    );
    write(
        root,
        "blueprints/demo/files/src/{{ name | snake_case }}/{{ name | pascal_case }}.txt",
        "{{ name | snake_case }} {{ name | kebab_case }} {{ name | pascal_case }} {{ name | camel_case }} {{ name | upper }} <&>\n",
    );
    dir
}

#[test]
fn renders_paths_and_contents_with_every_filter() {
    let ws = workspace();
    let g = generate(ws.path(), "demo", &values(&[("name", "Order Summary")]), false).unwrap();
    assert!(g.written && !g.dry_run);
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "docs/features/order-summary.md",
            "src/order_summary/OrderSummary.txt"
        ]
    );
    let text = std::fs::read_to_string(ws.path().join("src/order_summary/OrderSummary.txt")).unwrap();
    // No autoescape: `<&>` stays as written.
    assert_eq!(
        text,
        "order_summary order-summary OrderSummary orderSummary ORDER SUMMARY <&>\n"
    );
    let page = std::fs::read_to_string(ws.path().join("docs/features/order-summary.md")).unwrap();
    assert_eq!(page, "# Order Summary\n\n- [ ] SMALL\n");
    assert_eq!(g.checklist.as_deref(), Some("docs/features/order-summary.md"));
    assert_eq!(g.values["kind"], "small", "the default fills kind");
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let ws = workspace();
    let g = generate(ws.path(), "demo", &values(&[("name", "Order Summary")]), true).unwrap();
    assert!(g.dry_run && !g.written);
    assert!(
        g.diff
            .contains("--- /dev/null\n+++ b/docs/features/order-summary.md\n"),
        "{}",
        g.diff
    );
    assert!(
        g.diff.contains("+++ b/src/order_summary/OrderSummary.txt\n"),
        "{}",
        g.diff
    );
    assert!(g.diff.contains("+# Order Summary\n"), "{}", g.diff);
    assert!(!ws.path().join("docs").exists());
    assert!(!ws.path().join("src").exists());
}

#[test]
fn an_existing_target_refuses_the_whole_generation() {
    let ws = workspace();
    write(ws.path(), "src/order_summary/OrderSummary.txt", "mine\n");
    let err = generate(ws.path(), "demo", &values(&[("name", "Order Summary")]), false).unwrap_err();
    assert_eq!(err.code(), "blueprints.exists");
    assert!(
        err.to_string().contains("src/order_summary/OrderSummary.txt"),
        "{err}"
    );
    // The other file was not written either, and the existing one is intact.
    assert!(!ws.path().join("docs").exists());
    let kept = std::fs::read_to_string(ws.path().join("src/order_summary/OrderSummary.txt")).unwrap();
    assert_eq!(kept, "mine\n");
    // A file where a folder must go is refused the same way.
    let ws = workspace();
    write(ws.path(), "src/order_summary", "a file\n");
    let err = generate(ws.path(), "demo", &values(&[("name", "Order Summary")]), true).unwrap_err();
    assert_eq!(err.code(), "blueprints.exists", "{err}");
}

#[test]
fn a_value_outside_choices_or_pattern_is_refused_with_what_is_allowed() {
    let ws = workspace();
    let err = generate(
        ws.path(),
        "demo",
        &values(&[("name", "A"), ("kind", "huge")]),
        false,
    )
    .unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_value");
    assert_eq!(err.hint().unwrap(), "Allowed: small, large.");
    let err = generate(ws.path(), "demo", &values(&[("name", "1 bad")]), false).unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_value");
    assert!(
        err.hint().unwrap().contains("[A-Za-z][A-Za-z ]*"),
        "{:?}",
        err.hint()
    );
    // The pattern matches the whole value, not a part of it.
    let err = generate(ws.path(), "demo", &values(&[("name", "ok!")]), false).unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_value");
    let err = generate(ws.path(), "demo", &BTreeMap::new(), false).unwrap_err();
    assert!(matches!(err, BlueprintError::MissingVariable { ref variable, .. } if variable == "name"));
    let err = generate(
        ws.path(),
        "demo",
        &values(&[("name", "A"), ("colour", "red")]),
        false,
    )
    .unwrap_err();
    assert_eq!(err.code(), "blueprints.unknown_variable");
    assert!(
        std::fs::read_dir(ws.path()).unwrap().count() == 1,
        "only blueprints/ exists"
    );
}

#[test]
fn rendered_paths_that_leave_the_workspace_are_refused() {
    for dest in [
        "../../escape.txt",
        "/tmp/escape.txt",
        ".git/config",
        "a/../../b.txt",
        "",
    ] {
        let ws = tempfile::tempdir().unwrap();
        let root = ws.path();
        write(
            root,
            "blueprints/out/blueprint.toml",
            "description = \"d\"\n[[variables]]\nname = \"dest\"\nprompt = \"p\"\n",
        );
        write(root, "blueprints/out/files/{{ dest }}", "x\n");
        write(root, "blueprints/out/files/kept.txt", "y\n");
        let result = generate(root, "out", &values(&[("dest", dest)]), false);
        if dest.is_empty() {
            // An empty path is a file this stack does not get.
            assert_eq!(result.unwrap().files.len(), 1);
            continue;
        }
        let err = result.unwrap_err();
        assert_eq!(err.code(), "blueprints.path_outside", "{dest}: {err}");
        assert!(!root.join("kept.txt").exists(), "{dest}: nothing written");
    }
    // A link inside the workspace that points out of it.
    let ws = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = ws.path();
    std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
    write(root, "blueprints/out/blueprint.toml", "description = \"d\"\n");
    write(root, "blueprints/out/files/link/x.txt", "x\n");
    let err = generate(root, "out", &BTreeMap::new(), false).unwrap_err();
    assert_eq!(err.code(), "blueprints.path_outside", "{err}");
    assert!(!outside.path().join("x.txt").exists());
}

#[test]
fn templates_read_nothing_outside_and_their_work_is_bounded() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    write(root, "secret.txt", "s3cret\n");
    write(root, "blueprints/inc/blueprint.toml", "description = \"d\"\n");
    write(
        root,
        "blueprints/inc/files/a.txt",
        "{% include '../../secret.txt' %}\n",
    );
    let err = generate(root, "inc", &BTreeMap::new(), true).unwrap_err();
    assert_eq!(err.code(), "blueprints.render", "{err}");
    assert!(!err.to_string().contains("s3cret"));

    write(root, "blueprints/loop/blueprint.toml", "description = \"d\"\n");
    write(
        root,
        "blueprints/loop/files/a.txt",
        "{% for i in range(10000) %}{% for j in range(10000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
    );
    let err = generate(root, "loop", &BTreeMap::new(), true).unwrap_err();
    assert!(
        ["blueprints.too_large", "blueprints.render"].contains(&err.code()),
        "{err}"
    );
    // Output alone past the limit, with little work: stopped by the writer.
    write(root, "blueprints/big/blueprint.toml", "description = \"d\"\n");
    write(
        root,
        "blueprints/big/files/a.txt",
        "{% for i in range(60000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}",
    );
    let err = generate(root, "big", &BTreeMap::new(), true).unwrap_err();
    assert_eq!(err.code(), "blueprints.too_large", "{err}");

    // A link among the templates is refused: it could read any file.
    write(root, "blueprints/link/blueprint.toml", "description = \"d\"\n");
    std::fs::create_dir_all(root.join("blueprints/link/files")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), root.join("blueprints/link/files/s.txt")).unwrap();
    let err = generate(root, "link", &BTreeMap::new(), true).unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_blueprint", "{err}");
}

#[test]
fn a_bad_blueprint_toml_is_a_typed_error() {
    let ws = tempfile::tempdir().unwrap();
    write(ws.path(), "blueprints/bad/blueprint.toml", "description = 3\n");
    let err = list(ws.path()).unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_blueprint");
    write(
        ws.path(),
        "blueprints/bad/blueprint.toml",
        "description = \"d\"\n[[variables]]\nname = \"ecosystems\"\nprompt = \"p\"\n",
    );
    assert_eq!(list(ws.path()).unwrap_err().code(), "blueprints.bad_blueprint");
    // A default outside its own choices is the blueprint's fault, found when listed.
    write(
        ws.path(),
        "blueprints/bad/blueprint.toml",
        "description = \"d\"\n[[variables]]\nname = \"k\"\nprompt = \"p\"\ndefault = \"c\"\nchoices = [\"a\", \"b\"]\n",
    );
    let err = list(ws.path()).unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_blueprint");
    assert!(err.to_string().contains("the default of k"), "{err}");
}

#[test]
fn a_workspace_blueprint_replaces_the_shipped_one_of_its_name() {
    let ws = tempfile::tempdir().unwrap();
    let shipped = list(ws.path()).unwrap();
    let names: Vec<_> = shipped.iter().map(|b| (b.name.as_str(), b.source)).collect();
    assert_eq!(
        names,
        [
            ("api-endpoint", Source::Builtin),
            ("frontend-component", Source::Builtin)
        ]
    );
    write(
        ws.path(),
        "blueprints/api-endpoint/blueprint.toml",
        "description = \"ours\"\n",
    );
    let all = list(ws.path()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].source, Source::Workspace);
    assert_eq!(all[0].description, "ours");
    let err = generate(ws.path(), "nope", &BTreeMap::new(), true).unwrap_err();
    assert_eq!(err.code(), "blueprints.not_found");
    assert!(err.hint().unwrap().contains("api-endpoint"));
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{all}");
    all
}

#[test]
fn shipped_api_endpoint_passes_node_test_in_a_fresh_javascript_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    write(root, "package.json", "{\"name\": \"shop\", \"private\": true}\n");
    let set = values(&[("name", "List Orders"), ("method", "POST")]);
    let g = generate(root, "api-endpoint", &set, false).unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "docs/features/list-orders.md",
            "src/routes/list-orders.mjs",
            "src/routes/list-orders.test.mjs"
        ]
    );
    let page = std::fs::read_to_string(root.join("docs/features/list-orders.md")).unwrap();
    assert!(
        page.contains("`POST /list-orders`") && page.contains("- [ ] Register the route"),
        "{page}"
    );
    assert!(
        !page.contains("mod list_orders"),
        "no Rust in a JavaScript workspace:\n{page}"
    );
    let out = run(Command::new("node").arg("--test").current_dir(root));
    assert!(out.contains("# pass 2") && out.contains("# fail 0"), "{out}");
}

#[test]
fn shipped_api_endpoint_passes_cargo_test_in_a_fresh_rust_crate() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    write(root, "src/lib.rs", "pub mod list_orders;\n");
    let g = generate(root, "api-endpoint", &values(&[("name", "list orders")]), false).unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["docs/features/list-orders.md", "src/list_orders.rs"]);
    let out = run(Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .current_dir(root));
    assert!(
        out.contains("list_orders_answers_ok") || out.contains("1 passed"),
        "{out}"
    );
}

#[test]
fn shipped_frontend_component_follows_the_framework_in_package_json() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    write(
        root,
        "package.json",
        "{\"devDependencies\": {\"svelte\": \"^5\", \"typescript\": \"^5\"}}\n",
    );
    let g = generate(
        root,
        "frontend-component",
        &values(&[("name", "order summary")]),
        true,
    )
    .unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "docs/features/order-summary.md",
            "src/lib/components/OrderSummary.svelte",
            "src/lib/components/OrderSummary.test.ts"
        ]
    );
    assert!(g.diff.contains("+<script lang=\"ts\">"), "{}", g.diff);
    write(root, "package.json", "{\"dependencies\": {\"react\": \"^19\"}}\n");
    let g = generate(
        root,
        "frontend-component",
        &values(&[("name", "order summary")]),
        true,
    )
    .unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "docs/features/order-summary.md",
            "src/components/OrderSummary.jsx",
            "src/components/OrderSummary.test.jsx"
        ]
    );
    let err = generate(
        root,
        "frontend-component",
        &values(&[("name", "x"), ("title", "a\"b")]),
        true,
    )
    .unwrap_err();
    assert_eq!(err.code(), "blueprints.bad_value");
}

/// The UI's node_modules (scripts/setup.sh runs `npm ci` there): Svelte 5,
/// Vitest, Testing Library and jsdom, the stack the component targets.
fn ui_modules() -> std::path::PathBuf {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules");
    assert!(
        modules.join(".bin/vitest").is_file() && modules.join("@testing-library/svelte").is_dir(),
        "Vitest and Testing Library are missing under {}: run scripts/setup.sh (npm ci in ui/)",
        modules.display()
    );
    modules.canonicalize().unwrap()
}

#[test]
fn shipped_frontend_component_passes_vitest_in_a_fresh_svelte_workspace() {
    let modules = ui_modules();
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path().canonicalize().unwrap();
    write(
        &root,
        "package.json",
        "{\"name\": \"shop\", \"private\": true, \"type\": \"module\", \"devDependencies\": {\"svelte\": \"^5\"}}\n",
    );
    // node_modules is a link to the UI's: Vite's file-serving check would
    // refuse the real paths it resolves to.
    write(
        &root,
        "vitest.config.mjs",
        "import { svelte } from \"@sveltejs/vite-plugin-svelte\";\n\
         import { svelteTesting } from \"@testing-library/svelte/vite\";\n\
         export default { plugins: [svelte(), svelteTesting()], server: { fs: { strict: false } }, test: { environment: \"jsdom\" } };\n",
    );
    std::os::unix::fs::symlink(&modules, root.join("node_modules")).unwrap();
    let set = values(&[("name", "order summary"), ("title", "Your order")]);
    let g = generate(&root, "frontend-component", &set, false).unwrap();
    let paths: Vec<&str> = g.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "docs/features/order-summary.md",
            "src/lib/components/OrderSummary.svelte",
            "src/lib/components/OrderSummary.test.js"
        ]
    );
    let out = run(Command::new(modules.join(".bin/vitest"))
        .args(["run", "--root"])
        .arg(&root)
        .current_dir(&root));
    assert!(out.contains("1 passed"), "{out}");
}
