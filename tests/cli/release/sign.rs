//! Signed release commits and tags, verified by git itself.

use std::process::Command;

use super::released_repo;
use crate::util::{assert_code, Env};

fn git(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new("git");
    c.current_dir(dir).args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn gpg_signed_commit_and_tag_when_git_config_asks() {
    let env = Env::new();
    let mut r = released_repo(&env);
    let gnupg = env.path("gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&gnupg).unwrap().permissions(), 0o700);
    let home = gnupg.to_str().unwrap();
    let gen = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Release Manager <release@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .output()
        .unwrap();
    assert!(gen.status.success(), "{}", String::from_utf8_lossy(&gen.stderr));
    let mut cfg = r.repo.config().unwrap();
    cfg.set_bool("commit.gpgsign", true).unwrap();
    cfg.set_bool("tag.gpgsign", true).unwrap();
    cfg.set_str("user.signingkey", "release@example.com").unwrap();
    r.change("src/lib.rs", "fix: signed");
    let out = env
        .cmd()
        .env("GNUPGHOME", home)
        .args(["-C", r.root_str(), "release", "cut", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["signed_commit"].as_bool(), v["signed_tags"].as_bool()),
        (Some(true), Some(true))
    );
    let commit = git(&r.root, &["verify-commit", "HEAD"], &[("GNUPGHOME", home)]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );
    let tag = git(&r.root, &["verify-tag", "v1.0.1"], &[("GNUPGHOME", home)]);
    assert!(tag.status.success(), "{}", String::from_utf8_lossy(&tag.stderr));
}

#[test]
fn ssh_signed_tag_verifies() {
    let env = Env::new();
    let mut r = released_repo(&env);
    let key = env.path("id_ed25519");
    let gen = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "release@example.com",
            "-f",
            key.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(gen.status.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = env.path("allowed_signers");
    std::fs::write(&allowed, format!("release@example.com {public}")).unwrap();
    let mut cfg = r.repo.config().unwrap();
    cfg.set_bool("tag.gpgsign", true).unwrap();
    cfg.set_str("gpg.format", "ssh").unwrap();
    cfg.set_str("user.signingkey", key.to_str().unwrap()).unwrap();
    cfg.set_str("gpg.ssh.allowedSignersFile", allowed.to_str().unwrap())
        .unwrap();
    r.change("src/lib.rs", "fix: ssh");
    let v = env.json(&["-C", r.root_str(), "release", "cut", "--json"], 0);
    assert_eq!(
        (v["signed_commit"].as_bool(), v["signed_tags"].as_bool()),
        (Some(false), Some(true))
    );
    let tag = git(&r.root, &["verify-tag", "v1.0.1"], &[]);
    assert!(tag.status.success(), "{}", String::from_utf8_lossy(&tag.stderr));
}

#[test]
fn a_broken_signing_setup_fails_cleanly() {
    let env = Env::new();
    let mut r = released_repo(&env);
    let mut cfg = r.repo.config().unwrap();
    cfg.set_bool("tag.gpgsign", true).unwrap();
    cfg.set_str("gpg.program", "/nonexistent/gpg").unwrap();
    r.change("src/lib.rs", "fix: x");
    let head = r.head();
    let v = env.json(&["-C", r.root_str(), "release", "cut", "--json"], 1);
    assert_eq!(v["code"], "release.rolled_back");
    assert!(v["message"].as_str().unwrap().contains("cannot run"), "{v}");
    assert_eq!(r.head(), head);
}
