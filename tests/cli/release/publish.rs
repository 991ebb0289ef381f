use super::forge_server::ForgeServer;
use super::released_repo;
use crate::util::{text, Env, Repo};

const TOKEN: &str = "forge-canary-token-7Hq2";

/// A released repo whose `origin` fetches from a forge-looking URL and
/// pushes to a local bare repository.
fn with_remote(env: &Env, forge_url: &str) -> (Repo, git2::Repository) {
    let mut r = released_repo(env);
    let bare = git2::Repository::init_bare(env.path("remote.git")).unwrap();
    r.repo.remote("origin", forge_url).unwrap();
    r.repo
        .config()
        .unwrap()
        .set_str("remote.origin.pushurl", bare.path().to_str().unwrap())
        .unwrap();
    r.change("src/lib.rs", "feat(api): search (#9)");
    (r, bare)
}

fn cut(env: &Env, r: &Repo) {
    env.json(&["-C", r.root_str(), "release", "cut", "--json"], 0);
}

fn publish(env: &Env, r: &Repo, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["-C", r.root_str(), "release", "publish", "--json"];
    args.extend_from_slice(extra);
    env.cmd()
        .env("SHIPDECK_TEST_FORGE_TOKEN", TOKEN)
        .args(&args)
        .output()
        .unwrap()
}

fn config(r: &mut Repo, kind: &str, port: u16) {
    r.write(
        "shipdeck.toml",
        &format!("[release]\nforge = \"{kind}\"\nforge_api = \"http://127.0.0.1:{port}/api\"\ntoken = \"env:SHIPDECK_TEST_FORGE_TOKEN\"\n"),
    );
    r.commit("chore: release config");
}

#[test]
fn push_only_to_a_local_bare_remote() {
    let env = Env::new();
    let (r, bare) = with_remote(&env, "/nonexistent/not-a-forge");
    cut(&env, &r);
    let dry = publish(&env, &r, &["--dry-run", "--no-forge-release"]);
    crate::util::assert_code(&dry, 0);
    assert!(
        bare.find_reference("refs/tags/v1.1.0").is_err(),
        "dry run pushes nothing"
    );
    let out = publish(&env, &r, &["--no-forge-release"]);
    crate::util::assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["refs"],
        serde_json::json!(["refs/heads/main", "refs/tags/v1.1.0"])
    );
    assert_eq!(
        bare.find_reference("refs/heads/main")
            .unwrap()
            .target()
            .unwrap()
            .to_string(),
        r.head()
    );
    assert!(bare.find_reference("refs/tags/v1.1.0").is_ok());
}

#[test]
fn an_unreachable_remote_blocks_rollback_unless_not_pushed_is_said() {
    let env = Env::new();
    let (r, _bare) = with_remote(&env, "/nonexistent/x");
    r.repo
        .config()
        .unwrap()
        .set_str("remote.origin.pushurl", "/nonexistent/gone.git")
        .unwrap();
    cut(&env, &r);
    let v = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "x",
            "--dry-run",
            "--json",
        ],
        1,
    );
    assert_eq!(v["code"], "release.remote_unreachable");
    assert!(v["hint"].as_str().unwrap().contains("--not-pushed"));
    let v = env.json(
        &[
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "x",
            "--not-pushed",
            "--dry-run",
            "--json",
        ],
        0,
    );
    assert_eq!(v["pushed"], false);
}

