//! Runs a step's command: exec'd without a shell, in the workspace, with a
//! timeout, its output kept (bounded, redacted); a cancel kills it.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Output kept per stream.
const MAX_OUTPUT: usize = 16 * 1024;

/// How long the output is awaited once the command ended.
const GRACE: Duration = Duration::from_secs(2);

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    pub success: bool,
    /// stdout then stderr, bounded and redacted, with a last line saying
    /// how it ended when it did not exit 0.
    pub output: String,
}

/// Output read so far, and whether the stream ended.
type Kept = Arc<Mutex<(Vec<u8>, bool)>>;

fn drain(mut r: impl Read + Send + 'static) -> Kept {
    let kept: Kept = Arc::default();
    let out = kept.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = r.read(&mut buf).unwrap_or(0);
            let mut k = out.lock().unwrap_or_else(|e| e.into_inner());
            if n == 0 {
                k.1 = true;
                break;
            }
            let room = MAX_OUTPUT.saturating_sub(k.0.len());
            k.0.extend_from_slice(&buf[..n.min(room)]);
        }
    });
    kept
}

/// What the streams hold once they end, or after `GRACE` (a process the
/// command left running in the background may keep a pipe open).
fn collect(streams: &[Kept]) -> String {
    let until = Instant::now() + GRACE;
    while Instant::now() < until
        && !streams
            .iter()
            .all(|k| k.lock().unwrap_or_else(|e| e.into_inner()).1)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    streams
        .iter()
        .map(|k| String::from_utf8_lossy(&k.lock().unwrap_or_else(|e| e.into_inner()).0).into_owned())
        .collect()
}

/// Runs `argv` in `dir`; gives up after `timeout`, or when `cancelled()`.
pub fn run_command(
    argv: &[String],
    dir: &Path,
    timeout: Duration,
    cancelled: &dyn Fn() -> bool,
) -> CommandOutcome {
    let Some((program, args)) = argv.split_first() else {
        return CommandOutcome {
            success: false,
            output: "empty command".into(),
        };
    };
    let mut child = match Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            return CommandOutcome {
                success: false,
                output: format!("cannot start {program}: {e}"),
            }
        }
    };
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let start = Instant::now();
    let ending = loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break None,
            Ok(Some(status)) => break Some(format!("{program} exited with {status}")),
            Ok(None) if cancelled() => {
                let _ = child.kill();
                let _ = child.wait();
                break Some("cancelled: the command was stopped".into());
            }
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break Some(format!(
                    "timed out after {}s: the command was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Some(format!("cannot wait for {program}: {e}")),
        }
    };
    let streams: Vec<Kept> = [out, err].into_iter().flatten().collect();
    let mut text = collect(&streams);
    if let Some(e) = &ending {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(e);
    }
    CommandOutcome {
        success: ending.is_none(),
        output: shipdeck_base::secrets::redact(text.trim_end()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn a_command_that_exits_0_succeeds_with_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let r = run_command(
            &sh("echo hello; echo oops >&2"),
            dir.path(),
            Duration::from_secs(10),
            &|| false,
        );
        assert!(r.success);
        assert_eq!(r.output, "hello\noops");
    }

    #[test]
    fn a_failing_command_says_how_it_ended() {
        let dir = tempfile::tempdir().unwrap();
        let r = run_command(
            &sh("echo half; exit 3"),
            dir.path(),
            Duration::from_secs(10),
            &|| false,
        );
        assert!(!r.success);
        assert!(r.output.starts_with("half\n"), "{}", r.output);
        assert!(r.output.contains("exit status: 3"), "{}", r.output);
    }

    #[test]
    fn a_command_past_its_timeout_is_killed() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let r = run_command(
            &sh("exec sleep 30"),
            dir.path(),
            Duration::from_millis(200),
            &|| false,
        );
        assert!(!r.success);
        assert!(r.output.contains("timed out"), "{}", r.output);
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_background_process_holding_the_pipe_does_not_hold_the_step() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let r = run_command(
            &sh("echo started; sleep 5 & exit 0"),
            dir.path(),
            Duration::from_secs(10),
            &|| false,
        );
        assert!(r.success);
        assert_eq!(r.output, "started");
        assert!(
            start.elapsed() < Duration::from_millis(4500),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_cancel_kills_the_command() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let cancel_at = start + Duration::from_millis(200);
        let r = run_command(&sh("exec sleep 30"), dir.path(), Duration::from_secs(60), &|| {
            Instant::now() > cancel_at
        });
        assert!(!r.success);
        assert!(r.output.contains("cancelled"), "{}", r.output);
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let r = run_command(
            &sh("head -c 200000 /dev/zero | tr '\\0' x"),
            dir.path(),
            Duration::from_secs(10),
            &|| false,
        );
        assert!(r.success);
        assert!(r.output.len() <= MAX_OUTPUT);
    }
}
