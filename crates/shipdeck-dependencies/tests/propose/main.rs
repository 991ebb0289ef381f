//! `propose` end to end: update branches in a real git repository pushed to
//! a bare remote on disk, pull/merge requests on a local forge speaking
//! GitHub's, GitLab's and Gitea's API, the repository found in a local npm
//! registry and release notes read from a local upstream forge.
#![allow(clippy::too_many_lines)]

// The local registry server of the `outdated` tests, shared; this binary
// uses part of it.
#[allow(dead_code)]
#[path = "../outdated/server.rs"]
mod server;

mod forges;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use shipdeck_base::config::{Config, ReleaseConfig};
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_dependencies::propose::{propose, ProposeOptions, ProposeOutcome};
use shipdeck_dependencies::update::bump_trailers;
use shipdeck_dependencies::{Bump, Class, Ecosystem, OutdatedOptions, ProposeRequest, UserEnv};
use shipdeck_releases::forge::ForgeKind;

use forges::{forge, json_answer, kind_name, release, upstream};
use server::{start, Answer, Seen};

const TOKEN: &str = "forge-canary-token-Pq81";
const BRANCH: &str = "shipdeck/deps/npm/left-pad";

/// A progress handle outside any job, and the token that cancels it.
fn progress() -> (CancellationToken, Progress) {
    let cancel = CancellationToken::new();
    (cancel.clone(), Progress::detached(cancel))
}

struct Fixture {
    ws: tempfile::TempDir,
    repo: git2::Repository,
    bare: git2::Repository,
}

fn bump(to: &str) -> Bump {
    Bump {
        ecosystem: Ecosystem::Npm,
        name: "left-pad".into(),
        manifest: "package.json".into(),
        from: "1.0.0".into(),
        to: to.into(),
        class: Class::Minor,
        requirement_from: "^1.0.0".into(),
        requirement_to: format!("^{to}"),
        advisories: vec!["GHSA-xxxx-yyyy-zzzz".into()],
        group: None,
    }
}

