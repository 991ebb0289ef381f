//! The Security area through the API: "Not a secret" writes the
//! fingerprint to .gitleaksignore and an audit entry with who and why (it
//! needs the secrets engine); a SARIF list is a read and records nothing.
#![allow(clippy::too_many_lines)]

use std::path::Path;

use shipdeck_core::api::SarifFilter;
use shipdeck_core::{Paths, Shipdeck};

fn repo(root: &Path) {
    let repo = git2::Repository::init(root).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    std::fs::write(root.join("a.py"), "x = eval(input())\n").unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[]).unwrap();
}

async fn core(data: &Path) -> Shipdeck {
    Shipdeck::open(Paths::resolve(Some(data.to_path_buf())).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn not_a_secret_needs_a_reason_then_is_ignored_and_audited() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    let core = core(data.path()).await;
    let fp = "0123456789abcdef0123456789abcdef01234567:config/deploy.env:github-pat:2";
    let err = core
        .security_secret_dismiss(ws.path(), fp, "  ")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid");
    let err = core
        .security_secret_dismiss(ws.path(), "a\nb", "why")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid");
    assert!(core.audit(None, 10).await.unwrap().is_empty());

    // Needs the secrets engine's ignore_finding.
    let added = core
        .security_secret_dismiss(ws.path(), fp, "revoked test token")
        .await
        .unwrap();
    assert!(added);
    let ignore = std::fs::read_to_string(ws.path().join(".gitleaksignore")).unwrap();
    assert!(ignore.lines().any(|l| l == fp), "{ignore}");
    let audit = core.audit(None, 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "security.secret_dismiss");
    assert!(
        audit[0].detail.contains("revoked test token"),
        "{}",
        audit[0].detail
    );
    assert!(!audit[0].actor.is_empty());
    let again = core
        .security_secret_dismiss(ws.path(), fp, "still revoked")
        .await
        .unwrap();
    assert!(!again, "already listed");
}

#[tokio::test]
async fn sarif_list_is_a_read() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    let core = core(data.path()).await;
    let list = core
        .security_sarif_list(ws.path(), &SarifFilter::default())
        .await
        .unwrap();
    assert!(list.tools.is_empty() && list.rows.is_empty());
    assert!(core.activity(None, 10).await.unwrap().is_empty());
    assert!(core.audit(None, 10).await.unwrap().is_empty());

    let sarif = ws.path().join("r.sarif");
    std::fs::write(
        &sarif,
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[
        {"ruleId":"python.eval","level":"error","message":{"text":"eval"},
         "locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":1}}}]}]}]}"#,
    )
    .unwrap();
    let summary = core.security_sarif_import(ws.path(), &[sarif]).await.unwrap();
    assert_eq!(summary.files[0].first_seen, 1);
    let list = core
        .security_sarif_list(ws.path(), &SarifFilter::default())
        .await
        .unwrap();
    assert_eq!(list.rows.len(), 1);
    assert_eq!(list.rows[0].result.snippet.as_deref(), Some("x = eval(input())"));
    assert_eq!(list.release, None);
}
