//! The secrets engine against real git repositories and trees.
#![allow(clippy::too_many_lines)] // a scenario reads best as one test

mod secrets_common;

use std::sync::Arc;

use secrets_common::{aws_key, commit_all, github_token, init, progress, write};
use shipdeck_base::error::Error;
use shipdeck_base::jobs::{JobKind, JobRegistry, ProgressEvent, ProgressSink, RunningJob};
use shipdeck_security::secrets::{
    ignore_finding, scan, write_report, ReportFormat, SecretsOptions, SecretsReport,
};

fn tree_only() -> SecretsOptions {
    SecretsOptions {
        no_git: true,
        ..SecretsOptions::default()
    }
}

fn render(report: &SecretsReport, format: ReportFormat) -> String {
    let mut out = Vec::new();
    write_report(report, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_secret_is_attributed_once_to_the_commit_that_added_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    let token = github_token("a1B2c3D4e5");
    write(root, "README.md", "hello\n");
    commit_all(&repo, "one", 1_700_000_000);
    write(root, "conf/app.env", &format!("NAME=demo\nGH={token}\n"));
    let added = commit_all(&repo, "two: add config", 1_700_000_100);
    for i in 3..=5 {
        write(
            root,
            "conf/app.env",
            &format!("NAME=demo\nGH={token}\nSTEP={i}\n"),
        );
        commit_all(&repo, &format!("edit {i}"), 1_700_000_000 + i * 100);
    }
    write(root, "conf/app.env", "NAME=demo\n");
    commit_all(&repo, "six: remove it", 1_700_000_600);

    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    assert_eq!(r.commits_scanned, 6);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(f.rule_id, "github-pat");
    assert_eq!(f.commit.as_deref(), Some(added.to_string().as_str()));
    assert_eq!(f.file, "conf/app.env");
    assert_eq!((f.start_line, f.start_column), (2, 5));
    assert_eq!(f.author.as_deref(), Some("Ada Dev"));
    assert_eq!(f.email.as_deref(), Some("ada@example.test"));
    assert_eq!(f.date.as_deref(), Some("2023-11-14T22:15:00Z"));
    assert_eq!(f.message.as_deref(), Some("two: add config"));
    assert_eq!(f.fingerprint, format!("{added}:conf/app.env:github-pat:2"));
    assert_eq!(f.redacted, "ghp_…");
    assert!(f.entropy > 3.0);
}

#[test]
fn a_blob_held_by_many_commits_and_branches_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    let token = github_token("Zy9Xw8Vu7T");
    let with_secret = format!("token: {token}\n");
    write(root, "a.txt", &with_secret);
    let c1 = commit_all(&repo, "one", 1_700_000_000);
    let base = repo.find_commit(c1).unwrap();
    for (i, name) in ["x", "y", "z"].iter().enumerate() {
        repo.branch(name, &base, false).unwrap();
        repo.set_head(&format!("refs/heads/{name}")).unwrap();
        repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        write(root, &format!("{name}.txt"), "the same plain text\n");
        commit_all(&repo, &format!("branch {i}"), 1_700_000_100 + i as i64);
    }
    // The same secret-holding blob at a second path, on the last branch.
    write(root, "copy.txt", &with_secret);
    commit_all(&repo, "copy", 1_700_000_500);

    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    assert_eq!(r.commits_scanned, 5);
    // a.txt's blob (also copy.txt's) and the plain blob shared by x/y/z.
    assert_eq!(r.blobs_scanned, 2);
    let mut files: Vec<_> = r.findings.iter().map(|f| f.file.as_str()).collect();
    files.sort_unstable();
    assert_eq!(files, ["a.txt", "copy.txt"]);
}

