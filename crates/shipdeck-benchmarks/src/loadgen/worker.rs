//! One connection task: the request loop of either model, its own latency
//! histogram (merged once at the end, so no lock per request) and its own
//! sample reservoir.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use super::client::{Client, Failure};
use super::{HttpOptions, HttpReport, Target};
use crate::LatencySummary;

/// Samples kept for the statistical gate.
pub(crate) const RESERVOIR: usize = 2_000;
/// Highest recordable latency: one hour, in µs.
const MAX_US: u64 = 3_600_000_000;
/// Pause after a failed connect in the closed model, so a refused port does
/// not turn into a busy loop.
const CONNECT_BACKOFF: Duration = Duration::from_millis(5);

/// A µs histogram with 3 significant digits.
pub(crate) fn histogram() -> Histogram<u64> {
    // Constant, valid bounds: this cannot fail.
    Histogram::new_with_bounds(1, MAX_US, 3).expect("valid histogram bounds")
}

pub(crate) fn ms(us: u64) -> f64 {
    us as f64 / 1_000.0
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Model {
    Closed,
    /// Requests per second in total.
    Open {
        rate: f64,
    },
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) model: Model,
    pub(crate) connections: usize,
    pub(crate) limit: Option<u64>,
    pub(crate) timeout: Duration,
    /// The end of the run, when it has a duration.
    pub(crate) deadline: Option<Instant>,
}

/// What the connection tasks share: counters for progress and the request
/// budget, and the latency window the progress reports read.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) requests: AtomicU64,
    pub(crate) errors: AtomicU64,
    /// Requests started, against `Plan::limit`.
    started: AtomicU64,
    /// Bumped at each progress tick; a task that sees it change hands its
    /// window over (one lock per task per tick, not per request).
    epoch: AtomicU64,
    window: Mutex<Histogram<u64>>,
}

impl Shared {
    pub(crate) fn new() -> Self {
        Self {
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            started: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
            window: Mutex::new(histogram()),
        }
    }

    /// The answers handed over since the last call; starts a new window.
    pub(crate) fn take_window(&self) -> Histogram<u64> {
        self.epoch.fetch_add(1, Ordering::Relaxed);
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let taken = window.clone();
        window.reset();
        taken
    }

    fn publish(&self, (requests, errors): &mut (u64, u64)) {
        self.requests
            .fetch_add(std::mem::take(requests), Ordering::Relaxed);
        self.errors.fetch_add(std::mem::take(errors), Ordering::Relaxed);
    }

    fn claim(&self, limit: Option<u64>) -> bool {
        match limit {
            None => true,
            Some(limit) => self.started.fetch_add(1, Ordering::Relaxed) < limit,
        }
    }
}

/// What one connection task measured.
pub(crate) struct Tally {
    hist: Histogram<u64>,
    requests: u64,
    errors: u64,
    statuses: BTreeMap<u16, u64>,
    reservoir: Reservoir,
}

/// What a group of connection tasks hands back when it is done.
pub(crate) type Part = Pin<Box<dyn Future<Output = Vec<Tally>> + Send>>;

/// Runs the tasks as tasks of the caller's runtime.
pub(crate) fn on_this_runtime(workers: Vec<Worker>) -> Vec<Part> {
    workers
        .into_iter()
        .map(|w| {
            let task = tokio::spawn(w.run());
            Box::pin(async move {
                match task.await {
                    Ok(tally) => vec![tally],
                    Err(e) => {
                        tracing::error!("a load generator connection task failed: {e}");
                        Vec::new()
                    }
                }
            }) as Part
        })
        .collect()
}

/// How many threads [`on_threads`] starts for `connections` tasks: the
/// requested count, else one per core; never more than the tasks.
pub(crate) fn thread_count(requested: Option<usize>, connections: usize) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, connections.max(1))
}

