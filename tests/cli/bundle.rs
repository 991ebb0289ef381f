//! `shipdeck bundle` end to end on a real Vite build: the exact JSON
//! shape, exit 1 over budget, a bad budget as a typed error, the treemap
//! file, history per commit and `--base` against a stored run (two commits
//! of a real repository), and a hostile manifest.

use crate::util::{assert_code, text, Env, Repo};

#[path = "../../crates/shipdeck-bundle/tests/common/app.rs"]
mod app;

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// The vanilla app in a repository, committed and built.
fn built(env: &Env) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(".gitignore", "dist/\nnode_modules/\n");
    app::write_app(&repo.root);
    repo.commit("app");
    app::vite_build(&repo.root);
    repo
}

#[test]
fn analyze_prints_the_contract_and_exits_by_budget() {
    let env = Env::new();
    let repo = built(&env);
    let ws = repo.root_str();
    let svg = env.path("treemap.svg");
    let v = env.json(
        &[
            "-C",
            ws,
            "bundle",
            "analyze",
            "--json",
            "--treemap",
            svg.to_str().unwrap(),
        ],
        0,
    );
    for k in ["framework", "version", "routes", "shared"] {
        assert!(v.get(k).is_some(), "{k} missing: {v}");
    }
    assert_eq!(v["framework"], "vite");
    for r in v["routes"].as_array().unwrap() {
        for k in [
            "route",
            "router",
            "first_load_js_bytes",
            "first_load_js_gzip_bytes",
            "size_bytes",
        ] {
            assert!(keys(r).contains(&k), "{k} missing: {r}");
        }
    }
    for k in ["bytes", "gzip_bytes", "chunks"] {
        assert!(v["shared"].get(k).is_some(), "shared.{k} missing");
    }
    assert_eq!(v["passed"], true);
    assert!(v["base"].is_null());
    assert_eq!(v["duplicates"][0]["name"], "dupe");
    // The treemap names the chunks and the packages in them, with sizes.
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg"), "{}", &drawn[..60.min(drawn.len())]);
    let shared = v["shared"]["chunks"][0]["path"].as_str().unwrap();
    for s in [shared, "dupe", " kB"] {
        assert!(drawn.contains(s), "{s} not in the treemap");
    }

    // Over budget: exit 1, the human output says which.
    let index = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == "index.html")
        .unwrap();
    let gz = index["first_load_js_gzip_bytes"].as_u64().unwrap();
    repo.write(
        "shipdeck.toml",
        &format!("[bundle.budgets]\n\"index.html\" = \"{} B\"\n", gz - 1),
    );
    let out = env.run(&["-C", ws, "bundle", "analyze"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("over budget: index.html first_load_js gzip"),
        "{stdout}"
    );
    let v = env.json(&["-C", ws, "bundle", "analyze", "--json"], 1);
    assert_eq!(v["passed"], false);
    assert_eq!(v["budgets"][0]["limit_bytes"], gz - 1);

    // A budget that does not parse is a typed error with a hint.
    repo.write(
        "shipdeck.toml",
        "[bundle.budgets]\n\"index.html\" = { limit = \"10 kB\", metric = \"weight\" }\n",
    );
    let e = env.json(&["-C", ws, "bundle", "analyze", "--json"], 1);
    assert_eq!(e["code"], "bundle.bad_config");
    assert!(e["message"].as_str().unwrap().contains("weight"), "{e}");
    assert!(e["hint"].as_str().unwrap().contains("[bundle.budgets]"));
}

#[test]
fn history_per_commit_and_base_compares_with_the_stored_run() {
    let env = Env::new();
    let mut repo = built(&env);
    let ws = repo.root_str().to_string();
    let first = repo.head();
    env.json(&["-C", &ws, "bundle", "analyze", "--json"], 0);

    // A bigger about page and a new contact page, committed and built.
    app::write(
        &repo.root,
        "src/about.js",
        "import { greet } from \"./shared.js\";\nimport { shout } from \"other\";\ngreet(shout(\"about\"));\nfor (const w of [\"a longer about page\", \"with more words\", \"than before\"]) greet(w);\n",
    );
    app::write(
        &repo.root,
        "contact.html",
        r#"<!doctype html><html><body><script type="module" src="/src/contact.js"></script></body></html>"#,
    );
    app::write(
        &repo.root,
        "src/contact.js",
        "import { greet } from \"./shared.js\";\ngreet(\"contact\");\n",
    );
    app::write(
        &repo.root,
        "vite.config.js",
        r#"export default { build: { manifest: true, sourcemap: "hidden", rollupOptions: { input: { main: "index.html", about: "about.html", contact: "contact.html" } } } };"#,
    );
    repo.commit("about grows, contact page");
    app::run(
        &repo.root,
        std::process::Command::new("node").arg(app::vite()).arg("build"),
    );
    let v = env.json(
        &["-C", &ws, "bundle", "analyze", "--base", &first[..10], "--json"],
        0,
    );
    let base = &v["base"];
    assert_eq!(base["commit"], first.as_str());
    assert_eq!(base["new_routes"], serde_json::json!(["contact.html"]));
    assert_eq!(base["removed_routes"], serde_json::json!([]));
    let about = base["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == "about.html")
        .unwrap();
    assert_eq!(about["status"], "changed");
    let (before, after) = (&about["before"], &about["after"]);
    let delta = about["delta"]["size_bytes"].as_i64().unwrap();
    assert!(delta > 0, "{about}");
    assert_eq!(
        delta,
        after["size_bytes"].as_i64().unwrap() - before["size_bytes"].as_i64().unwrap()
    );
    let index = base["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == "index.html")
        .unwrap();
    assert_eq!(index["status"], "same", "{index}");

    // Two runs stored, newest first, each at its commit.
    let h = env.json(&["-C", &ws, "bundle", "history", "--json"], 0);
    let runs = h["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["commit_sha"], repo.head().as_str());
    assert_eq!(runs[1]["commit_sha"], first.as_str());
    assert_eq!(runs[0]["routes"].as_array().unwrap().len(), 3);
    assert_eq!(runs[1]["branch"], "main");
    let human = text(&env.run(&["-C", &ws, "bundle", "history"]).stdout);
    assert!(human.contains(&first[..7]) && human.contains("vite"), "{human}");

    // A commit without a stored run: a typed error that says what to do.
    let bare = repo.change("README.md", "docs");
    let e = env.json(&["-C", &ws, "bundle", "analyze", "--base", &bare, "--json"], 1);
    assert_eq!(e["code"], "bundle.no_base_run");
    assert!(e["hint"].as_str().unwrap().contains("bundle analyze"), "{e}");
    let e = env.json(
        &["-C", &ws, "bundle", "analyze", "--base", "no-such-ref", "--json"],
        1,
    );
    assert_eq!(e["code"], "input.invalid");
}

#[test]
fn a_manifest_naming_a_file_outside_the_build_is_refused() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write("secret.js", "const token = 'not for reading';\n");
    repo.write(
        "dist/.vite/manifest.json",
        r#"{"index.html":{"file":"../secret.js","isEntry":true,"src":"index.html"}}"#,
    );
    repo.commit("hostile");
    let e = env.json(&["-C", repo.root_str(), "bundle", "analyze", "--json"], 1);
    assert_eq!(e["code"], "bundle.bad_path");
    assert!(!e.to_string().contains("not for reading"));
}
