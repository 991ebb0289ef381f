//! The package managers: which command regenerates which lockfile, and
//! running one in a worktree with the user's environment (so their
//! registry configuration and credentials apply), bounded in time and
//! output, killed on cancel.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;

use super::plan::{lock_dir, member_of, Cmd, Snapshot, Step};
use super::Bump;
use crate::config::UserEnv;
use crate::error::DepsError;

/// The output kept of a command (its end), per stream.
const KEEP_BYTES: usize = 64 << 10;
/// The end of the output an error shows.
const TAIL_CHARS: usize = 2_000;

fn cmd(program: &str, args: &[&str], dir: &str, lockfile: &str) -> Cmd {
    Cmd {
        program: program.into(),
        args: args.iter().map(|a| (*a).to_string()).collect(),
        dir: dir.into(),
        lockfile: lockfile.into(),
    }
}

/// The steps that bring `lock` up to `bumps`. Cargo pins each update with
/// `--precise`. The JavaScript managers are asked for `name@version`
/// (they may rewrite the requirement in their own style, so the edited
/// manifests are written again and the lockfile synced to them). uv pins
/// with `--upgrade-package name==version`. Poetry has no pin: `poetry
/// update --lock NAME` takes the highest version the edited requirement
/// allows, the same version unless a newer one was published meanwhile.
pub fn steps(snap: &Snapshot, lock: &str, bumps: &[&Bump]) -> Vec<Step> {
    let dir = lock_dir(lock);
    let file = Path::new(lock).file_name().and_then(|f| f.to_str()).unwrap_or("");
    match file {
        "Cargo.lock" => bumps.iter().flat_map(|b| cargo_steps(b, &dir, lock)).collect(),
        "uv.lock" => {
            let mut args = vec!["lock".to_string()];
            for b in bumps {
                args.push("--upgrade-package".into());
                args.push(format!("{}=={}", b.name, b.to));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            vec![Step::Run(cmd("uv", &args, &dir, lock))]
        }
        "poetry.lock" => {
            let names: Vec<&str> = bumps.iter().map(|b| b.name.as_str()).collect();
            let args = [&["update", "--lock"][..], &names].concat();
            vec![Step::Run(cmd("poetry", &args, &dir, lock))]
        }
        _ => js_steps(snap, file, lock, bumps),
    }
}

/// npm, pnpm and yarn: ask for the versions, write the edited manifests
/// back, sync the lockfile.
fn js_steps(snap: &Snapshot, file: &str, lock: &str, bumps: &[&Bump]) -> Vec<Step> {
    let dir = lock_dir(lock);
    let specs: Vec<String> = bumps.iter().map(|b| format!("{}@{}", b.name, b.to)).collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    let mut members: Vec<String> = bumps
        .iter()
        .map(|b| member_of(lock, &b.manifest))
        .filter(|m| !m.is_empty())
        .collect();
    members.sort();
    members.dedup();
    let (program, first, second): (&str, Vec<&str>, Vec<&str>) = match file {
        "package-lock.json" | "npm-shrinkwrap.json" => {
            let base = vec![
                "install",
                "--package-lock-only",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
            ];
            let mut first = base.clone();
            for m in &members {
                first.extend(["--workspace", m.as_str()]);
            }
            first.extend(&specs);
            ("npm", first, base)
        }
        "pnpm-lock.yaml" => {
            let mut first = vec!["add", "--lockfile-only", "--ignore-scripts"];
            for m in &members {
                first.extend(["--filter", m.as_str()]);
            }
            first.extend(&specs);
            (
                "pnpm",
                first,
                vec!["install", "--lockfile-only", "--ignore-scripts"],
            )
        }
        "yarn.lock" if snap.exists(&super::plan::rel_join(Path::new(&dir), ".yarnrc.yml")) => (
            "yarn",
            [&["up"][..], &specs, &["--mode=update-lockfile"]].concat(),
            vec!["install", "--mode=update-lockfile"],
        ),
        "yarn.lock" => (
            "yarn",
            [
                &["upgrade"][..],
                &specs,
                &["--ignore-scripts", "--non-interactive"],
            ]
            .concat(),
            vec!["install", "--ignore-scripts", "--non-interactive"],
        ),
        _ => return vec![],
    };
    vec![
        Step::Run(cmd(program, &first, &dir, lock)),
        Step::Write,
        Step::Run(cmd(program, &second, &dir, lock)),
    ]
}

/// `cargo update -p NAME@FROM --precise TO`. When the requirement moved
/// past the locked version, Cargo re-resolves the package to the highest
/// version the new requirement allows on the first update, so a second one
/// pins it, naming it by the target's compatible range (`itoa@1`).
fn cargo_steps(b: &Bump, dir: &str, lock: &str) -> Vec<Step> {
    let pkg = format!("{}@{}", b.name, b.from);
    if b.requirement_from == b.requirement_to {
        return vec![Step::Run(cmd(
            "cargo",
            &["update", "-p", &pkg, "--precise", &b.to],
            dir,
            lock,
        ))];
    }
    let parts: Vec<&str> = b.to.split(['.', '-', '+']).collect();
    let compatible = match parts.as_slice() {
        ["0", "0", p, ..] => format!("0.0.{p}"),
        ["0", m, ..] => format!("0.{m}"),
        [major, ..] => (*major).to_string(),
        [] => b.to.clone(),
    };
    let pinned = format!("{}@{compatible}", b.name);
    vec![
        Step::Run(cmd("cargo", &["update", "-p", &pkg], dir, lock)),
        Step::Run(cmd(
            "cargo",
            &["update", "-p", &pinned, "--precise", &b.to],
            dir,
            lock,
        )),
    ]
}

/// Keeps the last [`KEEP_BYTES`] of a stream.
fn drain(mut r: impl Read + Send + 'static) -> (std::thread::JoinHandle<()>, Arc<Mutex<Vec<u8>>>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let out = buf.clone();
    let h = std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = r.read(&mut chunk) {
            if n == 0 {
                break;
            }
            let mut b = out.lock().unwrap_or_else(|e| e.into_inner());
            b.extend_from_slice(&chunk[..n]);
            if b.len() > KEEP_BYTES {
                let cut = b.len() - KEEP_BYTES;
                b.drain(..cut);
            }
        }
    });
    (h, buf)
}

