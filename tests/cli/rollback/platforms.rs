use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::*;
use crate::util::text;

const PLATFORMS: &str = r#"
[environments.k8s]
[environments.k8s.deploy]
kind = "kubernetes"
deployment = "orbit-api"
namespace = "orbit"
context = "kind-orbit"

[environments.k8s-image]
[environments.k8s-image.deploy]
kind = "kubernetes"
deployment = "orbit-api"
container = "api"
image = "ghcr.io/acme/orbit"

[environments.vercel]
[environments.vercel.deploy]
kind = "vercel"
project = "orbit-web"
scope = "acme"

[environments.fly]
[environments.fly.deploy]
kind = "fly"
app = "orbit"

[environments.hostile]
[environments.hostile.deploy]
kind = "command"
rollback = "sh scripts/rollback.sh '{previous_version}; rm -rf /' {environment}"
"#;

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn command(env: &Env, dir: &str, name: &str) -> String {
    let plan = env.json(&["-C", dir, "rollback", "plan", "--env", name, "--json"], 0);
    plan["steps"][0]["command"].as_str().unwrap().to_string()
}

#[test]
fn plans_name_the_exact_platform_commands_and_keep_the_contract() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    edit_config(&dir, |t| t + PLATFORMS);
    let plan = env.json(&["-C", d, "rollback", "plan", "--env", "k8s", "--json"], 0);
    assert_eq!(
        keys(&plan),
        ["env", "from", "steps", "to"].map(String::from).into()
    );
    for step in plan["steps"].as_array().unwrap() {
        assert_eq!(
            keys(step),
            ["command", "description", "kind", "reversible", "sql"]
                .map(String::from)
                .into()
        );
    }
    assert_eq!(
        (plan["from"].as_str(), plan["to"].as_str()),
        (Some("1.4.2"), Some("1.4.1"))
    );
    assert_eq!(
        plan["steps"][0]["command"],
        "kubectl --context kind-orbit --namespace orbit rollout undo deployment/orbit-api"
    );
    assert_eq!(
        command(&env, d, "k8s-image"),
        "kubectl set image deployment/orbit-api 'api=ghcr.io/acme/orbit:1.4.1'"
    );
    assert_eq!(
        command(&env, d, "vercel"),
        "vercel rollback --timeout 5m --scope acme"
    );
    assert_eq!(
        command(&env, d, "fly"),
        "fly deploy --app orbit --image registry.fly.io/orbit:1.4.1"
    );
    // Shell syntax in a template stays inside its one argument.
    assert_eq!(
        command(&env, d, "hostile"),
        "sh scripts/rollback.sh '1.4.1; rm -rf /' hostile"
    );
    let to = env.json(
        &[
            "-C", d, "rollback", "plan", "--env", "fly", "--to", "1.3.0", "--json",
        ],
        0,
    );
    assert_eq!(
        to["steps"][0]["command"],
        "fly deploy --app orbit --image registry.fly.io/orbit:1.3.0"
    );
    let release = to["steps"][2]["description"].as_str().unwrap();
    assert!(release.starts_with("Roll back release 1.4.2"), "{release}");
    assert!(
        release.contains("; 1.4.1, 1.4.0, 1.3.1 stay released"),
        "{release}"
    );
}

#[test]
fn unknown_versions_hostile_versions_and_env_names_are_refused() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    let e = env.json(
        &[
            "-C", d, "rollback", "plan", "--env", "staging", "--to", "9.9.9", "--json",
        ],
        1,
    );
    assert_eq!(e["code"], "rollback.unknown_version");
    assert!(e["hint"].as_str().unwrap().contains("1.4.2, 1.4.1"), "{e}");
    let e = env.json(
        &[
            "-C",
            d,
            "rollback",
            "plan",
            "--env",
            "staging",
            "--to",
            "1.0;$(id)",
            "--json",
        ],
        1,
    );
    assert_eq!(e["code"], "rollback.invalid_version");
    let e = env.json(&["-C", d, "rollback", "plan", "--env", "prod;ls", "--json"], 1);
    assert_eq!(e["code"], "rollback.invalid_env");
    let e = env.json(
        &["-C", d, "rollback", "plan", "--env", "development", "--json"],
        1,
    );
    assert_eq!(e["code"], "rollback.no_deploy");
}

type Seen = Arc<Mutex<Vec<(String, String, Option<String>, String)>>>;