#[test]
fn binary_and_large_files_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let token = github_token("Qq1Ww2Ee3R");
    let mut bin = b"\x00\x01binary ".to_vec();
    bin.extend_from_slice(token.as_bytes());
    std::fs::write(root.join("blob.bin"), bin).unwrap();
    write(root, "big.txt", &format!("{token}\n{}", "x".repeat(4096)));
    write(root, "small.txt", &format!("t = {token}\n"));
    let opts = SecretsOptions {
        max_file_size: Some(2048),
        ..tree_only()
    };
    let r = scan(root, &opts, &progress()).unwrap();
    assert_eq!(r.skipped_binary, 1);
    assert_eq!(r.skipped_large, 1);
    assert_eq!(r.files_scanned, 1);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].file, "small.txt");
    assert_eq!(r.findings[0].fingerprint, "small.txt:github-pat:1");
}

#[test]
fn allowlists_paths_regexes_stopwords_commits_and_the_and_condition() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    let d = |s: &str| ["de", "mo_", s].concat();
    write(root, "hist.txt", &format!("v={}\n", d("hist00000001")));
    let allowed_commit = commit_all(&repo, "allowed", 1_700_000_000);
    write(root, "hist2.txt", &format!("v={}\n", d("hist00000002")));
    commit_all(&repo, "kept", 1_700_000_100);
    write(root, "fixtures/a.txt", &format!("{}\n", d("fixture12345")));
    write(root, "zero.txt", &format!("{}\n", d("000000000000")));
    write(root, "stop.txt", &format!("{}\n", d("examplevalue")));
    write(root, "and/a.txt", &format!("{}\n", d("zzzabc123456")));
    write(root, "and/b.txt", &format!("{}\n", d("abc123456789")));
    write(root, "other/c.txt", &format!("{}\n", d("zzzabc654321")));
    let cfg = format!(
        r#"title = "team rules"
[allowlist]
commits = ["{allowed_commit}"]

[[rules]]
id = "demo"
description = "Demo token"
regex = '''\bdemo_([a-z0-9]{{12}})\b'''
keywords = ["demo_"]
[[rules.allowlists]]
paths = ['''^fixtures/''']
[[rules.allowlists]]
regexes = ['''^0+$''']
[[rules.allowlists]]
stopwords = ["EXAMPLE"]
[[rules.allowlists]]
condition = "AND"
paths = ['''^and/''']
stopwords = ["zzz"]
"#
    );
    write(root, ".gitleaks.toml", &cfg);
    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    assert_eq!(r.rules_source, ".gitleaks.toml");
    assert_eq!(r.rules, 1);
    let mut files: Vec<_> = r.findings.iter().map(|f| f.file.as_str()).collect();
    files.sort_unstable();
    assert_eq!(files, ["and/b.txt", "hist2.txt", "other/c.txt"]);
    // fixtures, zero, stop, and/a: four matches dropped by rule allowlists;
    // the allowed commit is not read at all.
    assert_eq!(r.ignored, 4);
}

#[test]
fn extend_use_default_with_disabled_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cfg = r#"
[extend]
useDefault = true
disabledRules = ["aws-access-key-id"]

[[rules]]
id = "team-token"
regex = '''team_[0-9]{8}'''
keywords = ["team_"]
"#;
    write(root, ".gitleaks.toml", cfg);
    write(
        root,
        "app.cfg",
        &format!(
            "gh {}\naws {}\n{}\n",
            github_token("Mn4Bv5Cx6Z"),
            aws_key("QWERTYUI234567AB"),
            ["team", "_", "12345678"].concat()
        ),
    );
    let r = scan(root, &tree_only(), &progress()).unwrap();
    let default = scan(tempfile::tempdir().unwrap().path(), &tree_only(), &progress()).unwrap();
    assert_eq!(default.rules_source, "default");
    assert_eq!(r.rules, default.rules, "one disabled, one added");
    let mut rules: Vec<_> = r.findings.iter().map(|f| f.rule_id.as_str()).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["github-pat", "team-token"]);
}

