//! The Bundle area through the core API, as the app calls it: a real Vite
//! build analysed at two commits, the second tagged, read back as history
//! and as a trend chart with the tag marked.

use std::path::Path;
use std::sync::Arc;

use shipdeck_core::charts::{ChartId, Theme};
use shipdeck_core::jobs::NoProgress;
use shipdeck_core::{Paths, Shipdeck};

#[path = "../../shipdeck-bundle/tests/common/app.rs"]
mod app;

fn commit(repo: &git2::Repository, message: &str) -> git2::Oid {
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

fn build(root: &Path) {
    app::run(
        root,
        std::process::Command::new("node").arg(app::vite()).arg("build"),
    );
}

#[tokio::test]
async fn history_and_trend_of_a_route_across_two_commits() {
    let data = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path().canonicalize().unwrap();
    let repo = git2::Repository::init(&root).unwrap();
    app::write(&root, ".gitignore", "dist/\nnode_modules/\n");
    app::write_app(&root);
    app::vite_build(&root);
    commit(&repo, "app");
    let core = Shipdeck::open(Paths::resolve(Some(data.path().to_path_buf())).unwrap())
        .await
        .unwrap();
    let first = core
        .bundle_analyze(&root, None, None, Arc::new(NoProgress))
        .await
        .unwrap();

    app::write(
        &root,
        "src/about.js",
        "import { greet } from \"./shared.js\";\nimport { shout } from \"other\";\ngreet(shout(\"about\"));\ngreet(\"and a second greeting, longer than the first one\");\n",
    );
    let second_commit = commit(&repo, "about grows");
    repo.tag_lightweight("v1.1.0", &repo.find_object(second_commit, None).unwrap(), false)
        .unwrap();
    build(&root);
    let second = core
        .bundle_analyze(&root, None, Some("HEAD~1".into()), Arc::new(NoProgress))
        .await
        .unwrap();
    let about = |r: &shipdeck_core::bundle::BundleReport| {
        r.routes
            .iter()
            .find(|x| x.route == "about.html")
            .unwrap()
            .first_load_js_gzip_bytes
    };
    assert!(about(&second) > about(&first));
    let base = second.base.as_ref().unwrap();
    let d = base.routes.iter().find(|x| x.route == "about.html").unwrap();
    assert_eq!(
        d.delta.first_load_js_gzip_bytes,
        about(&second) as i64 - about(&first) as i64
    );

    let history = core.bundle_history(&root, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].run.tags, r#"["v1.1.0"]"#);
    assert_eq!(
        history[0].run.commit_sha.as_deref(),
        Some(second_commit.to_string().as_str())
    );

    let chart = core
        .bundle_trend_chart(&root, Some("about.html"), Theme::Light)
        .await
        .unwrap();
    assert_eq!(chart.id, ChartId::BundleOverTime);
    assert_eq!(chart.rows.len(), 2);
    assert!(chart.svg.contains("v1.1.0"), "the tag is marked");
    let kb = |i: usize| match &chart.rows[i].values[0] {
        Some(shipdeck_core::charts::Datum::Number(n)) => *n,
        other => panic!("{other:?}"),
    };
    assert_eq!(kb(0), about(&first) as f64 / 1000.0);
    assert_eq!(kb(1), about(&second) as f64 / 1000.0);
    let none = core
        .bundle_trend_chart(&root, Some("nowhere.html"), Theme::Dark)
        .await
        .unwrap();
    assert!(none.rows.is_empty());
}
