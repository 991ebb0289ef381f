//! Environments: three environments of 2,000 keys each, as `.env` files in
//! a temporary folder (a fifth of the keys secret-looking, some missing or
//! drifting between environments). Times, as the median of 20 runs, reading
//! the files alone (the floor) and `load_environment` ×3 + `parity` (parse,
//! merge, every check, fingerprints). Goal: ≤ 100 ms.
//!
//!   cargo bench -p shipdeck-core --bench environments   (or bench/environments/run.sh)
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use shipdeck_core::config::EnvironmentConfig;
use shipdeck_core::environments::{load_environment, parity};

const KEYS: usize = 2_000;
const RUNS: usize = 20;
const GOAL: Duration = Duration::from_millis(100);
const ENVS: [&str; 3] = ["development", "staging", "production"];

/// A deterministic pseudo-random stream (no dependency, same files each run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

fn env_file(env_index: usize, rng: &mut Lcg) -> String {
    let mut out = String::with_capacity(KEYS * 48);
    let _ = writeln!(out, "# generated: {} keys", KEYS);
    for i in 0..KEYS {
        // Some keys exist in development only, some differ per environment,
        // some change kind (a number here, "5s" there).
        if env_index > 0 && i.is_multiple_of(97) {
            continue;
        }
        let line = match i % 5 {
            0 => format!("SERVICE_{i}_TOKEN={}", rng.token(32)),
            1 => format!(
                "SERVICE_{i}_URL=https://svc-{i}.{}.internal:8443/api",
                ENVS[env_index]
            ),
            2 if env_index == 1 && i % 37 == 2 => format!("SERVICE_{i}_TIMEOUT_MS=5s"),
            2 => format!("SERVICE_{i}_TIMEOUT_MS={}", 1000 + (i % 7) * 500),
            3 => format!(
                "FEATURE_{i}_ENABLED={}",
                if (i + env_index).is_multiple_of(3) {
                    "false"
                } else {
                    "true"
                }
            ),
            _ => format!("SERVICE_{i}_NAME=\"service number {i}\""),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    let mut rng = Lcg(42);
    let configs: Vec<(&str, EnvironmentConfig)> = ENVS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let file = format!(".env.{name}");
            std::fs::write(root.join(&file), env_file(i, &mut rng)).expect("write");
            let cfg = EnvironmentConfig {
                files: vec![shipdeck_core::environments::source::EnvFile::Path(file)],
                ..Default::default()
            };
            (*name, cfg)
        })
        .collect();
    let hmac_key = [7u8; 32];
    let run = |root: &Path| {
        let envs: Vec<_> = configs
            .iter()
            .map(|(n, c)| load_environment(root, n, c))
            .collect();
        parity(&envs, None, &hmac_key)
    };

    // Warm the page cache and check the work is real.
    let report = run(root);
    assert!(report.keys.len() >= KEYS, "{} keys", report.keys.len());
    assert!(!report.findings.is_empty());

    let read_alone = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let mut bytes = 0;
                for (_, c) in &configs {
                    bytes += std::fs::read(root.join(c.files[0].path())).expect("read").len();
                }
                std::hint::black_box(bytes);
                t.elapsed()
            })
            .collect(),
    );
    let full = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(run(root));
                t.elapsed()
            })
            .collect(),
    );
    let size: u64 = configs
        .iter()
        .map(|(_, c)| std::fs::metadata(root.join(c.files[0].path())).map_or(0, |m| m.len()))
        .sum();
    println!(
        "environments: {} × {KEYS} keys ({} KiB), {} keys in the matrix, {} findings; median of {RUNS} runs",
        ENVS.len(),
        size / 1024,
        report.keys.len(),
        report.findings.len()
    );
    println!(
        "parity: {:.1} ms (files read alone: {:.2} ms, ratio {:.0}×); goal ≤ {} ms: {}",
        ms(full),
        ms(read_alone),
        full.as_secs_f64() / read_alone.as_secs_f64().max(1e-9),
        GOAL.as_millis(),
        if full <= GOAL { "PASS" } else { "MISS" }
    );
}
