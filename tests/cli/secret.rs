//! Credentials against the real Secret Service that `make test` starts
//! (a private D-Bus session with an unlocked GNOME Keyring).

use crate::util::{assert_code, text, Env, Repo};

const CANARY: &str = "canary-Q7vR2xLp9s";

fn workspace(env: &Env) -> Repo {
    let mut r = Repo::init(&env.path("ws"));
    r.write("README.md", "x");
    r.commit("chore: init");
    r
}

#[test]
fn set_list_rm_round_trip_never_prints_the_value() {
    let env = Env::new();
    let r = workspace(&env);
    let ws = r.root_str();
    let out = env.run_with_stdin(
        &["-C", ws, "secret", "set", "deploy-token"],
        &format!("{CANARY}\n"),
    );
    assert_code(&out, 0);
    assert!(!text(&out.stdout).contains(CANARY) && !text(&out.stderr).contains(CANARY));

    let list = env.json(&["-C", ws, "secret", "list", "--json"], 0);
    assert_eq!(list["credentials"][0]["name"], "deploy-token");
    assert_eq!(list["credentials"][0]["present"], true);
    assert!(!list.to_string().contains(CANARY));
    let human = env.run(&["-C", ws, "secret", "list"]);
    assert!(text(&human.stdout).contains("deploy-token") && !text(&human.stdout).contains(CANARY));

    // The value is in the OS keyring, not in Shipdeck's store.
    let db = env.store_contents();
    assert!(!db.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()));

    assert_code(&env.run(&["-C", ws, "secret", "rm", "deploy-token"]), 0);
    let list = env.json(&["-C", ws, "secret", "list", "--json"], 0);
    assert_eq!(list["credentials"], serde_json::json!([]));
}

#[test]
fn the_value_is_never_taken_from_the_command_line() {
    let env = Env::new();
    let r = workspace(&env);
    let v = env.json(&["-C", r.root_str(), "secret", "set", "tok", CANARY, "--json"], 1);
    assert_eq!(v["code"], "cli.usage");
}

#[test]
fn removing_an_unknown_credential_is_a_user_error() {
    let env = Env::new();
    let r = workspace(&env);
    let v = env.json(&["-C", r.root_str(), "secret", "rm", "nope", "--json"], 1);
    assert_eq!(v["code"], "secrets.not_found");
}

#[test]
fn invalid_names_and_empty_values_are_refused() {
    let env = Env::new();
    let r = workspace(&env);
    let out = env.run_with_stdin(
        &["-C", r.root_str(), "secret", "set", "bad/name", "--json"],
        "x\n",
    );
    assert_code(&out, 1);
    let out = env.run_with_stdin(&["-C", r.root_str(), "secret", "set", "empty", "--json"], "\n");
    assert_code(&out, 1);
    assert!(text(&out.stdout).contains("the value is empty"));
}

#[test]
fn no_usable_keyring_is_a_clear_error_with_a_hint() {
    let env = Env::new();
    let r = workspace(&env);
    let out = env
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/shipdeck-bus")
        .args(["-C", r.root_str(), "secret", "set", "tok", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(CANARY.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "secrets.keyring_unavailable");
    assert!(v["hint"].as_str().unwrap().contains("SHIPDECK_KEYRING=keyutils"));
    assert!(!v.to_string().contains(CANARY));
}

#[test]
fn an_unknown_backend_name_is_refused() {
    let env = Env::new();
    let r = workspace(&env);
    let out = env
        .cmd()
        .env("SHIPDECK_KEYRING", "plaintext")
        .args(["-C", r.root_str(), "secret", "list"])
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("not a backend"));
}