fn commit(repo: &git2::Repository, refname: &str, file: &str, text: &str, message: &str) -> git2::Oid {
    let root = repo.workdir().unwrap();
    std::fs::write(root.join(file), text).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(file)).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parent = repo
        .find_reference(refname)
        .ok()
        .and_then(|r| r.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some(refname), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// A repository on `main` with left-pad 1.0.0 and an update branch to
/// `to`, its `origin` a forge-looking URL that pushes to a bare repository.
fn fixture(kind: &str, registry: &str) -> Fixture {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path().join("app");
    let mut init = git2::RepositoryInitOptions::new();
    init.initial_head("main");
    let repo = git2::Repository::init_opts(&root, &init).unwrap();
    commit(
        &repo,
        "HEAD",
        "package.json",
        "{\n  \"dependencies\": {\"left-pad\": \"^1.0.0\"}\n}\n",
        "feat: first",
    );
    std::fs::write(root.join(".npmrc"), format!("registry={registry}/npm/\n")).unwrap();
    {
        let main = repo.head().unwrap().peel_to_commit().unwrap();
        repo.branch(BRANCH, &main, false).unwrap();
    }
    let message = format!(
        "chore(deps): bump left-pad from 1.0.0 to 1.3.0\n\n{}",
        bump_trailers(&[bump("1.3.0")])
    );
    commit(
        &repo,
        &format!("refs/heads/{BRANCH}"),
        "package.json",
        "{\n  \"dependencies\": {\"left-pad\": \"^1.3.0\"}\n}\n",
        &message,
    );
    // The commit wrote the branch's file into the work tree: back to main's.
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    let bare = git2::Repository::init_bare(ws.path().join("remote.git")).unwrap();
    repo.remote("origin", &format!("https://{kind}.test/acme/app.git"))
        .unwrap();
    repo.config()
        .unwrap()
        .set_str("remote.origin.pushurl", bare.path().to_str().unwrap())
        .unwrap();
    Fixture { ws, repo, bare }
}

fn config(kind: &str, api: &str) -> Config {
    Config {
        release: ReleaseConfig {
            forge: Some(kind.into()),
            forge_api: Some(api.into()),
            ..ReleaseConfig::default()
        },
        ..Config::default()
    }
}

fn opts(home: &Path, upstream_host: &str, kind: ForgeKind) -> ProposeOptions {
    ProposeOptions {
        registry: OutdatedOptions {
            env: UserEnv {
                home: Some(home.to_path_buf()),
                vars: Default::default(),
            },
            timeout: Duration::from_secs(10),
            reuse_connections: false,
            ..OutdatedOptions::default()
        },
        upstream_forges: vec![(upstream_host.to_string(), kind)],
        ..ProposeOptions::default()
    }
}

fn run(
    f: &Fixture,
    cfg: &Config,
    opts: &ProposeOptions,
    token: Option<&str>,
) -> shipdeck_base::error::Result<ProposeOutcome> {
    let (_reg, p) = progress();
    propose(
        f.repo.workdir().unwrap(),
        Some(cfg),
        &ProposeRequest::default(),
        token,
        opts,
        &p,
    )
}

fn branch_at(bare: &git2::Repository) -> Option<String> {
    bare.find_reference(&format!("refs/heads/{BRANCH}"))
        .ok()
        .and_then(|r| r.target())
        .map(|o| o.to_string())
}

fn host_of(base: &str) -> &str {
    base.trim_start_matches("http://")
}

#[test]
fn pushes_and_opens_then_updates_on_github_gitlab_and_gitea() {
    for kind in [ForgeKind::Github, ForgeKind::Gitlab, ForgeKind::Gitea] {
        let name = kind_name(kind);
        let forge = forge(kind);
        let up = upstream(kind, Arc::default());
        let f = fixture(name, &up.base);
        let cfg = config(name, &format!("{}/api", forge.base));
        let o = opts(f.ws.path(), host_of(&up.base), kind);

        let first = run(&f, &cfg, &o, Some(TOKEN)).unwrap();
        let tip = f
            .repo
            .find_branch(BRANCH, git2::BranchType::Local)
            .unwrap()
            .get()
            .target()
            .unwrap()
            .to_string();
        assert_eq!(
            branch_at(&f.bare).as_deref(),
            Some(tip.as_str()),
            "{name}: pushed"
        );
        assert_eq!(first.remote, "origin");
        let p = &first.proposals[0];
        assert!(p.created, "{name}");
        assert_eq!((p.branch.as_str(), p.base.as_str()), (BRANCH, "main"));
        assert_eq!(p.title, "chore(deps): bump left-pad from 1.0.0 to 1.3.0");
        assert_eq!(p.commit, tip);
        assert_eq!(p.bumps, vec![bump("1.3.0")]);

        let reqs = forge.requests();
        let create = reqs
            .iter()
            .find(|r| r.method == "POST" && !r.url.contains("/labels"))
            .unwrap_or_else(|| panic!("{name}: no create in {reqs:?}"));
        let sent: Value = serde_json::from_str(&create.body).unwrap();
        let (body_key, expected_url) = match kind {
            ForgeKind::Github => ("body", "/api/repos/acme/app/pulls"),
            ForgeKind::Gitlab => ("description", "/api/projects/acme%2Fapp/merge_requests"),
            ForgeKind::Gitea => ("body", "/api/repos/acme/app/pulls"),
        };
        assert_eq!(create.url, expected_url, "{name}");
        assert_eq!(sent["title"], p.title);
        let body = sent[body_key].as_str().unwrap();
        assert_eq!(body, p.body);
        assert!(
            body.contains(
                "| **left-pad** (security: GHSA-xxxx-yyyy-zzzz) | 1.0.0 | 1.3.0 | minor | package.json |"
            ),
            "{name}: {body}"
        );
        for wanted in [
            "Pads with any character.",
            "Faster padding.",
            "@\u{200B}alice",
            "#\u{200B}12",
            "&lt;script>",
        ] {
            assert!(body.contains(wanted), "{name}: {wanted:?} in {body}");
        }
        for unwanted in [
            "First release text.",
            "not yet",
            "<script>",
            "@alice",
            "\n## Big heading",
        ] {
            assert!(!body.contains(unwanted), "{name}: {unwanted:?} in {body}");
        }
        let list = &reqs[0];
        assert_eq!(list.method, "GET", "{name}: the open request is looked up first");
        match kind {
            ForgeKind::Github => {
                assert!(
                    list.url.contains("head=acme%3Ashipdeck%2Fdeps%2Fnpm%2Fleft-pad"),
                    "{}",
                    list.url
                )
            }
            ForgeKind::Gitlab => assert!(list.url.contains("source_branch=shipdeck%2Fdeps"), "{}", list.url),
            ForgeKind::Gitea => assert!(list.url.contains("state=open"), "{}", list.url),
        }
        for r in &reqs {
            let token = match kind {
                ForgeKind::Github => r.authorization.clone() == Some(format!("Bearer {TOKEN}")),
                ForgeKind::Gitlab => r.private_token.as_deref() == Some(TOKEN),
                ForgeKind::Gitea => r.authorization.clone() == Some(format!("token {TOKEN}")),
            };
            assert!(token, "{name}: {r:?}");
        }
        let upstream_seen: Vec<Seen> = up.requests();
        assert!(
            upstream_seen.iter().any(|r| r.url.contains("/releases")),
            "{name}"
        );
        assert!(
            upstream_seen
                .iter()
                .all(|r| r.authorization.is_none() && r.private_token.is_none()),
            "{name}: the token went upstream: {upstream_seen:?}"
        );

        // A new commit on the branch: the same request is updated.
        let message = format!(
            "chore(deps): bump left-pad to 1.3.0\n\n{}",
            bump_trailers(&[bump("1.3.0")])
        );
        let new_tip = commit(
            &f.repo,
            &format!("refs/heads/{BRANCH}"),
            "package.json",
            "{\n  \"dependencies\": {\"left-pad\": \"~1.3.0\"}\n}\n",
            &message,
        );
        f.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        let second = run(&f, &cfg, &o, Some(TOKEN)).unwrap();
        let p2 = &second.proposals[0];
        assert!(!p2.created, "{name}");
        assert_eq!(p2.number, p.number, "{name}");
        assert_eq!(p2.url, p.url, "{name}");
        assert_eq!(p2.title, p.title, "{name}: the first commit's subject");
        assert_eq!(
            branch_at(&f.bare),
            Some(new_tip.to_string()),
            "{name}: pushed again"
        );
        let reqs = forge.requests();
        let creates = reqs
            .iter()
            .filter(|r| r.method == "POST" && !r.url.contains("/labels"))
            .count();
        assert_eq!(creates, 1, "{name}: {reqs:?}");
        let update = reqs.last().unwrap();
        let method = if kind == ForgeKind::Gitlab { "PUT" } else { "PATCH" };
        assert_eq!(update.method, method, "{name}");
        assert!(
            update.url.ends_with(&format!("/{}", p.number.unwrap())),
            "{}",
            update.url
        );
        let sent: Value = serde_json::from_str(&update.body).unwrap();
        assert!(sent[body_key].as_str().unwrap().contains("Faster padding."));
    }
}

#[test]
fn an_unreachable_forge_fails_before_anything_is_pushed() {
    let up = upstream(ForgeKind::Github, Arc::default());
    let f = fixture("github", &up.base);
    // A port that was free a moment ago: nothing answers there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let cfg = config("github", &format!("http://127.0.0.1:{port}/api"));
    let o = opts(f.ws.path(), host_of(&up.base), ForgeKind::Github);
    let err = run(&f, &cfg, &o, Some(TOKEN)).unwrap_err();
    assert_eq!(err.code(), "release.forge_unreachable");
    assert!(!err.payload().message.contains(TOKEN));
    assert_eq!(branch_at(&f.bare), None, "nothing pushed");
}

#[test]
fn hostile_or_failing_release_notes_are_bounded_or_linked() {
    // One huge release body and a long list: the excerpt and body stay bounded.
    let huge = "@everyone <img src=x onerror=alert(1)> ".repeat(30_000);
    let mut list: Vec<Value> = (0..50)
        .map(|i| release(ForgeKind::Github, &format!("v1.2.{i}"), &"x".repeat(9000)))
        .collect();
    list.insert(0, release(ForgeKind::Github, "v1.3.0", &huge));
    let answer = Arc::new(Mutex::new(Some(json_answer(200, &Value::Array(list)))));
    let forge_server = forge(ForgeKind::Github);
    let up = upstream(ForgeKind::Github, answer);
    let f = fixture("github", &up.base);
    let cfg = config("github", &format!("{}/api", forge_server.base));
    let o = opts(f.ws.path(), host_of(&up.base), ForgeKind::Github);
    let out = run(&f, &cfg, &o, Some(TOKEN)).unwrap();
    let body = &out.proposals[0].body;
    assert!(body.len() <= 60 << 10, "{}", body.len());
    assert!(
        !body.contains("<img") && !body.contains("@everyone"),
        "neutralized"
    );
    let quoted = body
        .lines()
        .filter(|l| l.starts_with("> "))
        .map(str::len)
        .sum::<usize>();
    assert!(
        quoted <= 10 * (4 << 10) + 10 * 400,
        "at most 10 excerpts of 4 KiB: {quoted}"
    );
    assert!(!body.contains("v1.2.10"), "one page of 10 releases: {body}");

    // The upstream forge fails, or redirects to another origin (not
    // followed): a link instead, and the request is still opened.
    let elsewhere =
        start(|_, _| json_answer(200, &json!([release(ForgeKind::Github, "v1.3.0", "ELSEWHERE")])));
    let redirect = Answer {
        status: 302,
        headers: vec![("Location".into(), format!("{}/notes", elsewhere.base))],
        body: Vec::new(),
    };
    for failure in [Answer::status(500), redirect] {
        let forge_server = forge(ForgeKind::Github);
        let up = upstream(ForgeKind::Github, Arc::new(Mutex::new(Some(failure))));
        let f = fixture("github", &up.base);
        let cfg = config("github", &format!("{}/api", forge_server.base));
        let o = opts(f.ws.path(), host_of(&up.base), ForgeKind::Github);
        let out = run(&f, &cfg, &o, Some(TOKEN)).unwrap();
        let p = &out.proposals[0];
        assert!(p.created);
        assert!(
            p.body
                .contains(&format!("Release notes: {}/acme/left-pad/releases", up.base)),
            "{}",
            p.body
        );
        assert!(!p.body.contains("ELSEWHERE"));
    }
    assert!(elsewhere.requests().is_empty(), "the redirect was not followed");
}

#[test]
fn typed_errors_without_a_branch_a_token_or_a_forge() {
    let up = upstream(ForgeKind::Github, Arc::default());
    let f = fixture("github", &up.base);
    let o = opts(f.ws.path(), host_of(&up.base), ForgeKind::Github);
    let cfg = config("github", "http://127.0.0.1:9/api");
    let err = run(&f, &cfg, &o, None).unwrap_err();
    assert_eq!(err.code(), "release.no_token");

    let (_reg, p) = progress();
    let request = ProposeRequest {
        branch: Some("shipdeck/deps/none".into()),
    };
    let err = propose(
        f.repo.workdir().unwrap(),
        Some(&cfg),
        &request,
        Some(TOKEN),
        &o,
        &p,
    )
    .unwrap_err();
    assert_eq!(err.code(), "dependencies.no_update_branch");
    assert!(err.payload().hint.unwrap().contains("deps update"));

    // The branch merged into main: nothing left to propose.
    let tip = f
        .repo
        .find_branch(BRANCH, git2::BranchType::Local)
        .unwrap()
        .get()
        .target()
        .unwrap();
    f.repo
        .find_reference("refs/heads/main")
        .unwrap()
        .set_target(tip, "merged")
        .unwrap();
    let err = run(&f, &cfg, &o, Some(TOKEN)).unwrap_err();
    assert_eq!(err.code(), "dependencies.no_update_branch");

    f.repo
        .remote_set_url("origin", "https://git.internal/acme/app.git")
        .unwrap();
    let err = run(&f, &Config::default(), &o, Some(TOKEN)).unwrap_err();
    assert_eq!(err.code(), "dependencies.forge_unsupported");
    assert!(err.payload().hint.is_some());
}

#[test]
fn a_branch_of_the_users_is_never_force_pushed() {
    let forge_server = forge(ForgeKind::Github);
    let up = upstream(ForgeKind::Github, Arc::default());
    let f = fixture("github", &up.base);
    let cfg = config("github", &format!("{}/api", forge_server.base));
    let o = opts(f.ws.path(), host_of(&up.base), ForgeKind::Github);
    let mine = "my/left-pad";
    let tip = f
        .repo
        .find_branch(BRANCH, git2::BranchType::Local)
        .unwrap()
        .get()
        .peel_to_commit()
        .unwrap();
    f.repo.branch(mine, &tip, false).unwrap();
    let request = ProposeRequest {
        branch: Some(mine.into()),
    };
    let (_reg, p) = progress();
    let root = f.repo.workdir().unwrap();
    let out = propose(root, Some(&cfg), &request, Some(TOKEN), &o, &p).unwrap();
    assert_eq!(out.proposals[0].branch, mine);
    let pushed = |bare: &git2::Repository| {
        bare.find_reference(&format!("refs/heads/{mine}"))
            .unwrap()
            .target()
            .unwrap()
    };
    assert_eq!(pushed(&f.bare), tip.id());

    // The branch rewritten locally: the remote's commits are not replaced.
    let main = f.repo.head().unwrap().peel_to_commit().unwrap();
    f.repo.branch(mine, &main, true).unwrap();
    let message = format!(
        "chore(deps): left-pad 1.2.0\n\n{}",
        bump_trailers(&[bump("1.2.0")])
    );
    commit(
        &f.repo,
        &format!("refs/heads/{mine}"),
        "package.json",
        "{\n  \"dependencies\": {\"left-pad\": \"^1.2.0\"}\n}\n",
        &message,
    );
    let err = propose(root, Some(&cfg), &request, Some(TOKEN), &o, &p).unwrap_err();
    assert_eq!(err.code(), "release.push_rejected");
    assert_eq!(pushed(&f.bare), tip.id());
}
