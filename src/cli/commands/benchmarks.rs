use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use shipdeck_core::benchmarks::import::Format;
use shipdeck_core::benchmarks::loadgen::{parse_header, HttpOptions, HTTP_LOAD_RULES};
use shipdeck_core::benchmarks::scenario::parse_duration;
use shipdeck_core::benchmarks::stats::Verdict;
use shipdeck_core::{Error, Result, Shipdeck};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// Load-test one URL (closed model; --rate for a fixed arrival rate).
    Http {
        url: String,
        #[arg(long, short = 'c', default_value_t = HTTP_LOAD_RULES.default_connections as usize)]
        connections: usize,
        /// How long: 10s, 500ms, 1m (default 10s unless --requests).
        #[arg(long, short = 'd', conflicts_with = "requests")]
        duration: Option<String>,
        /// Stop after this many requests.
        #[arg(long, short = 'n')]
        requests: Option<u64>,
        /// Open model: requests per second in total (latency then counts
        /// from the scheduled send time, as wrk2 does).
        #[arg(long)]
        rate: Option<f64>,
        #[arg(long, short = 'm', default_value = "GET")]
        method: String,
        /// `Name: value`, repeatable.
        #[arg(long = "header", short = 'H', value_name = "HEADER")]
        headers: Vec<String>,
        /// The body, or @FILE.
        #[arg(long)]
        body: Option<String>,
        /// Threads sending the requests, each with its share of the
        /// connections (like wrk's -t). Default: one per core.
        #[arg(long, short = 't', value_name = "N")]
        threads: Option<usize>,
    },
    /// The workspace's scenarios (shipdeck.toml [[bench.scenario]], bench/*.toml).
    List,
    /// Run scenarios (all, or the named ones); exit 1 when a threshold fails.
    Run { names: Vec<String> },
    /// Import k6, oha, hyperfine, criterion, pytest-benchmark or cargo bench results.
    Import {
        file: PathBuf,
        /// k6, oha, hyperfine, criterion, pytest_benchmark, bencher (default: detected).
        #[arg(long)]
        format: Option<String>,
    },
    /// Recorded runs, newest first.
    History {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Compare the metrics measured at two refs; exit 1 on a regression or
    /// when iterations failed (their times cannot be judged).
    Compare {
        #[arg(long)]
        base: String,
        #[arg(long)]
        head: String,
    },
}

fn format_of(s: &str) -> Result<Format> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| Error::InvalidInput {
        field: "--format",
        reason: format!("{s:?} is not one of k6, oha, hyperfine, criterion, pytest_benchmark, bencher"),
    })
}

pub async fn run(cmd: BenchCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    match cmd {
        BenchCmd::Http {
            url,
            connections,
            duration,
            requests,
            rate,
            method,
            headers,
            body,
            threads,
        } => {
            let headers = parse_headers(&headers)?;
            let body = body.map(read_body).transpose()?;
            let duration = match (duration, requests) {
                (Some(d), _) => Some(parse_duration(&d)?),
                (None, None) => Some(Duration::from_secs_f64(HTTP_LOAD_RULES.default_duration_s)),
                (None, Some(_)) => None,
            };
            let opts = HttpOptions {
                url,
                method,
                headers,
                body,
                connections,
                duration,
                requests,
                rate,
                timeout: std::time::Duration::from_secs(10),
                threads,
            };
            http(&core, &dir, opts, out).await
        }
        BenchCmd::List => {
            let list = core.bench_scenarios(&dir).await?;
            out.print(&list, |list| {
                for s in list {
                    println!("{:<24} {:<6} {}  ({})", s.name, s.kind, s.target, s.file);
                }
            });
            Ok(ExitCode::SUCCESS)
        }
        BenchCmd::Run { names } => run_scenarios(&core, &dir, &names, out).await,
        BenchCmd::Import { file, format } => {
            let format = format.as_deref().map(format_of).transpose()?;
            let imported = core.bench_import(&dir, &file, format).await?;
            out.print(&imported, |i| {
                println!("{} metrics imported ({:?})", i.metrics.len(), i.format);
                for m in &i.metrics {
                    let failed = match (m.failed, m.n) {
                        (Some(f), Some(n)) if f > 0 => format!("  ({f} of {n} iterations failed)"),
                        (Some(f), None) if f > 0 => format!("  ({f} iterations failed)"),
                        _ => String::new(),
                    };
                    println!("  {:<40} {:.4} {}{failed}", m.name, m.value, m.unit);
                }
            });
            Ok(ExitCode::SUCCESS)
        }
        BenchCmd::History { limit } => history(&core, &dir, limit, out).await,
        BenchCmd::Compare { base, head } => compare(&core, &dir, &base, &head, out).await,
    }
}