#[test]
fn publishing_needs_a_release_commit() {
    let env = Env::new();
    let (r, _bare) = with_remote(&env, "/nonexistent/x");
    let out = publish(&env, &r, &["--no-forge-release"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "release.not_a_release_commit");
}

#[test]
fn forge_releases_for_github_gitlab_and_gitea() {
    for (kind, path, auth) in [
        (
            "github",
            "/api/repos/acme/app/releases",
            ("authorization", format!("Bearer {TOKEN}")),
        ),
        (
            "gitlab",
            "/api/projects/acme%2Fapp/releases",
            ("private-token", TOKEN.to_string()),
        ),
        (
            "gitea",
            "/api/repos/acme/app/releases",
            ("authorization", format!("token {TOKEN}")),
        ),
    ] {
        let env = Env::new();
        let server = ForgeServer::start(&[]);
        let (mut r, bare) = with_remote(&env, &format!("https://{kind}.test/acme/app.git"));
        config(&mut r, kind, server.port);
        cut(&env, &r);
        let out = publish(&env, &r, &[]);
        crate::util::assert_code(&out, 0);
        assert!(!text(&out.stdout).contains(TOKEN) && !text(&out.stderr).contains(TOKEN));
        assert!(
            bare.find_reference("refs/tags/v1.1.0").is_ok(),
            "{kind}: pushed first"
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["forge_releases"][0]["created"], true, "{kind}");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1, "{kind}: {reqs:?}");
        let req = &reqs[0];
        assert_eq!((req.method.as_str(), req.url.as_str()), ("POST", path), "{kind}");
        assert_eq!(req.header(auth.0), Some(auth.1.as_str()), "{kind}");
        assert_eq!(req.body["tag_name"], "v1.1.0");
        let notes = req
            .body
            .get("body")
            .or(req.body.get("description"))
            .unwrap()
            .as_str()
            .unwrap();
        assert!(
            notes.contains("### Added") && notes.contains("search"),
            "{kind}: {notes}"
        );
        assert!(
            !notes.contains("## [1.1.0]"),
            "the heading is the release title, not part of the notes"
        );
    }
}

#[test]
fn an_existing_forge_release_is_reported_not_failed() {
    let env = Env::new();
    let server = ForgeServer::start(&["v1.1.0"]);
    let (mut r, _bare) = with_remote(&env, "https://github.test/acme/app.git");
    config(&mut r, "github", server.port);
    cut(&env, &r);
    let out = publish(&env, &r, &[]);
    crate::util::assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["forge_releases"][0]["created"], false);
}

