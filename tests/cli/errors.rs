use crate::util::{assert_code, text, Env};

#[test]
fn not_a_repository_prints_code_message_and_hint() {
    let env = Env::new();
    let plain = env.path("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let out = env.run(&["-C", plain.to_str().unwrap(), "workspace", "info"]);
    assert_code(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error[workspace.not_a_git_repo]: "),
        "{stderr}"
    );
    assert!(stderr.contains("\nhint: "), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn json_errors_go_to_stdout_as_an_object() {
    let env = Env::new();
    let v = env.json(&["-C", "/nonexistent/shipdeck", "workspace", "info", "--json"], 1);
    assert_eq!(v["code"], "workspace.not_found");
    assert!(v["message"].as_str().unwrap().contains("does not exist"));
    assert!(v["hint"].is_string());
}

#[test]
fn usage_errors_exit_1_and_speak_json_when_asked() {
    let env = Env::new();
    let out = env.run(&["workspace", "frobnicate"]);
    assert_code(&out, 1);
    let v = env.json(&["workspace", "frobnicate", "--json"], 1);
    assert_eq!(v["code"], "cli.usage");
}

#[test]
fn help_and_version_exit_0() {
    let env = Env::new();
    assert_code(&env.run(&["--help"]), 0);
    assert_code(&env.run(&["--version"]), 0);
}

#[test]
fn the_home_folder_is_redacted_from_messages() {
    let env = Env::new();
    let home = env.path("home");
    let missing = home.join("projects/app");
    let out = env
        .cmd()
        .env("HOME", &home)
        .args(["-C", missing.to_str().unwrap(), "workspace", "info"])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("~/projects/app does not exist"), "{stderr}");
    assert!(!stderr.contains(home.to_str().unwrap()));
}
