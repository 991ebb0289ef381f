//! Whatever fails, the user's checkout is as it was: no branch left, no
//! worktree, the same files. And what is refused before anything starts.

use std::os::unix::fs::PermissionsExt;

use shipdeck_dependencies::{Class, Ecosystem, Outdated, OutdatedReport, UpdateRequest};

use super::{npm_registry, npm_ws, Ws};

/// A folder holding a fake `npm` with `script` as its body.
fn fake_npm(ws: &Ws, script: &str) -> String {
    let bin = ws.home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let npm = bin.join("npm");
    std::fs::write(&npm, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&npm, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin.display().to_string()
}

#[test]
fn a_failing_package_manager_leaves_nothing_behind() {
    let reg = npm_registry();
    let mut ws = npm_ws(&reg);
    let report = ws.report();
    // An ignored file does not make the tree dirty.
    ws.write("debug.log", "ignored\n");
    let before = ws.state();
    // The first branch (left-pad) succeeds, the second (ms) fails: the
    // first is removed again too. The token the tool prints is masked.
    let bin = fake_npm(
        &ws,
        "case \"$*\" in\n  *ms@*) echo 'npm ERR! 500 from registry; //r/:_authToken=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789' >&2; exit 1;;\n  *) echo >> package-lock.json;;\nesac",
    );
    let path = format!("{bin}:{}", ws.vars["PATH"]);
    ws.vars.insert("PATH".into(), path);
    let err = ws.update(&report, &UpdateRequest::default()).unwrap_err();
    let p = err.payload();
    assert_eq!(p.code, "dependencies.tool_failed", "{p:?}");
    assert!(p.message.contains("ms@2.1.3"), "{}", p.message);
    assert!(p.message.contains("500 from registry"), "{}", p.message);
    assert!(
        !p.message.contains("aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        "{}",
        p.message
    );
    assert_eq!(ws.state(), before);
    assert!(ws
        .repo
        .statuses(None)
        .unwrap()
        .iter()
        .all(|s| s.status().is_ignored()));
}

#[test]
fn a_missing_package_manager_is_named_with_how_to_install_it() {
    let reg = npm_registry();
    let mut ws = npm_ws(&reg);
    let report = ws.report();
    let before = ws.state();
    let empty = ws.home.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    ws.vars.insert("PATH".into(), empty.display().to_string());
    let err = ws.update(&report, &UpdateRequest::default()).unwrap_err();
    let p = err.payload();
    assert_eq!(p.code, "dependencies.tool_missing");
    assert!(p.hint.unwrap().contains("Node.js"));
    assert_eq!(ws.state(), before);
}

#[test]
fn a_dirty_tree_is_refused_with_its_files() {
    let reg = npm_registry();
    let ws = npm_ws(&reg);
    let report = ws.report();
    ws.write("package.json", "{}\n");
    ws.write("notes.txt", "untracked\n");
    let before = ws.state();
    let err = ws.update(&report, &UpdateRequest::default()).unwrap_err();
    let p = err.payload();
    assert_eq!(p.code, "dependencies.dirty_tree");
    assert!(
        p.message.contains("package.json") && p.message.contains("notes.txt"),
        "{}",
        p.message
    );
    assert_eq!(ws.state(), before);
}

#[test]
fn hostile_branch_names_are_refused() {
    let reg = npm_registry();
    let ws = npm_ws(&reg);
    let report = ws.report();
    let before = ws.state();
    for bad in ["deps..x", "has space", "x.lock", "-x", "a/../b", "refs/heads/"] {
        let request = UpdateRequest {
            branch: Some(bad.into()),
            ..UpdateRequest::default()
        };
        let err = ws.update(&report, &request).unwrap_err();
        assert_eq!(err.code(), "dependencies.invalid_branch", "{bad}");
    }
    assert_eq!(ws.state(), before);
}

fn row(manifest: &str) -> Outdated {
    Outdated {
        ecosystem: Ecosystem::Npm,
        name: "ms".into(),
        manifest: manifest.into(),
        requirement: "~0.7.1".into(),
        current: Some("0.7.1".into()),
        wanted: Some("0.7.3".into()),
        latest: Some("2.1.3".into()),
        class: Some(Class::Major),
        kind: "dependencies".into(),
        released: None,
        homepage: None,
        repository: None,
        release_notes: None,
        advisories: vec![],
        group: None,
        error: None,
    }
}

#[test]
fn manifests_behind_symbolic_links_are_not_edited() {
    let ws = Ws::new();
    let outside = tempfile::tempdir().unwrap();
    let pkg = "{\"dependencies\":{\"ms\":\"~0.7.1\"}}\n";
    std::fs::write(outside.path().join("package.json"), pkg).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("package.json"),
        ws.root().join("package.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.root().join("web")).unwrap();
    ws.write("README.md", "x\n");
    ws.commit_all("links");
    let before = ws.state();
    for manifest in ["package.json", "web/package.json", "../package.json"] {
        let report = OutdatedReport {
            dependencies: vec![row(manifest)],
            schedule: None,
            warnings: Vec::new(),
        };
        for dry_run in [true, false] {
            let request = UpdateRequest {
                dry_run,
                ..UpdateRequest::default()
            };
            let err = ws.update(&report, &request).unwrap_err();
            assert_eq!(err.code(), "dependencies.unsafe_path", "{manifest}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(outside.path().join("package.json")).unwrap(),
        pkg
    );
    assert_eq!(ws.state(), before);
}

#[test]
fn ignored_packages_and_disallowed_classes_are_not_taken() {
    let reg = npm_registry();
    let ws = npm_ws(&reg);
    ws.write(
        "shipdeck.toml",
        "[dependencies]\nignore = [\"left-pad\"]\n[dependencies.allow]\nms = [\"patch\", \"minor\"]\n",
    );
    let report = ws.report();
    let mut opts = ws.opts();
    opts.config = shipdeck_base::config::Config::load(ws.root())
        .unwrap()
        .unwrap()
        .dependencies;
    assert_eq!(opts.config.ignore, vec!["left-pad".to_string()]);
    let (_reg, p) = super::progress();
    let request = UpdateRequest {
        dry_run: true,
        ..UpdateRequest::default()
    };
    let out = shipdeck_dependencies::update(ws.root(), &report, &request, &opts, &p).unwrap();
    let bumps: Vec<(&str, &str)> = out
        .branches
        .iter()
        .flat_map(|b| b.bumps.iter().map(|x| (x.name.as_str(), x.to.as_str())))
        .collect();
    // ms 0.7.1 → 2.1.3 is major; 0.7.3 is the highest 0.7 (patch) release.
    assert_eq!(bumps, vec![("ms", "0.7.3")]);
    assert_eq!(out.branches[0].bumps[0].requirement_to, "~0.7.1");
}

#[test]
fn a_cancelled_update_kills_the_tool_and_leaves_nothing_behind() {
    let reg = npm_registry();
    let mut ws = npm_ws(&reg);
    let report = ws.report();
    let before = ws.state();
    let bin = fake_npm(&ws, "sleep 30");
    let path = format!("{bin}:{}", ws.vars["PATH"]);
    ws.vars.insert("PATH".into(), path);
    let (cancel, p) = super::progress();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(800));
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = shipdeck_dependencies::update(ws.root(), &report, &UpdateRequest::default(), &ws.opts(), &p)
        .unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the tool was not killed"
    );
    drop(canceller.join());
    assert_eq!(ws.state(), before);
}