/// A stand-in for Render's API on 127.0.0.1; `answer` picks the reply.
fn server(answer: impl Fn(&str, &str) -> (u16, String, Option<String>) + Send + 'static) -> (String, Seen) {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", http.server_addr().to_ip().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut req in http.incoming_requests() {
            let mut body = String::new();
            let _ = req.as_reader().read_to_string(&mut body);
            let auth = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string());
            let (method, url) = (req.method().to_string(), req.url().to_string());
            log.lock()
                .unwrap()
                .push((method.clone(), url.clone(), auth, body));
            let (status, reply, location) = answer(&method, &url);
            let mut resp = tiny_http::Response::from_string(reply).with_status_code(status);
            if let Some(l) = location {
                resp.add_header(tiny_http::Header::from_bytes("Location", l).unwrap());
            }
            let _ = req.respond(resp);
        }
    });
    (origin, seen)
}

const KEY: &str = "rnd_rollbackTestKey0123456789abcdef";

fn render_config(api: &str) -> String {
    format!(
        "\n[environments.render]\n[environments.render.deploy]\nkind = \"render\"\nservice = \"srv-orbit\"\napi_key = \"env:ORBIT_RENDER_KEY\"\napi_url = \"{api}\"\n"
    )
}

#[test]
fn render_rolls_back_to_the_deploy_of_the_target_commit_with_the_key_sent_only_there() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    let repo = git2::Repository::open(&dir).unwrap();
    let sha = repo
        .revparse_single("v1.4.1")
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    let list = serde_json::json!([
        {"deploy": {"id": "dep-new", "commit": {"id": "0000000000000000000000000000000000000000"}}, "cursor": "a"},
        {"deploy": {"id": "dep-old", "commit": {"id": sha}}, "cursor": "b"}
    ])
    .to_string();
    let (api, seen) = server(move |method, _| match method {
        "GET" => (200, list.clone(), None),
        _ => (201, "{\"id\":\"dep-rb\"}".into(), None),
    });
    edit_config(&dir, |t| t + &render_config(&api));
    commit_all(&dir, "chore: render environment");
    let plan = env.json(&["-C", d, "rollback", "plan", "--env", "render", "--json"], 0);
    assert!(plan["steps"][0]["command"]
        .as_str()
        .unwrap()
        .contains(&format!("POST {api}/v1/services/srv-orbit/rollback")));
    let out = env
        .cmd()
        .args([
            "-C", d, "rollback", "run", "--env", "render", "--yes", "--to", "1.4.1", "--json",
        ])
        .env("ORBIT_RENDER_KEY", KEY)
        .output()
        .unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!all.contains(KEY), "the key never reaches output");
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["steps"][0]["status"], "done", "{run}");
    assert!(run["steps"][0]["output"].as_str().unwrap().contains("dep-old"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        (seen[0].0.as_str(), seen[0].1.as_str()),
        ("GET", "/v1/services/srv-orbit/deploys?limit=100")
    );
    assert_eq!(seen[0].2.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(
        (seen[1].0.as_str(), seen[1].1.as_str()),
        ("POST", "/v1/services/srv-orbit/rollback")
    );
    assert_eq!(seen[1].2.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    let body: serde_json::Value = serde_json::from_str(&seen[1].3).unwrap();
    assert_eq!(body, serde_json::json!({"deployId": "dep-old"}));
}

#[test]
fn a_render_redirect_to_another_origin_does_not_carry_the_key() {
    let env = Env::new();
    let dir = demo(&env);
    let d = dir.to_str().unwrap();
    let (elsewhere, stolen) = server(|_, _| (200, "[]".into(), None));
    let target = format!("{elsewhere}/steal");
    let (api, seen) = server(move |_, _| (307, String::new(), Some(target.clone())));
    edit_config(&dir, |t| t + &render_config(&api));
    commit_all(&dir, "chore: render environment");
    let out = env
        .cmd()
        .args(["-C", d, "rollback", "run", "--env", "render", "--yes", "--json"])
        .env("ORBIT_RENDER_KEY", KEY)
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(!(text(&out.stdout) + &text(&out.stderr)).contains(KEY));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["steps"][0]["status"], "failed");
    assert!(
        run["steps"][0]["output"].as_str().unwrap().contains("redirect"),
        "{run}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(
        stolen.lock().unwrap().is_empty(),
        "nothing reached the other origin"
    );
}
