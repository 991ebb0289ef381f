//! The job runner: runs an area's work as a job recorded in the store (see
//! [`shipdeck_base::jobs`] for the job types areas report through).

use std::sync::Arc;

use tracing::Instrument;

pub use shipdeck_base::jobs::*;

use crate::error::{Error, ErrorPayload, Result};
use crate::store::{NewJob, Store};

/// What a finished job hands back: its value, a one-line summary for
/// Activity, and the JSON stored as the run's result.
pub struct JobOutput<T> {
    pub value: T,
    pub summary: String,
    pub result: Option<serde_json::Value>,
}

#[derive(Clone)]
pub struct JobRunner {
    store: Store,
    registry: JobRegistry,
}

impl JobRunner {
    pub fn new(store: Store, registry: JobRegistry) -> Self {
        Self { store, registry }
    }

    pub fn registry(&self) -> &JobRegistry {
        &self.registry
    }

    /// Runs `work` on a blocking thread as a recorded, cancellable job.
    pub async fn run<T, F>(
        &self,
        workspace_id: Option<&str>,
        kind: JobKind,
        sink: Arc<dyn ProgressSink>,
        work: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Progress) -> Result<JobOutput<T>> + Send + 'static,
    {
        let job_id = self.store.job_started(NewJob { workspace_id, kind }).await?;
        let alive = self.store.keep_alive(job_id);
        let (state, summary, result, error, outcome) =
            self.execute(job_id, workspace_id, kind, sink.clone(), work).await;
        drop(alive);
        self.store
            .job_finished(job_id, state, summary.as_deref(), result.as_ref(), error.as_ref())
            .await?;
        finished(&*sink, job_id, state, summary, error);
        outcome
    }

    /// Runs `work` like [`JobRunner::run`] (progress, cancel, the list of
    /// running jobs) but writes nothing to the store: for reads that take
    /// time. Its id is negative, so it never names a stored job.
    pub async fn run_unrecorded<T, F>(
        &self,
        workspace_id: Option<&str>,
        kind: JobKind,
        sink: Arc<dyn ProgressSink>,
        work: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Progress) -> Result<JobOutput<T>> + Send + 'static,
    {
        static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(-1);
        let job_id = NEXT.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        let (state, summary, _, error, outcome) =
            self.execute(job_id, workspace_id, kind, sink.clone(), work).await;
        finished(&*sink, job_id, state, summary, error);
        outcome
    }

    /// Runs the work on a blocking thread while it is listed as running.
    async fn execute<T, F>(
        &self,
        job_id: i64,
        workspace_id: Option<&str>,
        kind: JobKind,
        sink: Arc<dyn ProgressSink>,
        work: F,
    ) -> Finished<T>
    where
        T: Send + 'static,
        F: FnOnce(&Progress) -> Result<JobOutput<T>> + Send + 'static,
    {
        let info = RunningJob {
            id: job_id,
            kind,
            workspace_id: workspace_id.map(str::to_string),
            started_at: crate::store::now_ms(),
            done: 0,
            total: None,
            message: String::new(),
        };
        let progress = self.registry.start(info, sink.clone());
        sink.emit(&ProgressEvent::Started { job_id, kind });
        let span = tracing::info_span!("job", id = job_id, kind = kind.as_str());
        let blocking_span = span.clone();
        let outcome = tokio::task::spawn_blocking(move || blocking_span.in_scope(|| work(&progress)))
            .instrument(span)
            .await
            .map_err(Error::from)
            .and_then(|r| r);
        self.registry.finish(job_id);
        let (state, summary, result, error) = match &outcome {
            Ok(out) => (
                JobOutcome::Succeeded,
                Some(out.summary.clone()),
                out.result.clone(),
                None,
            ),
            Err(Error::Cancelled) => (
                JobOutcome::Cancelled,
                Some("cancelled by the user".into()),
                None,
                None,
            ),
            Err(e) => (JobOutcome::Failed, None, None, Some(e.payload())),
        };
        tracing::info!(
            job_id,
            kind = kind.as_str(),
            outcome = state.as_str(),
            "job finished"
        );
        (state, summary, result, error, outcome.map(|o| o.value))
    }
}

/// A finished job: its outcome, summary, stored result, error, and value.
type Finished<T> = (
    JobOutcome,
    Option<String>,
    Option<serde_json::Value>,
    Option<ErrorPayload>,
    Result<T>,
);

