//! `env doctor`: does this machine match what the workspace's files pin
//! (`rust-toolchain(.toml)`, `.nvmrc`/`.node-version`, `.python-version`,
//! `engines` in package.json), and are the services its development
//! environment points at (databases, caches, brokers on this machine)
//! reachable? Each result is a doctor check with a fix.

use std::path::Path;
use std::time::Duration;

use crate::LoadedEnv;
use shipdeck_types::DoctorCheck;

const TOOL_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A version a file pins, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// `rust`, `node`, `npm` or `python`.
    pub tool: &'static str,
    pub file: &'static str,
    /// As written: `1.89`, `stable`, `20`, `lts/*`, `>=18 <21`, `3.11`.
    pub wanted: String,
}

/// The pins the workspace's files declare.
pub fn pins(root: &Path) -> Vec<Pin> {
    let read = |f: &str| {
        let path = shipdeck_base::workspace::inside(root, f, f).ok()?;
        std::fs::read_to_string(path).ok()
    };
    let first_line = |t: String| {
        t.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
    };
    let mut out = Vec::new();
    if let Some(t) = read("rust-toolchain.toml") {
        let channel = t
            .parse::<toml::Table>()
            .ok()
            .and_then(|v| v.get("toolchain")?.get("channel")?.as_str().map(str::to_string));
        if let Some(c) = channel {
            out.push(Pin {
                tool: "rust",
                file: "rust-toolchain.toml",
                wanted: c,
            });
        }
    } else if let Some(c) = read("rust-toolchain").and_then(first_line) {
        out.push(Pin {
            tool: "rust",
            file: "rust-toolchain",
            wanted: c,
        });
    }
    for file in [".nvmrc", ".node-version"] {
        if let Some(v) = read(file).and_then(first_line) {
            out.push(Pin {
                tool: "node",
                file,
                wanted: v,
            });
            break;
        }
    }
    if let Some(v) = read(".python-version").and_then(first_line) {
        out.push(Pin {
            tool: "python",
            file: ".python-version",
            wanted: v,
        });
    }
    if let Some(engines) = read("package.json")
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("engines").cloned())
    {
        for tool in ["node", "npm"] {
            if let Some(req) = engines.get(tool).and_then(|r| r.as_str()) {
                out.push(Pin {
                    tool,
                    file: "package.json",
                    wanted: req.to_string(),
                });
            }
        }
    }
    out
}

/// `X.Y.Z` found in a tool's `--version` output (`v20.20.2`, `Python 3.11.7`,
/// `rustc 1.95.0 (…)`).
fn version_in(text: &str) -> Option<semver::Version> {
    text.split(|c: char| c.is_whitespace() || c == 'v')
        .filter_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.');
            let parts: Vec<&str> = w.split('.').collect();
            match parts.as_slice() {
                [a, b, c, ..] => semver::Version::parse(&format!("{a}.{b}.{c}")).ok(),
                [a, b] => semver::Version::parse(&format!("{a}.{b}.0")).ok(),
                _ => None,
            }
        })
        .next()
}

/// npm's range syntax (`>=18 <21`, `^18 || ^20`, `20.x`) as semver
/// requirements; any alternative matching is enough. The semver crate wants
/// comparators separated by commas and has no `||`, hence this small
/// translation rather than a parser of our own.
fn npm_range_matches(range: &str, v: &semver::Version) -> Option<bool> {
    let mut any_parsed = false;
    for alt in range.split("||") {
        let alt = alt.trim();
        let req = if alt.contains(" - ") {
            let (lo, hi) = alt.split_once(" - ")?;
            format!(">={}, <={}", lo.trim(), hi.trim())
        } else {
            alt.split_whitespace().collect::<Vec<_>>().join(", ")
        };
        if let Ok(r) = semver::VersionReq::parse(&req) {
            any_parsed = true;
            if r.matches(v) {
                return Some(true);
            }
        }
    }
    any_parsed.then_some(false)
}

/// Whether the installed version satisfies the pin; `None` when the pin
/// cannot be compared (`lts/*`, `nightly-2026-01-01`, …).
pub fn satisfies(pin: &Pin, installed: &semver::Version, raw: &str) -> Option<bool> {
    let wanted = pin.wanted.trim().trim_start_matches('v');
    match (pin.tool, wanted) {
        ("rust", "stable") => Some(!raw.contains("-nightly") && !raw.contains("-beta")),
        ("rust", c) if c.starts_with("nightly") => Some(raw.contains("-nightly")),
        ("rust", c) if c.starts_with("beta") => Some(raw.contains("-beta")),
        (_, w) if pin.file == "package.json" => npm_range_matches(w, installed),
        (_, w) => {
            // A version prefix: `20` matches 20.x.y, `3.11` matches 3.11.z.
            let parts: Vec<u64> = w.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            let have = [installed.major, installed.minor, installed.patch];
            Some(parts.iter().zip(have).all(|(a, b)| *a == b))
        }
    }
}

