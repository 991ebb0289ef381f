//! uv against a local PEP 503 index serving a small package's releases
//! with their PEP 658 metadata, so `uv lock` resolves without downloads.

use sha2::{Digest, Sha256};

use shipdeck_dependencies::UpdateRequest;

use super::server::{start, Answer};
use super::{one_commit, Ws};

const VERSIONS: &[&str] = &["1.0.0", "1.0.5", "1.2.0", "2.0.0"];

fn metadata(v: &str) -> String {
    format!("Metadata-Version: 2.1\nName: tinypkg\nVersion: {v}\n")
}

fn wheel(v: &str) -> String {
    format!("tinypkg-{v}-py3-none-any.whl")
}

fn index() -> super::server::Registry {
    start(|u, _| {
        if u == "/simple/tinypkg/" {
            let links: String = VERSIONS
                .iter()
                .map(|v| {
                    let w = wheel(v);
                    let h = hex::encode(Sha256::digest(w.as_bytes()));
                    let m = hex::encode(Sha256::digest(metadata(v).as_bytes()));
                    format!("<a href=\"/files/{w}#sha256={h}\" data-dist-info-metadata=\"sha256={m}\" data-core-metadata=\"sha256={m}\">{w}</a>\n")
                })
                .collect();
            return Answer::ok(
                "text/html",
                format!("<html><body>\n{links}</body></html>").into_bytes(),
            );
        }
        for v in VERSIONS {
            if u == format!("/files/{}.metadata", wheel(v)) {
                return Answer::ok("text/plain", metadata(v).into_bytes());
            }
        }
        Answer::status(404)
    })
}

const PYPROJECT: &str = "[project]\nname = \"app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.8\"\ndependencies = [\n  # the one dependency\n  \"tinypkg>=1.0,<2\",\n]\n";

#[test]
fn uv_lock_moves_the_pin_and_the_requirement_widens() {
    let reg = index();
    let mut ws = Ws::new();
    let simple = format!("{}/simple/", reg.base);
    ws.vars.insert("UV_INDEX_URL".into(), simple.clone());
    ws.vars.insert("PIP_INDEX_URL".into(), simple);
    ws.write("pyproject.toml", PYPROJECT);
    ws.tool("uv", &["lock", "--upgrade-package", "tinypkg==1.0.0"]);
    ws.commit_all("app");
    let report = ws.report();
    let row = report.dependencies.iter().find(|r| r.name == "tinypkg").unwrap();
    assert_eq!(
        (row.current.as_deref(), row.latest.as_deref()),
        (Some("1.0.0"), Some("2.0.0"))
    );
    let before = ws.state();
    let base = ws.repo.head().unwrap().target().unwrap();
    let out = ws.update(&report, &UpdateRequest::default()).unwrap();
    let after = ws.state();
    assert_eq!((&after.0, after.2, &after.3), (&before.0, 0, &before.3));
    let b = &out.branches[0];
    assert_eq!(b.branch, "shipdeck/deps/pypi/tinypkg-2.0.0");
    assert_eq!(
        b.commands,
        vec!["uv lock --upgrade-package tinypkg==2.0.0".to_string()]
    );
    let c = one_commit(&ws, &b.branch, base);
    assert_eq!(ws.at(&c, "pyproject.toml"), PYPROJECT.replace("<2\"", "<3\""));
    let lock: toml::Table = ws.at(&c, "uv.lock").parse().unwrap();
    let v = lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some("tinypkg"))
        .map(|p| p["version"].as_str().unwrap().to_string());
    assert_eq!(v.as_deref(), Some("2.0.0"));

    // A minor limit takes 1.2.0, inside the range: only uv.lock moves.
    let request = UpdateRequest {
        class: Some(shipdeck_dependencies::Class::Minor),
        branch: Some("deps/tinypkg-minor".into()),
        ..UpdateRequest::default()
    };
    let out = ws.update(&report, &request).unwrap();
    let b = &out.branches[0];
    assert_eq!(b.bumps[0].to, "1.2.0");
    assert_eq!(b.bumps[0].requirement_to, ">=1.0,<2");
    let c = one_commit(&ws, "deps/tinypkg-minor", base);
    assert_eq!(ws.at(&c, "pyproject.toml"), PYPROJECT);
    assert!(ws.at(&c, "uv.lock").contains("version = \"1.2.0\""));
}
