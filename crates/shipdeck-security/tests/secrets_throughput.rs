//! Throughput on a generated tree of source-like files with planted
//! secrets. A measurement, not a check to run on every build:
//! `cargo test --release -p shipdeck-security --test secrets_throughput -- --ignored --nocapture`
//! (`SHIPDECK_SECRETS_MB` sets the tree size, default 200;
//! `SHIPDECK_SECRETS_DIR` keeps the tree there).

mod secrets_common;

use std::time::Instant;

use secrets_common::{github_token, progress, write};
use shipdeck_security::secrets::{scan, SecretsOptions};

/// A line of ordinary code, varied so the tree is not one repeated block.
fn code_line(i: usize) -> String {
    match i % 8 {
        0 => format!("fn handle_{i}(req: &Request) -> Result<Response> {{"),
        1 => format!("    let token_count = req.headers().len() + {i};"),
        2 => "    // the api client retries with backoff before giving up".to_string(),
        3 => format!("    let url = format!(\"https://example.test/v1/items/{{}}\", {i});"),
        4 => "    if auth.is_none() { return Err(Error::Unauthorized); }".to_string(),
        5 => format!("    let access_level = config.level.unwrap_or({});", i % 7),
        6 => "    tracing::debug!(path = %req.path(), \"served\");".to_string(),
        _ => "}".to_string(),
    }
}

#[test]
#[ignore = "measurement; run with --ignored in release"]
fn throughput_on_a_generated_tree() {
    let mb: usize = std::env::var("SHIPDECK_SECRETS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    // SHIPDECK_SECRETS_DIR keeps the tree (to compare with another
    // scanner on the same files); it is generated once.
    let dir = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("SHIPDECK_SECRETS_DIR").map(std::path::PathBuf::from);
    let root = kept.as_deref().unwrap_or(dir.path());
    let generate = !root.join("src").exists();
    let file_size = 100 * 1024;
    let files = mb * 1024 * 1024 / file_size;
    let mut block = String::new();
    let mut i = 0;
    while block.len() < file_size {
        block.push_str(&code_line(i));
        block.push('\n');
        i += 1;
    }
    let mut planted = 0;
    for f in 0..files {
        let mut text = block.clone();
        if f % 50 == 0 {
            text.push_str(&format!("GH = \"{}\"\n", github_token(&format!("{f:08}Ab"))));
            planted += 1;
        }
        if generate {
            write(root, &format!("src/m{}/f{f}.rs", f % 64), &text);
        }
    }
    let opts = SecretsOptions {
        no_git: true,
        ..SecretsOptions::default()
    };
    let start = Instant::now();
    let r = scan(root, &opts, &progress()).unwrap();
    let secs = start.elapsed().as_secs_f64();
    let mib = r.bytes_scanned as f64 / (1024.0 * 1024.0);
    println!(
        "secrets: {} files, {mib:.0} MiB in {secs:.2} s = {:.0} MiB/s, {} findings",
        r.files_scanned,
        mib / secs,
        r.findings.len()
    );
    assert_eq!(r.files_scanned as usize, files);
    let pats = r.findings.iter().filter(|f| f.rule_id == "github-pat").count();
    assert_eq!(pats, planted);
}

/// The history of the repository at `SHIPDECK_SECRETS_REPO` (all refs).
#[test]
#[ignore = "measurement; run with --ignored in release"]
fn history_throughput_on_a_repository() {
    let Some(repo) = std::env::var_os("SHIPDECK_SECRETS_REPO") else {
        panic!("set SHIPDECK_SECRETS_REPO to a git repository to measure");
    };
    let start = Instant::now();
    let r = scan(
        std::path::Path::new(&repo),
        &SecretsOptions::default(),
        &progress(),
    )
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let mib = r.bytes_scanned as f64 / (1024.0 * 1024.0);
    println!(
        "secrets history: {} commits, {} blobs, {mib:.0} MiB in {secs:.2} s, {} findings",
        r.commits_scanned,
        r.blobs_scanned,
        r.findings.len()
    );
    for f in &r.findings {
        println!("  {} {}:{} {}", f.rule_id, f.file, f.start_line, f.redacted);
    }
    assert!(r.commits_scanned > 0);
}