#[test]
fn a_forge_without_a_token_fails_before_pushing() {
    let env = Env::new();
    let server = ForgeServer::start(&[]);
    let (mut r, bare) = with_remote(&env, "https://github.test/acme/app.git");
    config(&mut r, "github", server.port);
    cut(&env, &r);
    let out = env
        .cmd()
        .env_remove("SHIPDECK_TEST_FORGE_TOKEN")
        .args(["-C", r.root_str(), "release", "publish", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "release.no_token");
    assert!(bare.find_reference("refs/tags/v1.1.0").is_err());
    assert!(server.requests().is_empty());
}

#[test]
fn a_diverged_remote_rejects_the_push() {
    let env = Env::new();
    let (r, bare) = with_remote(&env, "/nonexistent/x");
    // Someone else pushed first.
    let sig = git2::Signature::now("Other", "o@example.com").unwrap();
    let tree = bare.treebuilder(None).unwrap().write().unwrap();
    let tree = bare.find_tree(tree).unwrap();
    bare.commit(Some("refs/heads/main"), &sig, &sig, "elsewhere", &tree, &[])
        .unwrap();
    cut(&env, &r);
    let out = publish(&env, &r, &["--no-forge-release"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "release.push_rejected", "{v}");
}

#[test]
fn pushed_rollback_reverts_then_cuts_a_patch_and_marks_the_forge_release() {
    let env = Env::new();
    let server = ForgeServer::start(&[]);
    let (mut r, bare) = with_remote(&env, "https://gitea.test/acme/app.git");
    config(&mut r, "gitea", server.port);
    r.change("src/lib.rs", "feat: risky change");
    cut(&env, &r);
    crate::util::assert_code(&publish(&env, &r, &[]), 0);
    let released_head = r.head();

    let dry = env
        .cmd()
        .env("SHIPDECK_TEST_FORGE_TOKEN", TOKEN)
        .args([
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "crashes on start",
            "--dry-run",
            "--json",
        ])
        .output()
        .unwrap();
    let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        (dry["pushed"].as_bool(), dry["new_version"].as_str()),
        (Some(true), Some("1.1.1"))
    );
    assert_eq!(r.head(), released_head, "dry run");

    let out = env
        .cmd()
        .env("SHIPDECK_TEST_FORGE_TOKEN", TOKEN)
        .args([
            "-C",
            r.root_str(),
            "release",
            "rollback",
            "1.1.0",
            "--reason",
            "crashes on start",
            "--json",
        ])
        .output()
        .unwrap();
    crate::util::assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // History is not rewritten: the released commit is an ancestor of HEAD.
    let head = r.repo.head().unwrap().peel_to_commit().unwrap();
    assert!(r
        .repo
        .graph_descendant_of(head.id(), git2::Oid::from_str(&released_head).unwrap())
        .unwrap());
    assert_eq!(head.summary(), Some("chore(release): 1.1.1"));
    assert_eq!(
        head.parent(0).unwrap().summary(),
        Some("revert: roll back app 1.1.0")
    );
    assert!(
        r.repo.find_reference("refs/tags/v1.1.0").is_ok(),
        "the pushed tag stays"
    );
    assert!(r.repo.find_reference("refs/tags/v1.1.1").is_ok());
    // Everything 1.1.0 released (v1.0.0..v1.1.0) is reverted: the file is
    // as v1.0.0 had it.
    let at_previous = r
        .repo
        .revparse_single("v1.0.0:src/lib.rs")
        .unwrap()
        .peel_to_blob()
        .unwrap()
        .content()
        .to_vec();
    assert_eq!(
        std::fs::read(r.root.join("src/lib.rs")).unwrap(),
        at_previous,
        "released changes reverted"
    );
    assert!(std::fs::read_to_string(r.root.join("Cargo.toml"))
        .unwrap()
        .contains("version = \"1.1.1\""));
    let changelog = std::fs::read_to_string(r.root.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains("## [1.1.1]")
            && changelog.contains("Rolled back 1.1.0: crashes on start")
            && changelog.contains("## [1.1.0]")
    );
    assert!(r.repo.statuses(None).unwrap().is_empty());
    assert!(
        v["steps"].to_string().contains("marked the forge release v1.1.0"),
        "{v}"
    );
    let reqs = server.requests();
    let patch = reqs
        .iter()
        .find(|q| q.method == "PATCH")
        .expect("a PATCH of the release");
    assert_eq!(patch.url, "/api/repos/acme/app/releases/7");
    assert!(patch.body["name"].as_str().unwrap().ends_with("(rolled back)"));
    assert!(
        bare.find_reference("refs/tags/v1.1.1").is_err(),
        "publishing the patch is a separate step"
    );
}

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate; it
/// answers every request with 404 (it is not a git server).
struct TlsServer {
    child: std::process::Child,
    port: u16,
    cert: std::path::PathBuf,
}

impl TlsServer {
    fn start(env: &Env) -> TlsServer {
        let dir = env.path("tls");
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let gen = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
            ])
            .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .unwrap();
        assert!(gen.status.success(), "{}", String::from_utf8_lossy(&gen.stderr));
        let script = "import http.server, ssl, sys\n\
class H(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(404); self.end_headers()\n    def log_message(self, *a): pass\n\
s = http.server.HTTPServer(('127.0.0.1', 0), H)\n\
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1], sys.argv[2])\n\
s.socket = c.wrap_socket(s.socket, server_side=True)\n\
print(s.server_address[1], flush=True)\ns.serve_forever()\n";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&cert)
            .arg(&key)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        TlsServer {
            child,
            port: line.trim().parse().unwrap(),
            cert,
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn https_pushes_verify_the_server_against_the_ca_bundle() {
    // libgit2's CA loading is deferred to the first network operation; the
    // bundle named by SSL_CERT_FILE must still decide whom to trust.
    let env = Env::new();
    let server = TlsServer::start(&env);
    let (r, _bare) = with_remote(&env, "/nonexistent/x");
    let url = format!("https://127.0.0.1:{}/acme/app.git", server.port);
    r.repo
        .config()
        .unwrap()
        .set_str("remote.origin.pushurl", &url)
        .unwrap();
    cut(&env, &r);
    let publish_with = |ca: &std::path::Path| {
        let out = env
            .cmd()
            .env("SSL_CERT_FILE", ca)
            .env_remove("SSL_CERT_DIR")
            .env_remove("GIT_SSL_CAINFO")
            .args([
                "-C",
                r.root_str(),
                "release",
                "publish",
                "--no-forge-release",
                "--json",
            ])
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["message"]
            .as_str()
            .unwrap_or("")
            .to_lowercase()
    };
    let trusted = publish_with(&server.cert);
    assert!(
        !trusted.contains("certificate") && !trusted.contains("ssl"),
        "TLS should succeed: {trusted}"
    );
    assert!(trusted.contains("404") || trusted.contains("http"), "{trusted}");
    let empty = env.path("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let untrusted = publish_with(&empty);
    assert!(
        untrusted.contains("certificate") || untrusted.contains("ssl"),
        "an unknown CA must be refused: {untrusted}"
    );
}