#[test]
fn gitleaksignore_and_baseline_drop_accepted_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "one.txt", &format!("{}\n", github_token("Aa1Bb2Cc3D")));
    write(root, "two.txt", &format!("x\n{}\n", github_token("Ee4Ff5Gg6H")));
    let first = scan(root, &tree_only(), &progress()).unwrap();
    assert_eq!(first.findings.len(), 2);
    let fp = first.findings[0].fingerprint.clone();
    assert!(ignore_finding(root, &fp).unwrap());
    assert!(!ignore_finding(root, &fp).unwrap(), "idempotent");
    let text = std::fs::read_to_string(root.join(".gitleaksignore")).unwrap();
    assert_eq!(text.matches(&fp).count(), 1);
    let err = ignore_finding(root, "a:b:c:1\nother:x:y:2").unwrap_err();
    assert_eq!(err.code(), "security.bad_fingerprint");

    let second = scan(root, &tree_only(), &progress()).unwrap();
    assert_eq!(second.findings.len(), 1);
    assert_eq!(second.ignored, 1);

    // A gitleaks JSON report as baseline accepts what it lists.
    std::fs::remove_file(root.join(".gitleaksignore")).unwrap();
    let base = root.join("baseline.json");
    std::fs::write(&base, render(&second, ReportFormat::Gitleaks)).unwrap();
    let opts = SecretsOptions {
        baseline: Some(base.clone()),
        ..tree_only()
    };
    let third = scan(root, &opts, &progress()).unwrap();
    assert_eq!(third.findings.len(), 1, "only the finding not in the baseline");
    assert_ne!(third.findings[0].file, second.findings[0].file);
    // Shipdeck's own JSON report works as a baseline too.
    std::fs::write(&base, render(&first, ReportFormat::Json)).unwrap();
    let fourth = scan(root, &opts, &progress()).unwrap();
    assert!(fourth.findings.is_empty());
    assert_eq!(fourth.ignored, 2);
}

#[test]
fn no_report_format_carries_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    let token = github_token("Rr7Tt8Yy9U");
    let pem_body: String = "MIIEowIBAAKCAQEA7q".chars().cycle().take(200).collect();
    let pem = format!(
        "-----BEGIN RSA {k}-----\n{pem_body}\n-----END RSA {k}-----\n",
        k = ["PRIVATE", " KEY"].concat()
    );
    write(root, "k.pem", &pem);
    write(root, "t.env", &format!("GITHUB_TOKEN={token}\n"));
    commit_all(&repo, "keys", 1_700_000_000);
    write(root, "new.env", &format!("GITHUB_TOKEN={token}\n"));
    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    assert_eq!(r.findings.len(), 3, "{:?}", r.findings);
    for format in [ReportFormat::Json, ReportFormat::Gitleaks, ReportFormat::Sarif] {
        let out = render(&r, format);
        assert!(!out.contains(&token), "{format:?} holds the token");
        assert!(!out.contains(&token[..12]), "{format:?} holds a long prefix");
        assert!(!out.contains(&pem_body[..20]), "{format:?} holds the key");
    }
    let debug = format!("{r:?}");
    assert!(!debug.contains(&token[..12]));
}

#[test]
fn gitleaks_report_has_exactly_gitleaks_fields() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", &format!("{}\n", github_token("Ii1Oo2Pp3L")));
    let r = scan(root, &tree_only(), &progress()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&render(&r, ReportFormat::Gitleaks)).unwrap();
    let obj = v.as_array().unwrap()[0].as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = vec![
        "RuleID",
        "Description",
        "StartLine",
        "EndLine",
        "StartColumn",
        "EndColumn",
        "Match",
        "Secret",
        "File",
        "SymlinkFile",
        "Commit",
        "Entropy",
        "Author",
        "Email",
        "Date",
        "Message",
        "Tags",
        "Fingerprint",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(obj["Fingerprint"], "a.txt:github-pat:1");
    assert_eq!(obj["StartColumn"], 1);
    assert_eq!(obj["EndColumn"], 40);
    assert_eq!(obj["Match"], "ghp_…");
}

#[test]
fn sarif_report_is_code_scanning_shaped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    write(root, "a.txt", &format!("x\n{}\n", aws_key("ABCDEFGHIJ234567")));
    let c = commit_all(&repo, "add", 1_700_000_000);
    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&render(&r, ReportFormat::Sarif)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "shipdeck-secrets");
    assert!(run["tool"]["driver"]["informationUri"].is_string());
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "aws-access-key-id");
    assert!(rule["shortDescription"]["text"].is_string());
    let res = &run["results"][0];
    assert_eq!(res["ruleId"], "aws-access-key-id");
    assert!(res["message"]["text"].as_str().unwrap().contains("a.txt"));
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a.txt");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["snippet"]["text"], "AKIA…");
    assert_eq!(res["partialFingerprints"]["commitSha"], c.to_string());
    assert_eq!(res["partialFingerprints"]["email"], "ada@example.test");
}

