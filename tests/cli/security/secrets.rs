//! These run the secrets engine end to end: a GitHub token planted in one
//! commit and removed in the next, generated at run time so no secret is
//! ever checked in.

use rand::Rng;

use crate::util::{assert_code, text, Env, Repo};

fn planted_token() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let body: String = (0..36)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect();
    format!("ghp_{body}")
}

/// A repository whose history holds `token` in `config/deploy.env` (added,
/// then removed); the working tree is clean.
fn leaked(env: &Env, token: &str) -> (Repo, String) {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("README.md", "# service\n");
    repo.commit("init");
    repo.write(
        "config/deploy.env",
        &format!("REGION=eu-west-1\nGITHUB_TOKEN={token}\n"),
    );
    let sha = repo.commit("chore: deploy config");
    repo.write(
        "config/deploy.env",
        "REGION=eu-west-1\nGITHUB_TOKEN=${GITHUB_TOKEN}\n",
    );
    repo.commit("chore: token from the environment");
    (repo, sha)
}

#[test]
fn a_secret_in_history_is_found_redacted_and_exits_1() {
    let env = Env::new();
    let token = planted_token();
    let (repo, sha) = leaked(&env, &token);
    let out = env.run(&["-C", repo.root_str(), "security", "secrets", "--json"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains(&token), "the token must never be printed");
    assert!(!text(&out.stderr).contains(&token));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    let f = &findings[0];
    assert_eq!(f["file"], "config/deploy.env");
    assert_eq!(f["start_line"], 2);
    assert_eq!(f["commit"], sha.as_str());
    assert_eq!(f["author"], "Test Author");
    assert!(f["redacted"].as_str().unwrap().starts_with("ghp_"));
    assert!(report["commits_scanned"].as_u64().unwrap() >= 3);

    // The working tree alone is clean.
    let clean = env.json(
        &["-C", repo.root_str(), "security", "secrets", "--no-git", "--json"],
        0,
    );
    assert_eq!(clean["findings"], serde_json::json!([]));

    // --since the leaking commit's child: nothing after it leaked.
    let since = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "secrets",
            "--since",
            &sha,
            "--json",
        ],
        0,
    );
    assert_eq!(since["findings"], serde_json::json!([]));

    // The job row keeps counts only.
    let activity = env.json(&["-C", repo.root_str(), "activity", "--json"], 0);
    assert!(activity.to_string().contains("security_secrets"), "{activity}");
    assert!(!activity.to_string().contains(&token));
}

#[test]
fn reports_are_written_redacted_and_never_inside_git() {
    let env = Env::new();
    let token = planted_token();
    let (repo, _) = leaked(&env, &token);
    for (format, name) in [
        ("json", "r.json"),
        ("sarif", "r.sarif"),
        ("gitleaks", "r.gitleaks.json"),
    ] {
        let path = env.path(name);
        let out = env.run(&[
            "-C",
            repo.root_str(),
            "security",
            "secrets",
            "--report-format",
            format,
            "--report-path",
            path.to_str().unwrap(),
        ]);
        assert_code(&out, 1);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(!written.contains(&token), "{format} report holds the token");
        assert!(written.contains("config/deploy.env"), "{format}: {written}");
        let _: serde_json::Value = serde_json::from_str(&written).unwrap();
    }
    let inside = format!("{}/.git/report.json", repo.root_str());
    let err = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "secrets",
            "--report-path",
            &inside,
            "--json",
        ],
        1,
    );
    assert_eq!(err["code"], "input.invalid", "{err}");
    assert!(!std::path::Path::new(&inside).exists());
}

#[test]
fn gitleaksignore_and_a_baseline_accept_known_findings() {
    let env = Env::new();
    let token = planted_token();
    let (repo, _) = leaked(&env, &token);
    let first = env.json(&["-C", repo.root_str(), "security", "secrets", "--json"], 1);
    let baseline = env.path("baseline.json");
    std::fs::write(&baseline, first.to_string()).unwrap();
    let accepted = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "secrets",
            "--baseline",
            baseline.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(accepted["findings"], serde_json::json!([]));
    assert!(accepted["ignored"].as_u64().unwrap() >= 1);

    let fingerprint = first["findings"][0]["fingerprint"].as_str().unwrap();
    std::fs::write(repo.root.join(".gitleaksignore"), format!("{fingerprint}\n")).unwrap();
    let ignored = env.json(&["-C", repo.root_str(), "security", "secrets", "--json"], 0);
    assert_eq!(ignored["findings"], serde_json::json!([]));
}