fn parse_headers(headers: &[String]) -> Result<Vec<(String, String)>> {
    headers
        .iter()
        .map(|h| {
            parse_header(h).map_err(|reason| Error::InvalidInput {
                field: "--header",
                reason,
            })
        })
        .collect()
}

/// `--body`: the text itself, or `@file` for a file's bytes.
fn read_body(b: String) -> Result<Vec<u8>> {
    Ok(match b.strip_prefix('@') {
        Some(file) => std::fs::read(file).map_err(|e| Error::InvalidInput {
            field: "--body",
            reason: format!("cannot read {file}: {e}"),
        })?,
        None => b.into_bytes(),
    })
}

/// `bench run`: exit 1 when a scenario did not pass.
async fn run_scenarios(core: &Shipdeck, dir: &Path, names: &[String], out: &Output) -> Result<ExitCode> {
    cancel_on_ctrl_c(core);
    let results = core.bench_run(dir, names, Bar::new(out.json)).await?;
    let failed = results.iter().any(|r| !r.passed());
    out.print(&results, |results| {
        for r in results {
            let l = r.latency_ms.unwrap_or_default();
            println!(
                "{} [{}]: {:.1} ops/s, p50 {:.2} ms, p99 {:.2} ms, {} errors{}",
                r.name,
                r.kind,
                r.rps.unwrap_or(0.0),
                l.p50,
                l.p99,
                r.errors,
                if r.cancelled { " (cancelled)" } else { "" }
            );
            for p in &r.sweep {
                println!(
                    "    {:>4} connections: {:.1} req/s, p99 {:.2} ms",
                    p.connections, p.rps, p.p99_ms
                );
            }
            for t in &r.thresholds {
                println!(
                    "    {} {} (actual {:.2})",
                    if t.ok { "✓" } else { "✗" },
                    t.expr,
                    t.actual
                );
            }
            if r.unexpected_status > 0 {
                println!(
                    "    ✗ {} responses without the expected status",
                    r.unexpected_status
                );
            }
        }
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn history(core: &Shipdeck, dir: &Path, limit: i64, out: &Output) -> Result<ExitCode> {
    let runs = core.bench_history(dir, limit).await?;
    out.print(&serde_json::json!({ "runs": runs }), |_| {
        for h in &runs {
            let when = chrono::DateTime::from_timestamp_millis(h.run.started_at)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let sha = h
                .run
                .commit_sha
                .as_deref()
                .map(|s| &s[..s.len().min(7)])
                .unwrap_or("-");
            println!(
                "{when} {sha} {:<9} {:<10} {} ({} metrics)",
                h.run.status,
                h.run.source,
                h.run.name,
                h.metrics.len()
            );
        }
    });
    Ok(ExitCode::SUCCESS)
}

/// `bench compare`: exit 1 on a regression or a metric that could not be judged.
async fn compare(core: &Shipdeck, dir: &Path, base: &str, head: &str, out: &Output) -> Result<ExitCode> {
    let report = core.bench_compare(dir, base, head).await?;
    out.print(&report, |r| {
        println!(
            "{} ({}, {} runs) → {} ({}, {} runs); {}",
            r.base.reference,
            &r.base.commit[..7],
            r.base.runs,
            r.head.reference,
            &r.head.commit[..7],
            r.head.runs,
            r.method
        );
        for c in &r.comparisons {
            let mark = match c.verdict {
                Verdict::Regression => "✗ regression",
                Verdict::Improvement => "✓ improvement",
                Verdict::NoChange => "  no change",
                Verdict::InsufficientData => "? not enough data",
                Verdict::FailedIterations => "✗ cannot judge",
            };
            println!(
                "{mark:<18} {:<40} {:.3} → {:.3} {} ({:+.1} %) {}",
                c.name, c.base, c.head, c.unit, c.change_pct, c.detail
            );
        }
        println!("{} regression(s)", r.regressions);
        if r.failed > 0 {
            println!("{} metric(s) not judged: iterations failed", r.failed);
        }
    });
    Ok(if report.regressions > 0 || report.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `bench http`: one load run and its summary.
async fn http(core: &Shipdeck, dir: &Path, opts: HttpOptions, out: &Output) -> Result<ExitCode> {
    cancel_on_ctrl_c(core);
    let r = core.bench_http(dir, opts, Bar::new(out.json)).await?;
    out.print(&r, |r| {
        println!(
            "{} requests in {:.2} s ({} model, {} connections), {} errors",
            r.requests, r.duration_s, r.model, r.connections, r.errors
        );
        println!("{:.1} req/s", r.rps);
        let l = &r.latency_ms;
        println!(
            "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  mean {:.2}",
            l.p50, l.p90, l.p99, l.p999, l.max, l.mean
        );
        let codes: Vec<String> = r.status_codes.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        println!("status codes: {}", codes.join(", "));
        if r.cancelled {
            println!("(cancelled: partial results)");
        }
    });
    Ok(ExitCode::SUCCESS)
}