struct CancelOnFirst(JobRegistry);
impl ProgressSink for CancelOnFirst {
    fn emit(&self, e: &ProgressEvent) {
        if let ProgressEvent::Progress { job_id, .. } = e {
            let _ = self.0.cancel(*job_id);
        }
    }
}

fn job() -> RunningJob {
    RunningJob {
        id: 7,
        kind: JobKind::WorkspaceScan,
        workspace_id: None,
        started_at: 0,
        done: 0,
        total: None,
        message: String::new(),
    }
}

#[test]
fn cancel_before_and_while_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..300 {
        write(root, &format!("d/{i}.txt"), "plain\n");
    }
    let reg = JobRegistry::default();
    let p = reg.start(job(), Arc::new(shipdeck_base::jobs::NoProgress));
    reg.cancel(7).unwrap();
    assert!(matches!(scan(root, &tree_only(), &p), Err(Error::Cancelled)));

    let reg = JobRegistry::default();
    let p = reg.start(job(), Arc::new(CancelOnFirst(reg.clone())));
    assert!(matches!(scan(root, &tree_only(), &p), Err(Error::Cancelled)));
}

#[test]
fn since_limits_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    write(root, "a.txt", &format!("{}\n", github_token("Old1Old2Ol")));
    let c1 = commit_all(&repo, "old", 1_700_000_000);
    write(root, "b.txt", &format!("{}\n", github_token("New1New2Ne")));
    let c2 = commit_all(&repo, "new", 1_700_000_100);
    let opts = SecretsOptions {
        since: Some(c1.to_string()),
        ..SecretsOptions::default()
    };
    let r = scan(root, &opts, &progress()).unwrap();
    assert_eq!(r.commits_scanned, 1);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].commit.as_deref(), Some(c2.to_string().as_str()));
    let bad = SecretsOptions {
        since: Some("no-such-ref".into()),
        ..SecretsOptions::default()
    };
    assert_eq!(
        scan(root, &bad, &progress()).unwrap_err().code(),
        "security.bad_revision"
    );
}

#[test]
fn uncommitted_changes_report_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = init(root);
    let old = github_token("Cm1Cm2Cm3C");
    write(root, "a.txt", &format!("{old}\n"));
    commit_all(&repo, "c", 1_700_000_000);
    let new = github_token("Wt1Wt2Wt3W");
    write(root, "a.txt", &format!("{old}\n{new}\n"));
    let r = scan(root, &SecretsOptions::default(), &progress()).unwrap();
    assert_eq!(r.findings.len(), 2);
    let tree: Vec<_> = r.findings.iter().filter(|f| f.commit.is_none()).collect();
    assert_eq!(tree.len(), 1);
    assert_eq!((tree[0].start_line, tree[0].start_column), (2, 2));
    assert_eq!(tree[0].fingerprint, "a.txt:github-pat:2");
}