/// Runs the tasks on `threads` threads (default: one per core), each with
/// its own single-threaded runtime (wrk's layout): a connection's task never
/// moves between cores and its wake-ups stay on its thread, which the
/// caller's work-stealing runtime cannot promise. Falls back to the caller's
/// runtime if a thread or a runtime cannot be started.
pub(crate) fn on_threads(workers: Vec<Worker>, threads: Option<usize>) -> Vec<Part> {
    let threads = thread_count(threads, workers.len());
    let mut groups: Vec<Vec<Worker>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, w) in workers.into_iter().enumerate() {
        groups[i % threads].push(w);
    }
    let mut parts = Vec::with_capacity(threads);
    for group in groups {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::warn!("load generator: no runtime of its own ({e}); sharing the caller's");
                parts.extend(on_this_runtime(group));
                continue;
            }
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The group goes back through the channel if the thread cannot start.
        let group = Arc::new(Mutex::new(Some(group)));
        let handed = group.clone();
        let spawned = std::thread::Builder::new()
            .name("shipdeck-loadgen".into())
            .spawn(move || {
                let Some(group) = handed.lock().unwrap_or_else(|e| e.into_inner()).take() else {
                    return;
                };
                let tallies = runtime.block_on(async {
                    let tasks: Vec<_> = group.into_iter().map(|w| tokio::spawn(w.run())).collect();
                    futures::future::join_all(tasks)
                        .await
                        .into_iter()
                        .filter_map(Result::ok)
                        .collect::<Vec<_>>()
                });
                tx.send(tallies).ok();
            });
        if let Err(e) = spawned {
            tracing::warn!("load generator: no thread of its own ({e}); sharing the caller's runtime");
            if let Some(group) = group.lock().unwrap_or_else(|e| e.into_inner()).take() {
                parts.extend(on_this_runtime(group));
            }
            continue;
        }
        parts.push(Box::pin(async move { rx.await.unwrap_or_default() }));
    }
    parts
}

pub(crate) struct Worker {
    pub(crate) idx: usize,
    pub(crate) target: Arc<Target>,
    pub(crate) client: super::client::Shared,
    pub(crate) plan: Arc<Plan>,
    pub(crate) shared: Arc<Shared>,
    /// This task's own token (a child of the run's), so waiting on it
    /// touches no state the other tasks share.
    pub(crate) stop: CancellationToken,
    pub(crate) start: Instant,
}

/// One task's own counts: its tally for the report, and the latency window
/// and counters not yet handed to the shared progress.
struct Local {
    tally: Tally,
    window: Histogram<u64>,
    /// Answers and errors not yet added to the shared counters: they are
    /// handed over with the latency window, not per request.
    unpublished: (u64, u64),
    epoch: u64,
}

impl Local {
    fn answered(&mut self, scheduled: Instant, status: u16) {
        let us = (scheduled.elapsed().as_micros() as u64).clamp(1, MAX_US);
        self.tally.hist.saturating_record(us);
        self.window.saturating_record(us);
        self.tally.reservoir.offer(ms(us));
        self.tally.requests += 1;
        self.unpublished.0 += 1;
        *self.tally.statuses.entry(status).or_default() += 1;
    }

    fn failed(&mut self) {
        self.tally.errors += 1;
        self.unpublished.1 += 1;
    }

    /// Hands the window and counters over once the progress epoch moved on.
    fn hand_over(&mut self, shared: &Shared) {
        let now_epoch = shared.epoch.load(Ordering::Relaxed);
        if now_epoch != self.epoch {
            self.epoch = now_epoch;
            let mut window = shared.window.lock().unwrap_or_else(|e| e.into_inner());
            window.add(&self.window).ok();
            self.window.reset();
            drop(window);
            shared.publish(&mut self.unpublished);
        }
    }
}

impl Worker {
    /// When this task's `nth` request of a fixed arrival rate is due: every
    /// `connections / rate` seconds, staggered by `idx / rate`; `None` past
    /// the deadline.
    fn arrival(&self, rate: f64, nth: u64) -> Option<Instant> {
        let connections = self.plan.connections as f64;
        let offset = (self.idx as f64 + nth as f64 * connections) / rate;
        let at = self.start + Duration::from_secs_f64(offset.min(1e9));
        if self.plan.deadline.is_some_and(|d| at >= d) {
            return None;
        }
        Some(at)
    }

