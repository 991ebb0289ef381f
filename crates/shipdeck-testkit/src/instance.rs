//! Private servers: started by a script of `scripts/` (`start DIR PORT`,
//! `stop DIR`, `destroy DIR`) in `$TMPDIR/shipdeck-<engine>-<pid>` on a free
//! port of 127.0.0.1, destroyed when the test process exits, and destroyed by
//! the next test process when the owner died without exiting (SIGKILL,
//! a crash). `SHIPDECK_KEEP_INSTANCES=1` (or `SHIPDECK_KEEP_PG=1` for
//! PostgreSQL) keeps the folder, stopped, for a look at the data and the
//! server log, until the next test process removes it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, Once};

/// How to start one kind of private server.
#[derive(Debug, Clone, Copy)]
pub struct Engine {
    /// In the folder name: `shipdeck-<name>-<pid>`.
    pub name: &'static str,
    /// A script of `scripts/`.
    pub script: &'static str,
    /// Set to `1`, keeps this engine's folder at exit (besides `SHIPDECK_KEEP_INSTANCES`).
    pub keep_var: &'static str,
}

/// A running private server.
#[derive(Debug)]
pub struct Instance {
    /// What the script printed: the URL of an administrator.
    pub url: String,
    pub port: u16,
    pub dir: PathBuf,
}

/// The servers this process started, destroyed at exit.
static STARTED: Mutex<Vec<(Engine, PathBuf)>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();

/// The repository's `scripts/` folder.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}

fn run_script(engine: &Engine, args: &[&std::ffi::OsStr]) -> std::io::Result<std::process::Output> {
    Command::new("bash")
        .arg(scripts_dir().join(engine.script))
        .args(args)
        .stdin(Stdio::null())
        .output()
}

/// Runs at process exit (libtest returns from main or calls `process::exit`;
/// statics are never dropped).
extern "C" fn destroy_at_exit() {
    let started = match STARTED.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    let keep_all = flag("SHIPDECK_KEEP_INSTANCES");
    for (engine, dir) in started {
        let action = if keep_all || flag(engine.keep_var) {
            "stop"
        } else {
            "destroy"
        };
        let _ = run_script(&engine, &[action.as_ref(), dir.as_os_str()]);
    }
}

fn flag(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| v == "1")
}

/// A port that was free a moment ago (the server may still lose a race for
/// it; [`start`] retries with another).
fn free_port() -> Result<u16, String> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind 127.0.0.1:0: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Whether a process exists (EPERM means it does, owned by someone else).
pub fn pid_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The owner's pid in a folder name `shipdeck-<engine>-<pid>`.
fn owner_of(file_name: &str, engine: &Engine) -> Option<i32> {
    file_name
        .strip_prefix("shipdeck-")?
        .strip_prefix(engine.name)?
        .strip_prefix('-')?
        .parse::<i32>()
        .ok()
        .filter(|pid| *pid > 0)
}

/// Destroys the servers of `engine` whose owning test process is gone.
pub fn remove_stale(base: &Path, engine: &Engine) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let me = std::process::id() as i32;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| owner_of(n, engine)) else {
            continue;
        };
        if pid != me && !pid_alive(pid) {
            let _ = run_script(engine, &["destroy".as_ref(), entry.path().as_os_str()]);
        }
    }
}

/// The folder of this process's server of `engine` under `base`.
pub fn dir_for(base: &Path, engine: &Engine) -> PathBuf {
    base.join(format!("shipdeck-{}-{}", engine.name, std::process::id()))
}

/// Starts this process's private server of `engine`, after removing the
/// stale ones; retried on another port when the chosen one was taken.
pub fn start(engine: Engine) -> Result<Instance, String> {
    let base = std::env::temp_dir();
    remove_stale(&base, &engine);
    let dir = dir_for(&base, &engine);
    AT_EXIT.call_once(|| {
        // SAFETY: registers a plain extern "C" fn without arguments.
        unsafe { libc::atexit(destroy_at_exit) };
    });
    STARTED
        .lock()
        .map_err(|_| "a test panicked while starting a server".to_string())?
        .push((engine, dir.clone()));
    let script = scripts_dir().join(engine.script);
    let mut last = String::new();
    for _ in 0..5 {
        let port = free_port()?;
        let out = run_script(
            &engine,
            &["start".as_ref(), dir.as_os_str(), port.to_string().as_ref()],
        )
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if out.status.success() {
            let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
            return Ok(Instance { url, port, dir });
        }
        last = format!(
            "{} start {} {port}: {}{}",
            script.display(),
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Lost the port to someone else: try another one.
        if !last.contains("already in use") && !last.contains("could not bind") {
            break;
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Engine = Engine {
        name: "pg",
        script: "pg-cluster.sh",
        keep_var: "SHIPDECK_KEEP_PG",
    };

    #[test]
    fn owner_is_read_from_the_folder_name_of_its_engine_only() {
        assert_eq!(owner_of("shipdeck-pg-1234", &PG), Some(1234));
        assert_eq!(owner_of("shipdeck-pg-x", &PG), None);
        assert_eq!(owner_of("shipdeck-pgx-12", &PG), None);
        assert_eq!(owner_of("shipdeck-mariadb-12", &PG), None);
        assert_eq!(owner_of("shipdeck-pg-0", &PG), None);
    }

    #[test]
    fn this_process_is_alive() {
        assert!(pid_alive(std::process::id() as i32));
    }
}
