//! The private servers, started for real: each test process gets one of each
//! engine, and every test a database of its own on it.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use shipdeck_testkit::{mariadb, postgres, redis};

fn private_only(var: &str) -> bool {
    if std::env::var_os(var).is_some() {
        eprintln!("{var} is set: this test is about the private server");
        return false;
    }
    true
}

fn assert_owned_by_this_process(dir: &std::path::Path, engine: &str) {
    let name = dir.file_name().unwrap().to_str().unwrap();
    assert_eq!(name, format!("shipdeck-{engine}-{}", std::process::id()));
    assert!(dir.is_dir(), "{} is missing", dir.display());
}

#[test]
fn postgres_databases_are_private_and_separate() {
    if !private_only(postgres::VAR) {
        return;
    }
    let server = postgres::server();
    assert!(std::ptr::eq(server, postgres::private()));
    assert_owned_by_this_process(server.dir.as_deref().unwrap(), "pg");
    let port: u16 = server
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 5432, "the machine's PostgreSQL port");
    let a = server.database("kit a");
    let b = server.database("kit a");
    assert_ne!(a.name, b.name);
    a.exec("CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);");
    assert_eq!(a.scalar("SELECT count(*) FROM t"), 2);
    assert_eq!(
        b.scalar("SELECT count(*)::bigint FROM pg_tables WHERE tablename = 't'"),
        0
    );
    let name = a.name.clone();
    drop(a);
    assert_eq!(
        b.scalar(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        )),
        0,
        "the database outlived its guard"
    );
}

#[test]
fn mariadb_has_grant_tables_and_root_without_a_password() {
    if !private_only(mariadb::VAR) {
        return;
    }
    let server = mariadb::server();
    assert_owned_by_this_process(server.dir.as_deref().unwrap(), "mariadb");
    assert!(!server.url.contains(":3306/"), "{}", server.url);
    let db = server.database("kit");
    let user = format!("u_{}", std::process::id());
    db.exec(&format!(
        "CREATE USER '{user}'@'127.0.0.1'; GRANT SELECT ON `{}`.* TO '{user}'@'127.0.0.1'",
        db.name
    ));
    let grants = db.texts(&format!("SHOW GRANTS FOR '{user}'@'127.0.0.1'"));
    db.exec(&format!("DROP USER '{user}'@'127.0.0.1'"));
    assert!(grants.iter().any(|g| g.contains("GRANT SELECT ON")), "{grants:?}");
}

#[test]
fn redis_gives_each_test_a_database_of_its_own() {
    if !private_only(redis::VAR) {
        return;
    }
    let server = redis::server();
    let a = server.database();
    let b = server.database();
    assert_ne!(a.url, b.url);
    assert!(!a.url.contains(":6379/"), "{}", a.url);
    let cli = |url: &str, args: &[&str]| {
        let out = std::process::Command::new("redis-cli")
            .args(["-u", url])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    cli(&a.url, &["set", "k", "v"]);
    assert_eq!(cli(&a.url, &["get", "k"]), "v");
    assert_eq!(cli(&b.url, &["exists", "k"]), "0");
    let url = a.url.clone();
    drop(a);
    assert_eq!(cli(&url, &["dbsize"]), "0", "the keys outlived their guard");
}