fn finished(
    sink: &dyn ProgressSink,
    job_id: i64,
    outcome: JobOutcome,
    summary: Option<String>,
    error: Option<ErrorPayload>,
) {
    sink.emit(&ProgressEvent::Finished {
        job_id,
        outcome,
        summary,
        error,
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<ProgressEvent>>);
    impl ProgressSink for Collect {
        fn emit(&self, e: &ProgressEvent) {
            self.0.lock().unwrap().push(e.clone());
        }
    }

    async fn runner() -> (tempfile::TempDir, JobRunner) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        (dir, JobRunner::new(store, JobRegistry::default()))
    }

    #[tokio::test]
    async fn successful_job_is_recorded_and_streams_events() {
        let (_dir, runner) = runner().await;
        let sink = Arc::new(Collect::default());
        let v = runner
            .run(None, JobKind::WorkspaceScan, sink.clone(), |p| {
                for i in 0..=10 {
                    p.report(i, Some(10), "step");
                }
                Ok(JobOutput {
                    value: 7,
                    summary: "seven".into(),
                    result: None,
                })
            })
            .await
            .unwrap();
        assert_eq!(v, 7);
        let events = sink.0.lock().unwrap().clone();
        assert!(matches!(events.first(), Some(ProgressEvent::Started { .. })));
        assert!(matches!(
            events.last(),
            Some(ProgressEvent::Finished {
                outcome: JobOutcome::Succeeded,
                ..
            })
        ));
        // Throttled: far fewer than 11 progress events, but the last step always arrives.
        let steps: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                ProgressEvent::Progress { done, .. } => Some(*done),
                _ => None,
            })
            .collect();
        assert_eq!(steps.last(), Some(&10));
        assert!(steps.len() < 11, "{steps:?}");
        let jobs = runner.store.jobs(None, 5).await.unwrap();
        assert_eq!(jobs[0].summary.as_deref(), Some("seven"));
        assert!(runner.registry().running().is_empty());
    }

    #[tokio::test]
    async fn an_unrecorded_job_reports_progress_and_writes_no_row() {
        let (_dir, runner) = runner().await;
        let sink = Arc::new(Collect::default());
        let v = runner
            .run_unrecorded(None, JobKind::ReleasePlan, sink.clone(), |p| {
                p.report(1, Some(1), "read");
                Ok(JobOutput {
                    value: 3,
                    summary: "three".into(),
                    result: None,
                })
            })
            .await
            .unwrap();
        assert_eq!(v, 3);
        let events = sink.0.lock().unwrap().clone();
        assert!(matches!(events.first(), Some(ProgressEvent::Started { job_id, .. }) if *job_id < 0));
        assert!(matches!(
            events.last(),
            Some(ProgressEvent::Finished {
                outcome: JobOutcome::Succeeded,
                ..
            })
        ));
        assert!(runner.store.jobs(None, 5).await.unwrap().is_empty());
        assert!(runner.registry().running().is_empty());
    }

    #[tokio::test]
    async fn cancel_stops_the_job_and_records_it() {
        let (_dir, runner) = runner().await;
        let registry = runner.registry().clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = tokio::spawn({
            let runner = runner.clone();
            async move {
                runner
                    .run(None, JobKind::WorkspaceScan, Arc::new(NoProgress), move |p| {
                        tx.send(p.job_id()).unwrap();
                        loop {
                            p.checkpoint()?;
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        #[allow(unreachable_code)]
                        Ok(JobOutput {
                            value: (),
                            summary: String::new(),
                            result: None,
                        })
                    })
                    .await
            }
        });
        let id = tokio::task::spawn_blocking(move || rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(registry.running().len(), 1);
        registry.cancel(id).unwrap();
        let err = handle.await.unwrap().unwrap_err();
        assert_eq!(err.code(), "job.cancelled");
        let job = runner.store.job(id).await.unwrap().unwrap();
        assert_eq!(job.outcome, JobOutcome::Cancelled);
        assert!(matches!(registry.cancel(id), Err(Error::JobNotFound { .. })));
    }

    #[tokio::test]
    async fn failed_job_keeps_its_error() {
        let (_dir, runner) = runner().await;
        let err = runner
            .run(
                None,
                JobKind::WorkspaceScan,
                Arc::new(NoProgress),
                |_| -> Result<JobOutput<()>> {
                    Err(Error::Internal("boom at postgres://u:pw12345@h".into()))
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "internal");
        let job = &runner.store.jobs(None, 1).await.unwrap()[0];
        assert_eq!(job.outcome, JobOutcome::Failed);
        let stored = job.error.as_ref().unwrap();
        assert!(!stored.message.contains("pw12345"));
    }
}
