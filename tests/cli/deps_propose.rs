//! `shipdeck deps propose` end to end: an update branch made with git2
//! (its commit carrying the `Shipdeck-Bump` trailer) pushed to a bare
//! repository, its pull request opened then updated on the local forge,
//! which also serves the npm packument and the upstream releases.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::release::forge_server::{ForgeServer, Seen};
use crate::util::{assert_code, text, Env, Repo};

const TOKEN: &str = "forge-canary-token-Dp44";
const BRANCH: &str = "shipdeck/deps/npm/left-pad";

/// GitHub's pull request API over a list kept in memory, npm's packument
/// of left-pad (its repository: this server, as a Gitea host) and
/// left-pad's releases.
fn responder(port: Arc<Mutex<u16>>) -> impl FnMut(&Seen) -> (u16, Value) + Send + 'static {
    let mut open: Vec<u64> = Vec::new();
    move |r: &Seen| {
        let pr = |n: u64| json!({"number": n, "html_url": format!("https://github.test/acme/app/pull/{n}"), "head": {"ref": BRANCH}});
        let path = r.url.split('?').next().unwrap_or_default();
        match (r.method.as_str(), path) {
            ("GET", "/npm/left-pad") => {
                let repo = format!("http://127.0.0.1:{}/acme/left-pad", port.lock().unwrap());
                (
                    200,
                    json!({"name": "left-pad", "dist-tags": {"latest": "1.3.0"},
                    "versions": {"1.1.0": {}, "1.3.0": {}}, "repository": repo}),
                )
            }
            ("GET", "/api/v1/repos/acme/left-pad/releases") => (
                200,
                json!([{"tag_name": "v1.3.0", "name": "1.3.0", "body": "Pads faster, thanks @bob.",
                        "html_url": "https://upstream.test/v1.3.0"}]),
            ),
            ("GET", "/api/repos/acme/app/pulls") => {
                (200, Value::Array(open.iter().map(|n| pr(*n)).collect()))
            }
            ("POST", "/api/repos/acme/app/pulls") => {
                open.push(7);
                (201, pr(7))
            }
            ("PATCH", "/api/repos/acme/app/pulls/7") => (200, pr(7)),
            (_, p) if p.ends_with("/labels") => (200, json!([])),
            _ => (404, json!({"message": "Not Found"})),
        }
    }
}

fn bump_message() -> String {
    let bump = json!({"ecosystem": "npm", "name": "left-pad", "manifest": "package.json",
        "from": "1.1.0", "to": "1.3.0", "class": "minor", "requirement_from": "^1.1.0",
        "requirement_to": "^1.3.0", "advisories": [], "group": null});
    format!("chore(deps): bump left-pad from 1.1.0 to 1.3.0\n\nShipdeck-Bump: {bump}\n")
}

#[test]
fn propose_pushes_the_branch_then_opens_and_updates_its_pull_request() {
    let env = Env::new();
    let port = Arc::new(Mutex::new(0));
    let forge = ForgeServer::with(responder(port.clone()));
    *port.lock().unwrap() = forge.port;
    let mut r = Repo::init(&env.path("app"));
    r.write("package.json", r#"{"dependencies":{"left-pad":"^1.1.0"}}"#);
    r.write(
        ".npmrc",
        &format!("registry=http://127.0.0.1:{}/npm/\n", forge.port),
    );
    r.write(
        "shipdeck.toml",
        &format!(
            "[release]\nforge = \"github\"\nforge_api = \"http://127.0.0.1:{}/api\"\ntoken = \"env:SHIPDECK_TEST_FORGE_TOKEN\"\n",
            forge.port
        ),
    );
    r.commit("feat: first");
    // The update branch: one commit with the bump trailer, then back on main.
    {
        let main = r.repo.head().unwrap().peel_to_commit().unwrap();
        r.repo.branch(BRANCH, &main, false).unwrap();
    }
    r.repo.set_head(&format!("refs/heads/{BRANCH}")).unwrap();
    r.write("package.json", r#"{"dependencies":{"left-pad":"^1.3.0"}}"#);
    let tip = r.commit(&bump_message());
    r.repo.set_head("refs/heads/main").unwrap();
    r.repo
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    let bare = git2::Repository::init_bare(env.path("remote.git")).unwrap();
    r.repo
        .remote("origin", "https://github.test/acme/app.git")
        .unwrap();
    r.repo
        .config()
        .unwrap()
        .set_str("remote.origin.pushurl", bare.path().to_str().unwrap())
        .unwrap();
    let home = env.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let propose = |json: bool| {
        let mut args = vec!["-C", r.root_str(), "deps", "propose"];
        if json {
            args.push("--json");
        }
        env.cmd()
            .env("HOME", &home)
            .env("SHIPDECK_TEST_FORGE_TOKEN", TOKEN)
            .env(
                "SHIPDECK_UPSTREAM_FORGES",
                format!("127.0.0.1:{}=gitea", forge.port),
            )
            .args(&args)
            .output()
            .unwrap()
    };

    let out = propose(true);
    assert_code(&out, 0);
    assert!(!text(&out.stdout).contains(TOKEN) && !text(&out.stderr).contains(TOKEN));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["remote"], "origin");
    let p = &v["proposals"][0];
    assert_eq!(p["branch"], BRANCH);
    assert_eq!(p["base"], "main");
    assert_eq!(p["created"], true);
    assert_eq!(p["number"], 7);
    assert_eq!(p["url"], "https://github.test/acme/app/pull/7");
    assert_eq!(p["title"], "chore(deps): bump left-pad from 1.1.0 to 1.3.0");
    assert_eq!(p["bumps"][0]["to"], "1.3.0");
    let target = bare
        .find_reference(&format!("refs/heads/{BRANCH}"))
        .unwrap()
        .target()
        .unwrap();
    assert_eq!(
        target.to_string(),
        tip,
        "the branch is on the remote at its commit"
    );

    let seen = forge.requests();
    let create = seen
        .iter()
        .find(|s| s.method == "POST" && s.url == "/api/repos/acme/app/pulls")
        .expect("a pull request was created");
    assert_eq!(create.body["head"], BRANCH);
    assert_eq!(create.body["base"], "main");
    let body = create.body["body"].as_str().unwrap();
    assert!(
        body.contains("| **left-pad** | 1.1.0 | 1.3.0 | minor | package.json |"),
        "{body}"
    );
    assert!(body.contains("Pads faster, thanks @\u{200B}bob."), "{body}");
    for s in &seen {
        let api = s.url.starts_with("/api/repos/acme/app/");
        let auth = s.header("authorization");
        if api {
            assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()), "{s:?}");
        } else {
            assert_eq!(auth, None, "no credential upstream: {s:?}");
        }
    }

    let out = propose(false);
    assert_code(&out, 0);
    let human = text(&out.stdout);
    assert!(
        human.contains(&format!(
            "{BRANCH} → https://github.test/acme/app/pull/7 (updated, into main)"
        )),
        "{human}"
    );
    let seen = forge.requests();
    assert_eq!(
        seen.iter()
            .filter(|s| s.method == "POST" && s.url.ends_with("/pulls"))
            .count(),
        1
    );
    assert!(seen.iter().any(|s| s.method == "PATCH"));
    let v = env.json(&["-C", r.root_str(), "activity", "--audit", "--json"], 0);
    let audit = v.to_string();
    assert!(
        audit.contains("deps.propose") && !audit.contains(TOKEN),
        "{audit}"
    );
}
