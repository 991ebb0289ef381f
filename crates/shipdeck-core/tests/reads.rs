//! Reads never write: what the views call when they open returns data and
//! leaves the store as it was; the actions (a cut, a parity check) are the
//! ones that record. Counts are read back through the public API.

use std::path::Path;
use std::sync::Arc;

use shipdeck_core::api::EnvRunKind;
use shipdeck_core::charts::Theme;
use shipdeck_core::jobs::NoProgress;
use shipdeck_core::releases::PlanRequest;
use shipdeck_core::{Paths, Shipdeck};

/// A repository with a Cargo package at v0.1.0 and one feature since.
fn repo(root: &Path) {
    let repo = git2::Repository::init(root).unwrap();
    // A cut signs its commit as the repository's user, as git would.
    let mut config = repo.config().unwrap();
    config.set_str("user.name", "Test").unwrap();
    config.set_str("user.email", "test@example.com").unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let commit = |message: &str, files: &[(&str, &str)]| {
        for (path, text) in files {
            std::fs::write(root.join(path), text).unwrap();
        }
        let mut index = repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    };
    let first = commit(
        "feat: first",
        &[("Cargo.toml", "[package]\nname = \"orbit\"\nversion = \"0.1.0\"\n")],
    );
    repo.tag_lightweight("v0.1.0", &repo.find_object(first, None).unwrap(), false)
        .unwrap();
    commit("feat: second", &[("a.txt", "a")]);
}

async fn core(data: &Path) -> Shipdeck {
    Shipdeck::open(Paths::resolve(Some(data.to_path_buf())).unwrap())
        .await
        .unwrap()
}

/// (jobs, audit entries) in the whole store.
async fn counts(core: &Shipdeck) -> (usize, usize) {
    (
        core.activity(None, 1000).await.unwrap().len(),
        core.audit(None, 1000).await.unwrap().len(),
    )
}

#[tokio::test]
async fn opening_releases_records_no_job() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    let core = core(data.path()).await;
    // What the Releases view reads when it opens (and on "Plan again").
    let plan = core
        .release_plan(ws.path(), PlanRequest::default(), Arc::new(NoProgress))
        .await
        .unwrap();
    assert_eq!(plan.packages[0].next_version.as_deref(), Some("0.2.0"));
    let history = core.release_history(ws.path()).await.unwrap();
    core.release_cadence_chart(ws.path(), Theme::Light).await.unwrap();
    assert_eq!(history.releases.len(), 1);
    assert!(history.events.is_empty(), "{:?}", history.events);
    assert_eq!(counts(&core).await, (0, 0));
    assert!(core.running_jobs().is_empty());
}

#[tokio::test]
async fn a_cut_records_its_job_and_event_through_one_path() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    let core = core(data.path()).await;
    core.release_cut(ws.path(), PlanRequest::default(), true, Arc::new(NoProgress))
        .await
        .unwrap();
    let stale = PlanRequest {
        expect_head: Some("0".repeat(40)),
        ..PlanRequest::default()
    };
    let err = core
        .release_cut(ws.path(), stale, false, Arc::new(NoProgress))
        .await
        .unwrap_err();
    let events = core.release_history(ws.path()).await.unwrap().events;
    let seen: Vec<(&str, Option<&str>, &str)> = events
        .iter()
        .map(|e| (e.action.as_str(), e.tag.as_deref(), e.outcome.as_str()))
        .collect();
    // Newest first: the refused cut, then the dry run.
    assert_eq!(
        seen,
        [("cut", None, "failed"), ("cut", Some("v0.2.0"), "dry_run")]
    );
    assert!(events[0].detail.contains(err.code()), "{}", events[0].detail);
    // Two jobs; neither changed the repository, so no audit entry.
    assert_eq!(counts(&core).await, (2, 0));
}

const ENVIRONMENTS: &str = "[environments.dev]\nfiles = [\".env.dev\"]\n\
                            [environments.prod]\nfiles = [\".env.prod\"]\n";

#[tokio::test]
async fn reading_environments_writes_no_env_run() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    std::fs::write(ws.path().join("shipdeck.toml"), ENVIRONMENTS).unwrap();
    std::fs::write(ws.path().join(".env.dev"), "APP=orbit\nPORT=8080\n").unwrap();
    std::fs::write(ws.path().join(".env.prod"), "APP=orbit\nPORT=80\n").unwrap();
    let core = core(data.path()).await;
    let runs = |kind| {
        let core = core.clone();
        let root = ws.path().to_path_buf();
        async move { core.env_history(&root, kind, 100).await.unwrap().len() }
    };
    // What the Environments view reads when it opens.
    let view = core.env_parity(ws.path()).await.unwrap();
    assert_eq!(view.report.score, 50.0);
    core.env_parity_chart(ws.path(), Theme::Light).await.unwrap();
    core.env_history_chart(ws.path(), Theme::Light).await.unwrap();
    assert_eq!(runs(EnvRunKind::Parity).await, 0);
    assert_eq!(runs(EnvRunKind::Health).await, 0);
    assert_eq!(counts(&core).await, (0, 0));
    // Refresh / `env parity`: the check is recorded, so the history fills.
    let checked = core.env_parity_check(ws.path()).await.unwrap();
    assert_eq!(checked.report.score, 50.0);
    let history = core.env_history(ws.path(), EnvRunKind::Parity, 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].score, Some(50.0));
    assert_eq!(runs(EnvRunKind::Health).await, 0);
}

#[tokio::test]
async fn a_broken_config_reaches_the_commands_that_need_it() {
    let (data, ws) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    repo(ws.path());
    std::fs::write(
        ws.path().join("shipdeck.toml"),
        "[workspace]\nname = \"x\"\nrelease_brnch = \"main\"\n",
    )
    .unwrap();
    let core = core(data.path()).await;
    let info = core.workspace_open(ws.path()).await.unwrap();
    assert!(!info.config.valid);
    assert_eq!(info.config.error.unwrap().code, "config.invalid");
    let err = core
        .release_plan(ws.path(), PlanRequest::default(), Arc::new(NoProgress))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "config.invalid");
    assert!(err.payload().message.contains("shipdeck.toml:3:"), "{err}");
    let err = core.env_parity(ws.path()).await.unwrap_err();
    assert_eq!(err.code(), "config.invalid");
}
