//! `shipdeck doctor`: what this workspace needs from the machine, each with
//! ✓/✗ and, for a ✗, how to fix it. Checks run concurrently, each bounded by
//! a timeout, so one hung tool cannot hang the report.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::api::Shipdeck;
use crate::config::UrlSource;
use crate::secrets::Backend;
use crate::workspace::{detect_manifests, Workspace};

const TOOL_TIMEOUT: Duration = Duration::from_secs(10);
const DB_TIMEOUT: Duration = Duration::from_secs(5);

pub use shipdeck_types::DoctorCheck;

#[derive(Debug, Clone, Serialize, TS)]
pub struct DoctorReport {
    pub ok: bool,
    pub checks: Vec<DoctorCheck>,
}

fn check(
    id: impl Into<String>,
    label: impl Into<String>,
    result: Result<String, (String, String)>,
) -> DoctorCheck {
    match result {
        Ok(detail) => DoctorCheck {
            id: id.into(),
            label: label.into(),
            ok: true,
            detail,
            hint: None,
        },
        Err((detail, hint)) => DoctorCheck {
            id: id.into(),
            label: label.into(),
            ok: false,
            detail,
            hint: Some(hint),
        },
    }
}

/// Runs `program --version` (or `args`) and returns its first line.
async fn tool_version(program: &str, args: &[&str]) -> Result<String, String> {
    let run = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(TOOL_TIMEOUT, run).await {
        Err(_) => Err(format!(
            "`{program}` did not answer within {}s",
            TOOL_TIMEOUT.as_secs()
        )),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("`{program}` is not on PATH")),
        Ok(Err(e)) => Err(format!("`{program}` failed to start: {e}")),
        Ok(Ok(out)) if !out.status.success() => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            match stderr.lines().map(str::trim).find(|l| !l.is_empty()) {
                Some(reason) => Err(format!("`{program}` failed: {reason}")),
                None => Err(format!("`{program}` exited with {}", out.status)),
            }
        }
        Ok(Ok(out)) => {
            let text = if out.stdout.is_empty() {
                out.stderr
            } else {
                out.stdout
            };
            Ok(String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string())
        }
    }
}

/// Tools each ecosystem needs, with the install hint for a missing one.
fn tools_for(ecosystem: &str) -> &'static [(&'static str, &'static [&'static str], &'static str)] {
    match ecosystem {
        "cargo" => &[
            (
                "cargo",
                &["--version"],
                "Install Rust with rustup: https://rustup.rs",
            ),
            (
                "rustc",
                &["--version"],
                "Install Rust with rustup: https://rustup.rs",
            ),
        ],
        "npm" => &[
            (
                "node",
                &["--version"],
                "Install Node.js (https://nodejs.org) or use your version manager.",
            ),
            (
                "npm",
                &["--version"],
                "npm ships with Node.js; reinstall Node.js.",
            ),
        ],
        "pnpm" => &[
            (
                "node",
                &["--version"],
                "Install Node.js (https://nodejs.org) or use your version manager.",
            ),
            (
                "pnpm",
                &["--version"],
                "Run `corepack enable pnpm` or `npm install -g pnpm`.",
            ),
        ],
        "yarn" => &[
            (
                "node",
                &["--version"],
                "Install Node.js (https://nodejs.org) or use your version manager.",
            ),
            (
                "yarn",
                &["--version"],
                "Run `corepack enable yarn` or `npm install -g yarn`.",
            ),
        ],
        "python" => &[(
            "python3",
            &["--version"],
            "Install Python 3 (e.g. `apt install python3`).",
        )],
        _ => &[],
    }
}

/// Whether git can read the workspace's repository.
fn repo_check(workspace: &Workspace) -> DoctorCheck {
    check(
        "workspace",
        "Git repository",
        workspace
            .repo()
            .map(|_| {
                let v = git2::Version::get();
                let (ma, mi, pa) = v.libgit2_version();
                format!("readable (libgit2 {ma}.{mi}.{pa})")
            })
            .map_err(|e| {
                (
                    e.payload().message,
                    "Check the folder's permissions and .git contents.".into(),
                )
            }),
    )
}

/// One check per tool the workspace's ecosystems need, each tool once.
async fn toolchain_checks(workspace: &Workspace) -> Vec<DoctorCheck> {
    let manifests = detect_manifests(&workspace.root);
    let mut wanted: Vec<(&str, &[&str], &str)> = Vec::new();
    for eco in crate::workspace::ecosystems(&manifests) {
        for tool in tools_for(&eco) {
            if !wanted.iter().any(|w| w.0 == tool.0) {
                wanted.push(*tool);
            }
        }
    }
    let versions = futures::future::join_all(wanted.iter().map(|(p, a, _)| tool_version(p, a))).await;
    wanted
        .iter()
        .zip(versions)
        .map(|((program, _, hint), version)| {
            check(
                format!("toolchain.{program}"),
                program.to_string(),
                version.map_err(|e| (e, hint.to_string())),
            )
        })
        .collect()
}

