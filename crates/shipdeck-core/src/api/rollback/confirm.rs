//! Rollback runs waiting for a step to be confirmed: the run registers
//! itself here before it asks, and [`Shipdeck::rollback_confirm`] (or a
//! cancel) wakes it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use tokio::sync::oneshot;

use crate::jobs::{Progress, ProgressEvent, ProgressSink};
use crate::rollback::RollbackError;

/// Job id → (the step it waits at, the way to answer it).
type Waiting = HashMap<i64, (u32, oneshot::Sender<bool>)>;

static WAITING: LazyLock<Mutex<Waiting>> = LazyLock::new(Default::default);

fn waiting() -> std::sync::MutexGuard<'static, Waiting> {
    WAITING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Asks to confirm step `step` of `total` and waits for the answer:
/// `true` to run it; `false` when declined or the job was cancelled.
pub(super) async fn ask(
    progress: &Progress,
    sink: &Arc<dyn ProgressSink>,
    step: u32,
    total: u32,
    description: &str,
) -> bool {
    let job_id = progress.job_id();
    let (tx, rx) = oneshot::channel();
    waiting().insert(job_id, (step, tx));
    sink.emit(&ProgressEvent::AwaitingConfirmation {
        job_id,
        step,
        total,
        description: description.to_string(),
    });
    let cancel = progress.cancellation();
    let answer = tokio::select! {
        answer = rx => answer.unwrap_or(false),
        () = cancel.cancelled() => false,
    };
    waiting().remove(&job_id);
    answer
}

/// Answers the run `job_id` waiting at `step`.
pub(super) fn answer(job_id: i64, step: u32, proceed: bool) -> Result<(), RollbackError> {
    let mut map = waiting();
    match map.get(&job_id) {
        Some((at, _)) if *at == step => {
            let (_, tx) = map.remove(&job_id).expect("present");
            let _ = tx.send(proceed);
            Ok(())
        }
        _ => Err(RollbackError::NotWaiting { job_id, step }),
    }
}
