//! Changelog sections on histories that broke them: reverts of hidden
//! types, the same change twice, titles carrying two PR numbers, and a
//! type configured to bump.

use super::{package, released_repo};
use crate::util::Env;

fn changelog(p: &serde_json::Value) -> String {
    p["changelog"].as_str().unwrap().to_string()
}

#[test]
fn reverting_a_chore_is_not_filed_under_removed() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "chore: pin the toolchain");
    r.tag("v1.0.1");
    r.change(
        "src/lib.rs",
        "Revert \"chore: pin the toolchain\"\n\nThis reverts commit 0123456.\n",
    );
    r.change("src/lib.rs", "fix: a crash");
    let text = changelog(&package(&env, &r, &[]));
    assert!(!text.contains("### Removed"), "{text}");
    assert!(!text.contains("pin the toolchain"), "hidden like a chore: {text}");

    // A reverted feature is a removal; a reverted fix is a revert.
    r.change(
        "src/lib.rs",
        "Revert \"feat: first\"\n\nThis reverts commit 0123456.\n",
    );
    r.change(
        "src/lib.rs",
        "Revert \"fix: old bug\"\n\nThis reverts commit 0abcdef.\n",
    );
    let text = changelog(&package(&env, &r, &[]));
    assert!(text.contains("### Removed\n\n- first ("), "{text}");
    assert!(text.contains("### Reverted\n\n- old bug ("), "{text}");
}

#[test]
fn the_same_change_twice_is_one_bullet() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: handle empty input (#21)");
    r.change("src/lib.rs", "fix: handle empty input (#34)");
    let text = changelog(&package(&env, &r, &[]));
    let bullets: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("handle empty input"))
        .collect();
    assert_eq!(bullets.len(), 1, "{text}");
    assert!(
        bullets[0].contains("(#21)") && bullets[0].contains("(#34)"),
        "{text}"
    );
}

#[test]
fn pr_refs_are_not_doubled() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.change("src/lib.rs", "fix: keep tag order (#1267) (#1490)");
    r.change(
        "src/lib.rs",
        "Revert \"feat: first (#1100)\" (#1491)\n\nThis reverts commit 0123456.\n",
    );
    let p = package(&env, &r, &[]);
    let text = changelog(&p);
    assert!(text.contains("- keep tag order (#1490) ("), "{text}");
    assert!(text.contains("- first (#1491) ("), "{text}");
    assert!(!text.contains("#1267") && !text.contains("#1100"), "{text}");
}

#[test]
fn a_type_configured_to_bump_patch_is_not_called_a_fix() {
    let env = Env::new();
    let mut r = released_repo(&env);
    r.write(
        "shipdeck.toml",
        "[release.types]\nrefactor = { bump = \"patch\" }\n",
    );
    r.commit("refactor: split the planner");
    let p = package(&env, &r, &[]);
    let reasons = p["reasons"].to_string();
    assert_eq!(p["next_version"], "1.0.1");
    assert!(!reasons.contains("is a fix"), "{reasons}");
    assert!(reasons.contains("refactor commits bump patch"), "{reasons}");
}
