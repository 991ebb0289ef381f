//! The HTTP load generator against a server started elsewhere (see
//! `bench/loadgen/run.sh`, which runs wrk and oha against the same server in
//! the same run). Prints the report as one JSON line.
//!
//!   cargo bench -p shipdeck-core --bench loadgen -- URL CONNECTIONS SECONDS [RATE] [-t THREADS]
//!
//! `-t` is the CLI's `--threads` (wrk's `-t`); default one per core.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::time::Duration;

use shipdeck_benchmarks::loadgen::{run_http, HttpOptions};
use tokio_util::sync::CancellationToken;

fn main() {
    // `cargo bench` passes `--bench`; the positional arguments are ours.
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let threads = match args.iter().position(|a| a == "-t") {
        Some(i) => {
            let n = args.get(i + 1).and_then(|n| n.parse().ok());
            args.drain(i..(i + 2).min(args.len()));
            n
        }
        None => None,
    };
    let Some(url) = args.first() else {
        eprintln!("usage: loadgen URL CONNECTIONS SECONDS [RATE] [-t THREADS]");
        std::process::exit(2);
    };
    let number = |i: usize, default: f64| args.get(i).and_then(|a| a.parse::<f64>().ok()).unwrap_or(default);
    let opts = HttpOptions {
        url: url.clone(),
        connections: number(1, 16.0) as usize,
        duration: Some(Duration::from_secs_f64(number(2, 5.0))),
        rate: args.get(3).and_then(|a| a.parse().ok()),
        threads,
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let report = runtime.block_on(run_http(&opts, &|_| {}, &CancellationToken::new()));
    match report {
        Ok(report) => println!("{}", serde_json::to_string(&report).expect("report serialises")),
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(1);
        }
    }
}