    /// When the next request counts from: now for a closed model, its
    /// arrival time (waited for) for an open one; `None` when the run is
    /// over first.
    async fn next_due(
        &self,
        nth: &mut u64,
        stopped: &mut Pin<&mut WaitForCancellationFutureOwned>,
    ) -> Option<Instant> {
        let Model::Open { rate } = self.plan.model else {
            return Some(Instant::now());
        };
        let at = self.arrival(rate, *nth)?;
        *nth += 1;
        if at > Instant::now() {
            tokio::select! {
                biased;
                _ = stopped => return None,
                _ = tokio::time::sleep_until(at) => {}
            }
        }
        Some(at)
    }

    pub(crate) async fn run(self) -> Tally {
        let mut local = Local {
            tally: Tally {
                hist: histogram(),
                requests: 0,
                errors: 0,
                statuses: BTreeMap::new(),
                reservoir: Reservoir::new(self.idx as u64),
            },
            window: histogram(),
            unpublished: (0, 0),
            epoch: self.shared.epoch.load(Ordering::Relaxed),
        };
        let mut client = Client::new(self.target.clone(), &self.client);
        let stopped = self.stop.clone().cancelled_owned();
        let mut stopped = std::pin::pin!(stopped);

        // Connect before the first request so its latency is not a handshake.
        tokio::select! {
            biased;
            _ = &mut stopped => return local.tally,
            _ = tokio::time::timeout(self.plan.timeout, client.warm_up()) => {}
        }

        let mut nth: u64 = 0;
        let timer = tokio::time::sleep(self.plan.timeout);
        let mut timer = std::pin::pin!(timer);
        'requests: loop {
            if !self.shared.claim(self.plan.limit) {
                break;
            }
            let Some(scheduled) = self.next_due(&mut nth, &mut stopped).await else {
                break;
            };
            let sent = Instant::now();
            let outcome = {
                let exchange = client.exchange();
                let mut exchange = std::pin::pin!(exchange);
                loop {
                    tokio::select! {
                        biased;
                        _ = &mut stopped => break 'requests,
                        r = &mut exchange => break Some(r),
                        // One timer per task, re-armed only when it fires:
                        // most requests never touch the timer wheel.
                        _ = &mut timer => {
                            let due = sent + self.plan.timeout;
                            if Instant::now() >= due {
                                break None;
                            }
                            timer.as_mut().reset(due);
                        }
                    }
                }
            };
            match outcome {
                Some(Ok(status)) => local.answered(scheduled, status),
                Some(Err(failure)) => {
                    local.failed();
                    client.reset();
                    if matches!(failure, Failure::Connect) && matches!(self.plan.model, Model::Closed) {
                        tokio::select! {
                            biased;
                            _ = &mut stopped => break,
                            _ = tokio::time::sleep(CONNECT_BACKOFF) => {}
                        }
                    }
                }
                None => {
                    // Timed out.
                    local.failed();
                    client.reset();
                }
            }
            local.hand_over(&self.shared);
        }
        self.shared.publish(&mut local.unpublished);
        local.tally
    }
}

/// Merges the tasks' tallies into the report.
pub(crate) fn report(
    tallies: Vec<Tally>,
    duration_s: f64,
    opts: &HttpOptions,
    cancelled: bool,
) -> HttpReport {
    let mut hist = histogram();
    let mut requests = 0;
    let mut errors = 0;
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    let mut reservoirs = Vec::with_capacity(tallies.len());
    for t in tallies {
        hist.add(&t.hist).ok();
        requests += t.requests;
        errors += t.errors;
        for (status, n) in t.statuses {
            *statuses.entry(status).or_default() += n;
        }
        reservoirs.push(t.reservoir);
    }
    let latency_ms = if hist.is_empty() {
        LatencySummary::default()
    } else {
        LatencySummary {
            p50: ms(hist.value_at_quantile(0.50)),
            p90: ms(hist.value_at_quantile(0.90)),
            p99: ms(hist.value_at_quantile(0.99)),
            p999: ms(hist.value_at_quantile(0.999)),
            max: ms(hist.max()),
            mean: hist.mean() / 1_000.0,
        }
    };
    HttpReport {
        requests,
        errors,
        duration_s,
        rps: if duration_s > 0.0 {
            requests as f64 / duration_s
        } else {
            0.0
        },
        latency_ms,
        status_codes: statuses.into_iter().map(|(s, n)| (s.to_string(), n)).collect(),
        model: if opts.rate.is_some() { "open" } else { "closed" }.into(),
        connections: opts.connections,
        rate: opts.rate,
        cancelled,
        samples_ms: Reservoir::merge(reservoirs),
    }
}

