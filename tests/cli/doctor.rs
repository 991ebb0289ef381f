use crate::util::{Env, Repo};

fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
}

#[test]
fn doctor_checks_toolchains_config_and_real_databases() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("ws"));
    r.write("Cargo.toml", "[package]\nname = \"x\"\n");
    r.write(
        "shipdeck.toml",
        "[databases.pg]\nurl = \"env:DOCTOR_PG_URL\"\n\n[databases.maria]\nurl = \"env:DOCTOR_MARIA_URL\"\n\n\
         [databases.down]\nurl = \"env:DOCTOR_DOWN_URL\"\n\n[databases.unset]\nurl = \"env:DOCTOR_UNSET_URL\"\n\n\
         [databases.local]\nurl = \"sqlite://data/app.db\"\n",
    );
    std::fs::create_dir_all(r.root.join("data")).unwrap();
    r.commit("chore: init");
    let pg = shipdeck_testkit::postgres::server().database("doctor");
    let maria = shipdeck_testkit::mariadb::server().database("doctor");
    let out = env
        .cmd()
        .env("DOCTOR_PG_URL", &pg.url)
        .env("DOCTOR_MARIA_URL", &maria.url)
        .env("DOCTOR_DOWN_URL", "postgres://app:doctor-canary-pw@127.0.0.1:1/x")
        .env_remove("DOCTOR_UNSET_URL")
        .args(["-C", r.root_str(), "doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "failing checks exit 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("doctor-canary-pw"), "password leaked: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], false);

    let pg = check(&report, "database.pg");
    assert_eq!(pg["ok"], true, "{pg}");
    assert!(pg["detail"].as_str().unwrap().contains("PostgreSQL"));
    let maria = check(&report, "database.maria");
    assert_eq!(maria["ok"], true, "{maria}");
    assert!(maria["detail"].as_str().unwrap().contains("MariaDB"));
    let down = check(&report, "database.down");
    assert_eq!(down["ok"], false);
    assert!(down["hint"].is_string());
    let unset = check(&report, "database.unset");
    assert_eq!(unset["ok"], false);
    assert!(unset["detail"]
        .as_str()
        .unwrap()
        .contains("$DOCTOR_UNSET_URL is not set"));
    assert_eq!(check(&report, "database.local")["ok"], true);

    assert_eq!(check(&report, "toolchain.cargo")["ok"], true);
    assert_eq!(check(&report, "config")["ok"], true);
    assert_eq!(check(&report, "keyring")["ok"], true);
}

#[test]
fn doctor_flags_an_invalid_config() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("ws"));
    r.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"postgres://u:inline-pw@db/x\"\n",
    );
    r.commit("chore: init");
    let report = env.json(&["-C", r.root_str(), "doctor", "--json"], 1);
    let config = check(&report, "config");
    assert_eq!(config["ok"], false);
    assert!(config["detail"].as_str().unwrap().contains("holds a password"));
    assert!(!report.to_string().contains("inline-pw"));
}