fn fix_for(tool: &str, wanted: &str) -> String {
    match tool {
        "rust" => format!("Run `rustup toolchain install {wanted}` (rustup then picks it in this folder)."),
        "node" | "npm" => {
            format!("Install Node.js {wanted} with your version manager (`nvm install`, `fnm use`).")
        }
        "python" => format!("Install Python {wanted} (e.g. `pyenv install {wanted}`)."),
        _ => format!("Install {tool} {wanted}."),
    }
}

async fn installed(program: &str, cwd: &Path) -> Result<String, String> {
    let run = tokio::process::Command::new(program)
        .arg("--version")
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(TOOL_TIMEOUT, run).await {
        Err(_) => Err(format!("`{program} --version` did not answer")),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("`{program}` is not on PATH")),
        Ok(Err(e)) => Err(format!("`{program}` failed to start: {e}")),
        Ok(Ok(out)) => {
            let text = String::from_utf8_lossy(if out.stdout.is_empty() {
                &out.stderr
            } else {
                &out.stdout
            })
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
            if out.status.success() {
                Ok(text)
            } else {
                Err(format!("`{program} --version` failed: {text}"))
            }
        }
    }
}

/// One check per pin.
pub async fn pin_checks(root: &Path) -> Vec<DoctorCheck> {
    let pins = pins(root);
    let runs = futures::future::join_all(pins.iter().map(|p| {
        let program = match p.tool {
            "rust" => "rustc",
            "python" => "python3",
            other => other,
        };
        installed(program, root)
    }))
    .await;
    pins.iter()
        .zip(runs)
        .map(|(pin, run)| {
            let id = format!("pin.{}", pin.tool);
            let label = format!("{} {} ({})", pin.tool, pin.wanted, pin.file);
            let fix = fix_for(pin.tool, &pin.wanted);
            match run {
                Err(e) => DoctorCheck {
                    id,
                    label,
                    ok: false,
                    detail: e,
                    hint: Some(fix),
                },
                Ok(raw) => match version_in(&raw).map(|v| satisfies(pin, &v, &raw)) {
                    Some(Some(true)) => DoctorCheck {
                        id,
                        label,
                        ok: true,
                        detail: raw,
                        hint: None,
                    },
                    Some(Some(false)) => DoctorCheck {
                        id,
                        label,
                        ok: false,
                        detail: format!("installed: {raw}"),
                        hint: Some(fix),
                    },
                    _ => DoctorCheck {
                        id,
                        label,
                        ok: true,
                        detail: format!("{raw} (the pin cannot be compared; not checked)"),
                        hint: None,
                    },
                },
            }
        })
        .collect()
}

/// The services a (development) environment's URLs point at on this
/// machine: `scheme://…@localhost:port` values of the kinds below.
pub fn local_services(env: &LoadedEnv) -> Vec<(String, String, u16)> {
    let mut out = Vec::new();
    for (key, var) in &env.vars {
        let Ok(url) = url::Url::parse(&var.value) else {
            continue;
        };
        let default_port = match url.scheme() {
            "postgres" | "postgresql" => 5432,
            "mysql" | "mariadb" => 3306,
            "redis" | "rediss" => 6379,
            "amqp" | "amqps" => 5672,
            "nats" => 4222,
            "mqtt" | "mqtts" => 1883,
            _ => continue,
        };
        let Some(host) = url.host_str() else { continue };
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1") {
            continue;
        }
        out.push((
            key.clone(),
            format!("{}://{host}", url.scheme()),
            url.port().unwrap_or(default_port),
        ));
    }
    out
}

