//! The PDF report: the HTML page printed by a headless Chromium
//! (`--print-to-pdf`), the renderer that lays it out like the browser a
//! reader would open the HTML in. Chromium comes from the distribution
//! (`scripts/setup.sh` installs Debian's `chromium`); `SHIPDECK_CHROMIUM`
//! names another binary. It runs with a throwaway profile, no extensions,
//! no background networking, and is killed after [`TIMEOUT`]; the page
//! itself forbids loading anything (its Content-Security-Policy).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::ReadinessError;

pub const CHROMIUM_ENV: &str = "SHIPDECK_CHROMIUM";
const CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];
const TIMEOUT: Duration = Duration::from_secs(60);

/// The browser to print with: `SHIPDECK_CHROMIUM`, else the first of
/// Chromium's usual names on `PATH`.
pub fn renderer() -> Result<PathBuf, ReadinessError> {
    find_renderer(std::env::var_os(CHROMIUM_ENV), std::env::var_os("PATH"))
}

/// [`renderer`] with the variables given.
pub fn find_renderer(explicit: Option<OsString>, path: Option<OsString>) -> Result<PathBuf, ReadinessError> {
    if let Some(explicit) = explicit.filter(|v| !v.is_empty()) {
        let p = PathBuf::from(explicit);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(ReadinessError::NoPdfRenderer {
                message: format!("{CHROMIUM_ENV}={} is not a file", p.display()),
            })
        };
    }
    std::env::split_paths(&path.unwrap_or_default())
        .flat_map(|dir| CANDIDATES.map(|name| dir.join(name)))
        .find(|p| p.is_file())
        .ok_or_else(|| ReadinessError::NoPdfRenderer {
            message: format!("none of {} is on PATH", CANDIDATES.join(", ")),
        })
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Prints `html` to the PDF file `out`.
pub fn render(html: &str, out: &Path) -> Result<(), ReadinessError> {
    let browser = renderer()?;
    let dir = tempfile::tempdir().map_err(|e| failed(format!("cannot make a temporary folder: {e}")))?;
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).map_err(|e| failed(format!("cannot write the page: {e}")))?;
    let pdf = dir.path().join("report.pdf");
    let mut cmd = Command::new(&browser);
    cmd.arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--disable-extensions")
        .arg("--disable-background-networking")
        .arg("--disable-sync")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()));
    if running_as_root() {
        // Chromium refuses to start its sandbox as root.
        cmd.arg("--no-sandbox");
    }
    let mut child = cmd
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ReadinessError::NoPdfRenderer {
            message: format!("{} does not start: {e}", browser.display()),
        })?;
    let stderr = child.stderr.take();
    let tail = std::thread::spawn(move || {
        let mut buf = String::new();
        if let Some(mut s) = stderr {
            use std::io::Read;
            let _ = s.by_ref().take(64 * 1024).read_to_string(&mut buf);
        }
        buf
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!("no PDF after {} s", TIMEOUT.as_secs())));
            }
            Err(e) => return Err(failed(e.to_string())),
        }
    };
    let log = tail.join().unwrap_or_default();
    let made = std::fs::metadata(&pdf).is_ok_and(|m| m.len() > 0);
    if !status.success() || !made {
        let last: Vec<&str> = log.lines().rev().take(3).collect();
        return Err(failed(format!(
            "{} exited with {status}: {}",
            browser.display(),
            last.into_iter().rev().collect::<Vec<_>>().join(" / ")
        )));
    }
    std::fs::copy(&pdf, out).map_err(|e| ReadinessError::ReportPath {
        path: out.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(())
}

fn failed(message: String) -> ReadinessError {
    ReadinessError::PdfFailed { message }
}
