//! The TypeScript bindings checked in under `ui/src/lib/bindings/` must be
//! exactly what the Rust types generate. Regenerate with `make bindings`
//! (which sets SHIPDECK_UPDATE_BINDINGS=1).
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn checked_in_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(e.path()).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn checked_in_bindings_match_the_rust_types() {
    let generated = tempfile::tempdir().unwrap();
    shipdeck_core::bindings::export_all(generated.path()).unwrap();
    let fresh = read_dir(generated.path());
    assert!(fresh.contains_key("WorkspaceInfo.ts"), "{:?}", fresh.keys());

    let target = checked_in_dir();
    if std::env::var_os("SHIPDECK_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&target).unwrap();
        for stale in read_dir(&target).keys().filter(|k| !fresh.contains_key(*k)) {
            std::fs::remove_file(target.join(stale)).unwrap();
        }
        for (name, text) in &fresh {
            std::fs::write(target.join(name), text).unwrap();
        }
    }
    let current = read_dir(&target);
    let missing: Vec<_> = fresh.keys().filter(|k| !current.contains_key(*k)).collect();
    let stale: Vec<_> = current.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let changed: Vec<_> = fresh
        .iter()
        .filter(|(k, v)| current.get(*k).is_some_and(|c| c != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty() && changed.is_empty(),
        "ui/src/lib/bindings is out of date (run `make bindings`): missing {missing:?}, stale {stale:?}, changed {changed:?}"
    );
}