impl Shipdeck {
    /// Checks the machine against what the workspace at `path` needs (or
    /// only the machine-wide checks when `path` is `None`).
    pub async fn doctor(&self, path: Option<&Path>) -> DoctorReport {
        let mut checks = Vec::new();
        checks.push(check(
            "store",
            "Shipdeck data folder",
            Ok(self.paths().data_dir.display().to_string()),
        ));
        checks.push(self.keyring_check().await);
        checks.push(check(
            "git.command",
            "git command",
            tool_version("git", &["--version"]).await.map_err(|e| {
                (
                    e,
                    "Install git (e.g. `apt install git`): hooks and credential helpers need it.".into(),
                )
            }),
        ));

        let Some(path) = path else {
            return DoctorReport {
                ok: checks.iter().all(|c| c.ok),
                checks,
            };
        };
        let workspace = match self.workspace(path).await {
            Ok(ws) => ws,
            Err(e) => {
                let p = e.payload();
                checks.push(check(
                    "workspace",
                    "Workspace",
                    Err((p.message, p.hint.unwrap_or_default())),
                ));
                return DoctorReport { ok: false, checks };
            }
        };
        checks.push(repo_check(&workspace));
        let config = workspace.config();
        checks.push(check(
            "config",
            "shipdeck.toml",
            match &config {
                Ok(Some(_)) => Ok("valid".into()),
                Ok(None) => Ok("absent (defaults apply)".into()),
                Err(e) => Err((e.payload().message, e.hint().unwrap_or_default())),
            },
        ));
        checks.extend(toolchain_checks(&workspace).await);

        if let Ok(Some(config)) = &config {
            for (name, db) in &config.databases {
                let result = self.database_check(&workspace, db.url_source()).await;
                checks.push(check(
                    format!("database.{name}"),
                    format!("Database `{name}`"),
                    result,
                ));
            }
        }
        DoctorReport {
            ok: checks.iter().all(|c| c.ok),
            checks,
        }
    }

    async fn keyring_check(&self) -> DoctorCheck {
        let keyring = self.keyring();
        let backend = keyring.backend();
        let probe = tokio::task::spawn_blocking(move || keyring.probe()).await;
        let label = "Credential store";
        match probe {
            Ok(Ok(())) => {
                let detail = match backend {
                    Backend::SecretService => "Secret Service (persistent)".to_string(),
                    Backend::Keyutils => "kernel keyutils (forgotten at reboot)".to_string(),
                };
                check("keyring", label, Ok(detail))
            }
            Ok(Err(e)) => check(
                "keyring",
                label,
                Err((e.payload().message, e.hint().unwrap_or_default())),
            ),
            Err(e) => check(
                "keyring",
                label,
                Err((e.to_string(), "Retry; if it persists, report a bug.".into())),
            ),
        }
    }

    async fn database_check(&self, ws: &Workspace, source: UrlSource) -> Result<String, (String, String)> {
        let url = match source {
            UrlSource::Env(var) => std::env::var(&var).map_err(|_| {
                (
                    format!("${var} is not set"),
                    format!("Export {var} with the database URL before running Shipdeck."),
                )
            })?,
            UrlSource::Keyring(name) => match self.secret_value(&ws.root, &name).await {
                Ok(Some(v)) => v,
                Ok(None) => {
                    return Err((
                        format!("no credential named {name:?}"),
                        format!("Store the URL with `shipdeck secret set {name}`."),
                    ))
                }
                Err(e) => return Err((e.payload().message, e.hint().unwrap_or_default())),
            },
            UrlSource::Literal(url) => url,
        };
        crate::secrets::register_secret(&url);
        if let Some(file) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let file = file.split('?').next().unwrap_or("");
            let path = ws.root.join(file);
            return if path.is_file() {
                Ok(format!("SQLite file {file}"))
            } else if path.parent().is_some_and(Path::is_dir) {
                Ok(format!("SQLite file {file} is created on first use"))
            } else {
                Err((
                    format!("the folder of {file} does not exist"),
                    "Create the folder or fix the URL in shipdeck.toml.".into(),
                ))
            };
        }
        crate::db::ping(&url, DB_TIMEOUT)
            .await
            .map(|server| format!("reachable ({server})"))
            .map_err(|e| (e.payload().message, e.hint().unwrap_or_default()))
    }
}
