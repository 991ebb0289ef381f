//! How the gate runs its checks: all at once on the job's thread, each
//! bounded by a timeout, a panic or an error turned into that area's
//! `fail`, progress per finished area, and cancel through the job's token.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use crate::error::{Error, ErrorPayload, Result};
use crate::jobs::Progress;
use crate::readiness::gate::status_name;
use crate::readiness::{Area, AreaOutcome, CheckStatus};
use crate::secrets::redact;

/// How long one area's check may take before it is a `fail`.
pub(super) const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

pub(super) type CheckFuture<'a> = Pin<Box<dyn Future<Output = Result<AreaOutcome>> + Send + 'a>>;

/// One area's answer, before `[readiness.checks]` weighs it.
pub(super) struct Finished {
    pub area: Area,
    pub outcome: AreaOutcome,
    /// The typed error when the check itself failed.
    pub error: Option<ErrorPayload>,
}

/// A check that errors, panics or runs out of time fails its area, with
/// the error's (redacted) message as the summary; it never stops the gate.
fn settle(
    area: Area,
    r: std::result::Result<std::thread::Result<Result<AreaOutcome>>, tokio::time::error::Elapsed>,
    limit: Duration,
) -> Finished {
    let failed = |payload: ErrorPayload| Finished {
        area,
        outcome: AreaOutcome::new(CheckStatus::Fail, payload.message.clone()),
        error: Some(payload),
    };
    match r {
        Ok(Ok(Ok(mut outcome))) => {
            outcome.summary = redact(&outcome.summary).into_owned();
            outcome.lines = outcome.lines.iter().map(|l| redact(l).into_owned()).collect();
            Finished {
                area,
                outcome,
                error: None,
            }
        }
        Ok(Ok(Err(e))) => failed(e.payload()),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            tracing::error!(area = area.as_str(), panic = %redact(&what), "readiness check panicked");
            failed(
                Error::Internal(format!(
                    "the {} check stopped unexpectedly: {what}",
                    area.as_str()
                ))
                .payload(),
            )
        }
        Err(_) => failed(ErrorPayload {
            code: "readiness.timed_out".into(),
            message: format!("timed out after {} s", limit.as_secs()),
            hint: Some(format!(
                "Run `shipdeck ready` again, or look at the {} area on its own.",
                area.as_str()
            )),
        }),
    }
}

/// Runs `checks` concurrently, reporting `3/11 migrations: warn` as each
/// finishes; `Err(Cancelled)` as soon as the job is cancelled.
pub(super) async fn gather(
    checks: Vec<(Area, CheckFuture<'_>)>,
    limit: Duration,
    progress: &Progress,
) -> Result<Vec<Finished>> {
    let total = checks.len();
    let token = progress.cancellation();
    let mut pending: FuturesUnordered<_> = checks
        .into_iter()
        .map(|(area, check)| async move {
            let r = tokio::time::timeout(limit, AssertUnwindSafe(check).catch_unwind()).await;
            settle(area, r, limit)
        })
        .collect();
    let mut out = Vec::with_capacity(total);
    loop {
        tokio::select! {
            _ = token.cancelled() => return Err(Error::Cancelled),
            next = pending.next() => match next {
                Some(f) => {
                    let message = format!(
                        "{}/{total} {}: {}",
                        out.len() + 1,
                        f.area.as_str(),
                        status_name(f.outcome.status)
                    );
                    progress.report(out.len() as u64 + 1, Some(total as u64), message);
                    out.push(f);
                }
                None => break,
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::jobs::CancellationToken;

    use super::*;

    fn ok(status: CheckStatus) -> CheckFuture<'static> {
        Box::pin(async move { Ok(AreaOutcome::new(status, "fine")) })
    }

    #[tokio::test]
    async fn a_panic_an_error_and_a_timeout_each_fail_their_area_only() {
        let progress = Progress::detached(CancellationToken::new());
        let checks: Vec<(Area, CheckFuture<'static>)> = vec![
            (Area::Releases, ok(CheckStatus::Pass)),
            (Area::Docs, Box::pin(async { panic!("boom") })),
            (
                Area::Bundle,
                Box::pin(async { Err(Error::Internal("db at postgres://u:hunter22@h/x down".into())) }),
            ),
            (
                Area::Coverage,
                Box::pin(async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(AreaOutcome::new(CheckStatus::Pass, "late"))
                }),
            ),
        ];
        let out = gather(checks, Duration::from_millis(300), &progress)
            .await
            .unwrap();
        let of = |a: Area| out.iter().find(|f| f.area == a).unwrap();
        assert_eq!(of(Area::Releases).outcome.status, CheckStatus::Pass);
        let docs = of(Area::Docs);
        assert_eq!(docs.outcome.status, CheckStatus::Fail);
        assert!(docs.outcome.summary.contains("boom"), "{}", docs.outcome.summary);
        let bundle = of(Area::Bundle);
        assert_eq!(bundle.outcome.status, CheckStatus::Fail);
        assert!(
            !bundle.outcome.summary.contains("hunter22"),
            "{}",
            bundle.outcome.summary
        );
        assert_eq!(bundle.error.as_ref().unwrap().code, "internal");
        let cov = of(Area::Coverage);
        assert_eq!(cov.outcome.status, CheckStatus::Fail);
        assert!(
            cov.outcome.summary.contains("timed out"),
            "{}",
            cov.outcome.summary
        );
    }

    #[tokio::test]
    async fn cancel_stops_the_gate_at_once() {
        let token = CancellationToken::new();
        let progress = Progress::detached(token.clone());
        let checks: Vec<(Area, CheckFuture<'static>)> = vec![(
            Area::Releases,
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(AreaOutcome::new(CheckStatus::Pass, "late"))
            }),
        )];
        let started = std::time::Instant::now();
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            token.cancel();
        });
        let err = gather(checks, Duration::from_secs(60), &progress)
            .await
            .err()
            .unwrap();
        canceller.await.unwrap();
        assert_eq!(err.code(), "job.cancelled");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
