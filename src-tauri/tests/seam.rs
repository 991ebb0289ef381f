//! The command table (`src/commands/table.rs`) is the one list of the app's
//! commands. These tests fail when what was derived from it disagrees: the
//! app manifest build.rs declared, the capability's permissions and the
//! TypeScript wrappers. `make bindings` (SHIPDECK_UPDATE_BINDINGS=1)
//! rewrites the two checked-in files.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shipdeck_app::seam;

fn in_repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn table_names() -> Vec<&'static str> {
    seam::specs().iter().map(|s| s.name).collect()
}

/// Lines only in `a`, for a message that says what drifted.
fn only_in<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    let b: BTreeSet<&str> = b.lines().collect();
    a.lines().filter(|l| !b.contains(l)).collect()
}

/// Compares a checked-in file with what the table generates (rewriting it
/// first when asked to).
fn assert_generated(rel: &str, fresh: &str) {
    let path = in_repo(rel);
    if std::env::var_os("SHIPDECK_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "{rel} does not match src/commands/table.rs (run `make bindings`):\n  \
         only in the table: {:?}\n  only in the file: {:?}",
        only_in(fresh, &current),
        only_in(&current, fresh),
    );
}

#[test]
fn capability_allows_exactly_the_commands_of_the_table() {
    let specs = seam::specs();
    assert_generated("capabilities/main.json", &seam::capability_json(&specs));

    let text = std::fs::read_to_string(in_repo("capabilities/main.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).expect("capabilities/main.json is JSON");
    let granted: BTreeSet<&str> = json["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .collect();
    let wanted: BTreeSet<String> = specs.iter().map(|s| s.permission()).collect();
    let wanted: BTreeSet<&str> = wanted.iter().map(String::as_str).collect();
    assert_eq!(granted, wanted, "granted permissions vs commands of the table");
}

#[test]
fn typescript_wrappers_match_the_table() {
    let specs = seam::specs();
    let ts = seam::typescript(&specs);
    assert_generated("../ui/src/lib/bindings/app/commands.ts", &ts);
    for spec in &specs {
        let call = format!(">(\"{}\"", spec.name);
        assert!(ts.contains(&call), "no wrapper invokes {}", spec.name);
    }
}

#[test]
fn the_app_manifest_declares_the_commands_of_the_table() {
    let declared: Vec<&str> = seam::MANIFEST_COMMANDS.lines().collect();
    assert_eq!(declared, table_names(), "build.rs app manifest vs the table");
}

#[test]
fn tauri_build_made_a_permission_for_every_command() {
    // Written by tauri-build from the app manifest on every build.
    let text = std::fs::read_to_string(in_repo("gen/schemas/acl-manifests.json"))
        .expect("tauri-build writes gen/schemas/acl-manifests.json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let made: BTreeSet<&str> = json["__app-acl__"]["permissions"]
        .as_object()
        .expect("the app's own permissions")
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("allow-"))
        .collect();
    // tauri-build never deletes the file of a command that was removed, so
    // extra permissions may linger locally; they are never granted.
    let missing: Vec<String> = seam::specs()
        .iter()
        .map(|s| s.permission())
        .filter(|p| !made.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "tauri-build made no permission for {missing:?}"
    );
}

#[test]
fn request_structs_replace_long_argument_lists() {
    // Besides the path, a request and a channel, at most two plain values;
    // releases_cut and migrations_up keep their positional form for now.
    for spec in seam::specs() {
        if ["releases_cut", "migrations_up"].contains(&spec.name) {
            continue;
        }
        let total = spec.args.len() + usize::from(spec.channel.is_some());
        assert!(
            total <= 3,
            "{} takes {total} arguments; give it a request struct",
            spec.name
        );
    }
}
