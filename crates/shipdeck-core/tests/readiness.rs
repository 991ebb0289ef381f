//! The readiness gate through the core API, as the app calls it: every run
//! stored and listed newest first, a run read back only by its own
//! workspace, and a cancelled gate that stores nothing.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shipdeck_core::jobs::{JobKind, NoProgress};
use shipdeck_core::readiness::{Area, CheckStatus, Verdict};
use shipdeck_core::{Paths, Shipdeck};

fn commit(repo: &git2::Repository, message: &str) {
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap();
}

fn workspace(root: &Path, config: &str) {
    let repo = git2::Repository::init(root).unwrap();
    {
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Test").unwrap();
        cfg.set_str("user.email", "test@example.com").unwrap();
    }
    std::fs::write(root.join("shipdeck.toml"), config).unwrap();
    std::fs::write(root.join("README.md"), "app\n").unwrap();
    commit(&repo, "feat: first");
}

async fn core(data: &Path) -> Shipdeck {
    Shipdeck::open(Paths::resolve(Some(data.to_path_buf())).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_run_is_stored_and_listed_newest_first_by_its_workspace_only() {
    let data = tempfile::tempdir().unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a.path().canonicalize().unwrap(), b.path().canonicalize().unwrap());
    workspace(&a, "[workspace]\nname = \"a\"\n");
    workspace(&b, "[workspace]\nname = \"b\"\n");
    let core = core(data.path()).await;
    assert!(core.readiness_history(&a, 10).await.unwrap().is_empty());
    let first = core.readiness_gate(&a, Arc::new(NoProgress)).await.unwrap();
    std::fs::write(a.join("dirty.txt"), "x").unwrap();
    let second = core.readiness_gate(&a, Arc::new(NoProgress)).await.unwrap();
    assert_eq!(first.report.verdict, Verdict::Pass, "{:#?}", first.report);
    assert_eq!(
        second.report.verdict,
        Verdict::Fail,
        "a dirty tree: {:#?}",
        second.report
    );
    assert!(second.id > first.id);

    let history = core.readiness_history(&a, 10).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![second.id, first.id]
    );
    assert_eq!(history[0].verdict, Verdict::Fail);
    assert_eq!(history[0].candidate, second.report.candidate);
    let releases = history[0]
        .statuses
        .iter()
        .find(|s| s.area == Area::Releases)
        .unwrap();
    assert_eq!(releases.status, CheckStatus::Fail);
    assert_eq!(history[0].statuses.len(), Area::ALL.len());
    assert_eq!(core.readiness_history(&a, 1).await.unwrap().len(), 1, "bounded");

    let stored = core.readiness_run(&a, second.id).await.unwrap();
    assert_eq!(stored.report, second.report);
    assert_eq!(stored.details, second.details);
    assert!(stored.changelog.as_deref().unwrap().contains("first"));
    // The job is recorded with the verdict and counts as its summary.
    let jobs = core.activity(Some(&a), 10).await.unwrap();
    let job = jobs.iter().find(|j| j.kind == JobKind::ReadinessGate).unwrap();
    assert!(job.summary.as_deref().unwrap().starts_with("fail: "), "{job:?}");

    let err = core.readiness_run(&b, second.id).await.unwrap_err();
    assert_eq!(err.code(), "readiness.run_not_found");
    assert!(core.readiness_history(&b, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_cancelled_gate_is_the_jobs_cancelled_error_and_stores_nothing() {
    // A health endpoint that accepts and never answers: the gate waits on it.
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let held = server.clone();
    let (asked, polled) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        while let Ok(req) = held.recv() {
            open.push(req);
            let _ = asked.send(());
        }
    });
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join(".env.staging"), "PORT=1\n").unwrap();
    workspace(
        &root,
        &format!(
            "[environments.staging]\nfiles = [\".env.staging\"]\nhealth_url = \"http://127.0.0.1:{port}/health\"\nhealth_timeout = \"30s\"\n"
        ),
    );
    let core = core(data.path()).await;
    let gate = tokio::spawn({
        let (core, root) = (core.clone(), root.clone());
        async move { core.readiness_gate(&root, Arc::new(NoProgress)).await }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let id = loop {
        if let Some(job) = core
            .running_jobs()
            .into_iter()
            .find(|j| j.kind == JobKind::ReadinessGate)
        {
            break job.id;
        }
        assert!(Instant::now() < deadline, "the gate never showed as running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The environments check is waiting on the endpoint: the checks run.
    tokio::task::spawn_blocking(move || polled.recv_timeout(Duration::from_secs(20)))
        .await
        .unwrap()
        .expect("the health endpoint was polled");
    let started = Instant::now();
    core.cancel_job(id).unwrap();
    let err = gate.await.unwrap().unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancel stops waiting at once"
    );
    assert!(core.readiness_history(&root, 10).await.unwrap().is_empty());
    server.unblock();
}