/// The end of a command's output, with secrets and the home folder masked.
fn tail(stdout: &[u8], stderr: &[u8], env: &UserEnv) -> String {
    let mut text = String::from_utf8_lossy(stderr).into_owned();
    if text.trim().is_empty() {
        text = String::from_utf8_lossy(stdout).into_owned();
    }
    for (k, v) in &env.vars {
        if v.len() >= 6 && shipdeck_base::secrets::is_secret_name(k) {
            text = text.replace(v.as_str(), shipdeck_base::secrets::MASK);
        }
    }
    let text = shipdeck_base::secrets::redact(text.trim()).into_owned();
    let start = text.char_indices().rev().nth(TAIL_CHARS).map_or(0, |(i, _)| i);
    text[start..].to_string()
}

/// Runs `c` in `root/c.dir` with the user's environment.
pub fn run(c: &Cmd, root: &Path, env: &UserEnv, timeout: Duration, progress: &Progress) -> Result<()> {
    let mut command = Command::new(&c.program);
    command
        .args(&c.args)
        .current_dir(root.join(&c.dir))
        .env_clear()
        .envs(&env.vars)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(home) = &env.home {
        command.env("HOME", home);
    }
    let mut child = command.spawn().map_err(|e| -> Error {
        if e.kind() == std::io::ErrorKind::NotFound {
            DepsError::ToolMissing {
                tool: c.program.clone(),
                lockfile: c.lockfile.clone(),
            }
            .into()
        } else {
            DepsError::ToolFailed {
                command: c.display(),
                status: "not started".into(),
                tail: e.to_string(),
            }
            .into()
        }
    })?;
    let (h1, out) = drain(child.stdout.take().expect("piped"));
    let (h2, err) = drain(child.stderr.take().expect("piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| Error::Internal(e.to_string()))? {
            break Ok(s);
        }
        if progress.is_cancelled() {
            let _ = child.kill();
            let _ = child.wait();
            break Err(Error::Cancelled);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break Err(Error::from(DepsError::ToolFailed {
                command: c.display(),
                status: format!("no answer within {} s", timeout.as_secs()),
                tail: String::new(),
            }));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // Joined only after a normal exit: a killed tool's children may still
    // hold the pipes open.
    let status = status?;
    let _ = (h1.join(), h2.join());
    if status.success() {
        return Ok(());
    }
    let out = out.lock().unwrap_or_else(|e| e.into_inner());
    let err = err.lock().unwrap_or_else(|e| e.into_inner());
    Err(DepsError::ToolFailed {
        command: c.display(),
        status: status.to_string(),
        tail: tail(&out, &err, env),
    }
    .into())
}