#[test]
fn hostile_input_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    std::fs::create_dir(&root).unwrap();
    let token = github_token("Hs1Hs2Hs3H");
    // Outside the workspace, reached only through a symlink.
    write(dir.path(), "outside.txt", &format!("{token}\n"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt")).unwrap();
    // Invalid UTF-8 around a secret, and one 4 MiB line.
    let mut bytes = vec![0xff, 0xfe, b' '];
    bytes.extend_from_slice(token.as_bytes());
    bytes.extend_from_slice(b" \xc3\x28\n");
    std::fs::write(root.join("latin.txt"), bytes).unwrap();
    let mut line = "a".repeat(4 << 20);
    line.push(' ');
    line.push_str(&github_token("Ln1Ln2Ln3L"));
    write(&root, "long.txt", &line);
    let r = scan(&root, &tree_only(), &progress()).unwrap();
    let mut files: Vec<_> = r.findings.iter().map(|f| f.file.as_str()).collect();
    files.sort_unstable();
    assert_eq!(files, ["latin.txt", "long.txt"]);
    assert_eq!(r.findings[1].start_column as usize, (4 << 20) + 2);

    // 100k rules: refused with a clear error, not a hang.
    let mut many = String::new();
    for i in 0..100_000 {
        many.push_str(&format!("[[rules]]\nid = \"r{i}\"\nregex = '''x{i}'''\n"));
    }
    write(&root, ".gitleaks.toml", &many);
    let err = scan(&root, &tree_only(), &progress()).unwrap_err();
    assert_eq!(err.code(), "security.bad_rules");
    assert!(err.to_string().contains("100000 rules"), "{err}");
    // A regex too large to compile, and an invalid one.
    write(
        &root,
        ".gitleaks.toml",
        "[[rules]]\nid = \"big\"\nregex = '''(\\w{1000}){1000}'''\n",
    );
    assert_eq!(
        scan(&root, &tree_only(), &progress()).unwrap_err().code(),
        "security.bad_rules"
    );
    write(
        &root,
        ".gitleaks.toml",
        "[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n",
    );
    assert_eq!(
        scan(&root, &tree_only(), &progress()).unwrap_err().code(),
        "security.bad_rules"
    );
    // An [extend] path that leaves the workspace.
    write(&root, ".gitleaks.toml", "[extend]\npath = \"../outside.txt\"\n");
    assert_eq!(
        scan(&root, &tree_only(), &progress()).unwrap_err().code(),
        "security.bad_rules"
    );
}

#[test]
fn legacy_allowlist_targets_and_global_allowlists_for_some_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let d = |s: &str| ["de", "mo_", s].concat();
    let o = |s: &str| ["ot", "her_", s].concat();
    write(root, "line.txt", &format!("ok-line {}\n", d("aaaa11112222")));
    write(root, "match.txt", &format!("{}\n", d("bbbb11112222")));
    write(
        root,
        "both.txt",
        &format!("{} {}\n", d("cccc11112222"), o("cccc11112222")),
    );
    write(root, "plain.txt", &format!("{}\n", d("dddd11112222")));
    write(
        root,
        "sub/base.toml",
        "[[rules]]\nid = \"other\"\nregex = '''\\bother_[a-z0-9]{12}\\b'''\n",
    );
    let cfg = r#"
[extend]
path = "sub/base.toml"

[[rules]]
id = "demo"
regex = '''\bdemo_([a-z0-9]{12})\b'''
secretGroup = 1
keywords = ["demo_"]
tags = ["team"]
[rules.allowlist]
regexTarget = "line"
regexes = ['''^\n?ok-line ''']

[[rules]]
id = "demo"
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^demo_bbbb''']

[[allowlists]]
targetRules = ["other"]
paths = ['''^both\.txt$''']
"#;
    write(root, ".gitleaks.toml", cfg);
    let err = scan(root, &tree_only(), &progress()).unwrap_err();
    assert_eq!(err.code(), "security.bad_rules", "a rule id twice: {err}");
    // The same, with the second block merged into the first.
    let cfg = cfg.replace(
        "\n[[rules]]\nid = \"demo\"\n[[rules.allowlists]]",
        "\n[[rules.allowlists]]",
    );
    write(root, ".gitleaks.toml", &cfg);
    let r = scan(root, &tree_only(), &progress()).unwrap();
    assert_eq!(r.rules, 2, "the extended file's rule and ours");
    let mut got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.file.as_str(), f.rule_id.as_str()))
        .collect();
    got.sort_unstable();
    assert_eq!(got, [("both.txt", "demo"), ("plain.txt", "demo")]);
    // Line and match targets, and the global allowlist only for `other`.
    assert_eq!(r.ignored, 3);
    let plain = r.findings.iter().find(|f| f.file == "plain.txt").unwrap();
    assert_eq!(plain.secret_redacted, "dddd…");
    assert_eq!(plain.redacted, "demo…");
    assert_eq!(plain.tags, ["team"]);
}