/// One check per local service: a TCP connection within 2 s.
pub async fn service_checks(env: &LoadedEnv) -> Vec<DoctorCheck> {
    let services = local_services(env);
    let probes = futures::future::join_all(services.iter().map(|(_, target, port)| {
        let addr = if target.ends_with("::1]") || target.ends_with("::1") {
            format!("[::1]:{port}")
        } else {
            format!("127.0.0.1:{port}")
        };
        async move { tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(addr)).await }
    }))
    .await;
    services
        .iter()
        .zip(probes)
        .map(|((key, target, port), probe)| {
            let id = format!("service.{}", key.to_lowercase());
            let label = format!("{key} ({} {target}:{port})", env.name);
            match probe {
                Ok(Ok(_)) => DoctorCheck {
                    id,
                    label,
                    ok: true,
                    detail: "accepts connections".into(),
                    hint: None,
                },
                Ok(Err(e)) => DoctorCheck {
                    id,
                    label,
                    ok: false,
                    detail: format!("cannot connect: {e}"),
                    hint: Some(format!(
                        "Start the service {key} points at, or change {key} in {}.",
                        env.name
                    )),
                },
                Err(_) => DoctorCheck {
                    id,
                    label,
                    ok: false,
                    detail: "no answer within 2 s".into(),
                    hint: Some(format!(
                        "Check that the service {key} points at is running and not firewalled."
                    )),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    fn pin(tool: &'static str, file: &'static str, wanted: &str) -> Pin {
        Pin {
            tool,
            file,
            wanted: wanted.into(),
        }
    }

    #[test]
    fn reads_every_pin_file() {
        let dir = tempfile::tempdir().unwrap();
        let w = |f: &str, t: &str| std::fs::write(dir.path().join(f), t).unwrap();
        w(
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"1.89\"\ncomponents = [\"clippy\"]\n",
        );
        w(".nvmrc", "# team default\nv20\n");
        w(".python-version", "3.11.7\n");
        w(
            "package.json",
            r#"{"engines": {"node": ">=18 <21", "npm": "^10 || ^11"}}"#,
        );
        let got: Vec<(&str, &str, String)> = pins(dir.path())
            .into_iter()
            .map(|p| (p.tool, p.file, p.wanted))
            .collect();
        assert_eq!(
            got,
            [
                ("rust", "rust-toolchain.toml", "1.89".into()),
                ("node", ".nvmrc", "v20".into()),
                ("python", ".python-version", "3.11.7".into()),
                ("node", "package.json", ">=18 <21".into()),
                ("npm", "package.json", "^10 || ^11".into()),
            ]
        );
    }

    #[test]
    fn compares_prefixes_channels_and_npm_ranges() {
        assert_eq!(
            satisfies(&pin("node", ".nvmrc", "v20"), &v("20.20.2"), "v20.20.2"),
            Some(true)
        );
        assert_eq!(
            satisfies(&pin("node", ".nvmrc", "22"), &v("20.20.2"), "v20.20.2"),
            Some(false)
        );
        assert_eq!(
            satisfies(&pin("python", ".python-version", "3.11"), &v("3.11.7"), ""),
            Some(true)
        );
        assert_eq!(
            satisfies(&pin("python", ".python-version", "3.12.1"), &v("3.11.7"), ""),
            Some(false)
        );
        assert_eq!(
            satisfies(
                &pin("rust", "rust-toolchain", "stable"),
                &v("1.95.0"),
                "rustc 1.95.0 (59807616e)"
            ),
            Some(true)
        );
        assert_eq!(
            satisfies(
                &pin("rust", "rust-toolchain", "nightly"),
                &v("1.95.0"),
                "rustc 1.95.0"
            ),
            Some(false)
        );
        assert_eq!(
            satisfies(&pin("node", "package.json", ">=18 <21"), &v("20.20.2"), ""),
            Some(true)
        );
        assert_eq!(
            satisfies(&pin("node", "package.json", ">=22"), &v("20.20.2"), ""),
            Some(false)
        );
        assert_eq!(
            satisfies(&pin("npm", "package.json", "^10 || ^11"), &v("11.19.1"), ""),
            Some(true)
        );
        assert_eq!(
            satisfies(&pin("node", ".nvmrc", "lts/*"), &v("20.20.2"), ""),
            None
        );
    }

    #[test]
    fn finds_versions_in_tool_output() {
        assert_eq!(
            version_in("rustc 1.95.0 (59807616e 2026-04-14)"),
            Some(v("1.95.0"))
        );
        assert_eq!(version_in("v20.20.2"), Some(v("20.20.2")));
        assert_eq!(version_in("Python 3.11.7"), Some(v("3.11.7")));
        assert_eq!(version_in("no version here"), None);
    }

    #[tokio::test]
    async fn a_pinned_tool_that_does_not_match_is_a_failed_check_with_a_fix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".python-version"), "2.7\n").unwrap();
        let checks = pin_checks(dir.path()).await;
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].ok, "{:?}", checks[0]);
        assert!(checks[0].hint.as_deref().unwrap().contains("pyenv install 2.7"));
    }
}
