//! `shipdeck bundle analyze` on a Next.js build end to end: the contract's
//! JSON shape and the figures Next.js's rules give for a build written by
//! hand.

use crate::util::{Env, Repo};

#[test]
fn bundle_analyze_next_prints_the_contract_shape() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("README.md", "app\n");
    repo.commit("init");
    repo.write(".next/BUILD_ID", "b1");
    repo.write(
        ".next/diagnostics/framework.json",
        r#"{"name":"Next.js","version":"15.5.29"}"#,
    );
    repo.write(
        ".next/build-manifest.json",
        r#"{"pages": {"/_app": ["static/chunks/main.js", "static/css/app.css"], "/_error": ["static/chunks/main.js", "static/chunks/pages/_error.js"], "/": ["static/chunks/main.js", "static/chunks/pages/index.js"]}}"#,
    );
    repo.write(".next/static/chunks/main.js", &"console.log(1);".repeat(100));
    repo.write(".next/static/css/app.css", "body{margin:0}");
    repo.write(
        ".next/static/chunks/pages/index.js",
        &"export default 1;".repeat(10),
    );
    repo.write(".next/static/chunks/pages/_error.js", "x");
    let v = env.json(&["-C", repo.root_str(), "bundle", "analyze", "--json"], 0);
    for k in ["framework", "version", "routes", "shared"] {
        assert!(v.get(k).is_some(), "{k} missing: {v}");
    }
    assert_eq!(v["framework"], "next");
    assert_eq!(v["version"], "15.5.29");
    let routes = v["routes"].as_array().unwrap();
    let names: Vec<&str> = routes.iter().map(|r| r["route"].as_str().unwrap()).collect();
    assert_eq!(names, ["/", "/404"]);
    let home = &routes[0];
    for k in [
        "route",
        "router",
        "first_load_js_bytes",
        "first_load_js_gzip_bytes",
        "size_bytes",
    ] {
        assert!(home.get(k).is_some(), "{k} missing: {home}");
    }
    assert_eq!(home["router"], "pages");
    assert_eq!(home["size_bytes"], 170);
    assert_eq!(home["first_load_js_bytes"], 1500 + 170);
    for k in ["bytes", "gzip_bytes", "chunks"] {
        assert!(v["shared"].get(k).is_some(), "shared.{k} missing: {v}");
    }
    // Shared by all: main.js and the _app CSS.
    assert_eq!(v["shared"]["bytes"], 1500 + 14);
    assert_eq!(v["shared"]["chunks"].as_array().unwrap().len(), 2);
    assert!(v["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["path"].as_str().unwrap().starts_with("static/")));
}
