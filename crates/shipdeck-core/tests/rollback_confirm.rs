//! A rollback run without `yes` waits before each step until the view (or
//! the CLI's prompt) answers through `rollback_confirm`; a declined step
//! stops the run and nothing after it runs.

use std::sync::Arc;
use std::time::Duration;

use shipdeck_core::api::RollbackRunRequest;
use shipdeck_core::demo::{create, DemoOptions};
use shipdeck_core::jobs::{ProgressEvent, ProgressSink};
use shipdeck_core::rollback::StepStatus;
use shipdeck_core::{Paths, Shipdeck};
use tokio::sync::mpsc;

struct Events(mpsc::UnboundedSender<ProgressEvent>);

impl ProgressSink for Events {
    fn emit(&self, event: &ProgressEvent) {
        let _ = self.0.send(event.clone());
    }
}

/// The next confirmation request: (job id, step).
async fn next_ask(rx: &mut mpsc::UnboundedReceiver<ProgressEvent>) -> (i64, u32) {
    let wait = async {
        loop {
            if let Some(ProgressEvent::AwaitingConfirmation {
                job_id, step, total, ..
            }) = rx.recv().await
            {
                assert_eq!(total, 4);
                return (job_id, step);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("asked in time")
}

/// Commits the edited configuration (a rollback needs a clean tree).
fn commit_all(dir: &std::path::Path) {
    let repo = git2::Repository::open(dir).unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "chore: touch on rollback",
        &tree,
        &[&parent],
    )
    .unwrap();
    let mut config = repo.config().unwrap();
    config.set_str("user.name", "Test").unwrap();
    config.set_str("user.email", "test@example.com").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_waits_for_its_confirmation_and_a_decline_stops_the_run() {
    let (data, scratch) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dir = scratch.path().join("orbit");
    create(&dir, &DemoOptions::default()).unwrap();
    let toml = dir.join("shipdeck.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replacen(
        "rollback = \"sh scripts/rollback.sh {environment} {previous_version}\"",
        "rollback = \"touch data/deployed-{previous_version}\"",
        1,
    );
    std::fs::write(&toml, text).unwrap();
    commit_all(&dir);
    let core = Shipdeck::open(Paths::resolve(Some(data.path().to_path_buf())).unwrap())
        .await
        .unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel();
    let (runner, path) = (core.clone(), dir.clone());
    let run = tokio::spawn(async move {
        let request = RollbackRunRequest {
            env: "staging".into(),
            to: None,
            allow_data_loss: false,
            yes: false,
        };
        runner.rollback_run(&path, request, Arc::new(Events(tx))).await
    });

    let (job, step) = next_ask(&mut rx).await;
    assert_eq!(step, 1);
    let marker = dir.join("data/deployed-1.4.1");
    assert!(!marker.exists(), "nothing runs before the answer");
    let wrong = core.rollback_confirm(job, 2, true).unwrap_err();
    assert_eq!(wrong.code(), "rollback.not_waiting");
    core.rollback_confirm(job, 1, true).unwrap();

    let (again, step) = next_ask(&mut rx).await;
    assert_eq!((again, step), (job, 2));
    assert!(marker.exists(), "step 1 ran once confirmed");
    core.rollback_confirm(job, 2, false).unwrap();

    let result = run.await.unwrap().unwrap();
    let statuses: Vec<StepStatus> = result.steps.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        vec![
            StepStatus::Done,
            StepStatus::Declined,
            StepStatus::NotRun,
            StepStatus::NotRun
        ]
    );
    assert!(!result.completed);
    let jobs = core.activity(None, 10).await.unwrap();
    let recorded = jobs
        .iter()
        .find(|j| j.id == job)
        .expect("the run is one recorded job");
    assert_eq!(recorded.kind.as_str(), "rollback_run");
}