/// A uniform sample of at most [`RESERVOIR`] values (Vitter's algorithm R),
/// with a tiny xorshift generator: no lock, no allocation per value.
pub(crate) struct Reservoir {
    seen: u64,
    samples: Vec<f64>,
    rng: u64,
}

impl Reservoir {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seen: 0,
            samples: Vec::new(),
            rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    fn next(&mut self) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    pub(crate) fn offer(&mut self, value: f64) {
        self.seen += 1;
        if self.samples.len() < RESERVOIR {
            self.samples.push(value);
        } else {
            let slot = self.next() % self.seen;
            if (slot as usize) < RESERVOIR {
                self.samples[slot as usize] = value;
            }
        }
    }

    /// One uniform sample of everything the reservoirs saw: each reservoir
    /// gives a share of the [`RESERVOIR`] slots proportional to how many
    /// values it saw (largest remainders round), drawn at random from its own
    /// uniform sample.
    pub(crate) fn merge(reservoirs: Vec<Reservoir>) -> Vec<f64> {
        let kept: usize = reservoirs.iter().map(|r| r.samples.len()).sum();
        if kept <= RESERVOIR {
            return reservoirs.into_iter().flat_map(|r| r.samples).collect();
        }
        let seen: u64 = reservoirs.iter().map(|r| r.seen).sum();
        let exact: Vec<f64> = reservoirs
            .iter()
            .map(|r| RESERVOIR as f64 * r.seen as f64 / seen as f64)
            .collect();
        let mut shares: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
        let mut by_remainder: Vec<usize> = (0..exact.len()).collect();
        by_remainder
            .sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
        let missing = RESERVOIR.saturating_sub(shares.iter().sum());
        for &i in by_remainder.iter().take(missing) {
            shares[i] += 1;
        }
        let mut out = Vec::with_capacity(RESERVOIR);
        for (mut r, share) in reservoirs.into_iter().zip(shares) {
            // A partial Fisher–Yates shuffle picks `share` of its samples.
            let share = share.min(r.samples.len());
            for i in 0..share {
                let j = i + (r.next() % (r.samples.len() - i) as u64) as usize;
                r.samples.swap(i, j);
            }
            out.extend_from_slice(&r.samples[..share]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservoir_keeps_a_bounded_uniform_sample() {
        let mut r = Reservoir::new(1);
        for i in 0..100_000 {
            r.offer(i as f64);
        }
        assert_eq!(r.samples.len(), RESERVOIR);
        let mean = r.samples.iter().sum::<f64>() / RESERVOIR as f64;
        assert!((mean - 50_000.0).abs() < 3_000.0, "mean {mean}");
    }

    #[test]
    fn merged_reservoirs_weigh_by_what_each_saw() {
        // One task saw 90,000 values of 1.0, another 10,000 of 2.0.
        let mut a = Reservoir::new(1);
        let mut b = Reservoir::new(2);
        (0..90_000).for_each(|_| a.offer(1.0));
        (0..10_000).for_each(|_| b.offer(2.0));
        let merged = Reservoir::merge(vec![a, b]);
        assert_eq!(merged.len(), RESERVOIR);
        let twos = merged.iter().filter(|v| **v == 2.0).count() as f64 / RESERVOIR as f64;
        assert!((0.07..0.13).contains(&twos), "share of 2.0: {twos}");
    }

    #[test]
    fn thread_count_is_the_requested_one_capped_by_the_connections() {
        assert_eq!(thread_count(Some(3), 6), 3);
        assert_eq!(thread_count(Some(8), 2), 2, "no thread without a connection");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(thread_count(None, 1_000), cores);
        assert_eq!(thread_count(None, 1), 1);
    }

    #[test]
    fn small_reservoirs_are_kept_whole() {
        let mut a = Reservoir::new(1);
        (0..10).for_each(|i| a.offer(i as f64));
        assert_eq!(Reservoir::merge(vec![a]).len(), 10);
    }
}
