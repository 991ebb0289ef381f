//! pnpm against the local npm registry: the lockfile pnpm writes.

use shipdeck_dependencies::UpdateRequest;

use super::{npm_registry, one_commit, Ws};

const PACKAGE_JSON: &str = "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"left-pad\": \"^1.1.0\"\n  }\n}\n";

#[test]
fn pnpm_lock_holds_the_new_version() {
    let reg = npm_registry();
    let ws = Ws::new();
    ws.write(".npmrc", &format!("registry={}/npm/\n", reg.base));
    ws.write("package.json", PACKAGE_JSON);
    ws.tool(
        "pnpm",
        &["add", "--lockfile-only", "--ignore-scripts", "left-pad@1.1.0"],
    );
    ws.write("package.json", PACKAGE_JSON);
    ws.tool("pnpm", &["install", "--lockfile-only", "--ignore-scripts"]);
    ws.commit_all("web app");
    let report = ws.report();
    let row = report.dependencies.iter().find(|r| r.name == "left-pad").unwrap();
    assert_eq!(row.current.as_deref(), Some("1.1.0"));
    let before = ws.state();
    let base = ws.repo.head().unwrap().target().unwrap();
    let out = ws.update(&report, &UpdateRequest::default()).unwrap();
    let after = ws.state();
    assert_eq!((&after.0, after.2, &after.3), (&before.0, 0, &before.3));
    let b = &out.branches[0];
    assert_eq!(
        b.commands[0],
        "pnpm add --lockfile-only --ignore-scripts left-pad@1.3.0"
    );
    let c = one_commit(&ws, &b.branch, base);
    assert_eq!(ws.at(&c, "package.json"), PACKAGE_JSON);
    let lock = ws.at(&c, "pnpm-lock.yaml");
    assert!(
        lock.contains("specifier: ^1.1.0\n        version: 1.3.0"),
        "{lock}"
    );
    assert!(
        !lock.contains("1.1.0(") && lock.contains("left-pad@1.3.0"),
        "{lock}"
    );
}
