//! Reading an environment's files: find them inside the workspace, pick the
//! parser by extension, merge them in order. Nothing here fails: a missing,
//! unreadable or out-of-workspace file is a finding and the other files are
//! still read.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use super::checks::Check;
use super::{dotenv, structured, verbatim, EnvError, EnvFormat, LoadedEnv, ParsedFile, Problem, Var};
use shipdeck_base::config::EnvironmentConfig;

pub use shipdeck_base::config::{EnvFile, EnvFileOptions};

/// `.json` → JSON, `.yaml`/`.yml` → YAML, anything else (`.env`,
/// `.env.production`, `app.env`) → dotenv.
pub fn detect_format(path: &str) -> EnvFormat {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".json") {
        EnvFormat::Json
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        EnvFormat::Yaml
    } else {
        EnvFormat::Dotenv
    }
}

/// Parses one file's text. `earlier` looks up the keys of the
/// environment's earlier files (for `${VAR}` in `.env` files).
pub fn parse_file<'a>(path: &str, text: &str, earlier: &dyn Fn(&str) -> Option<&'a str>) -> ParsedFile {
    let format = detect_format(path);
    let (entries, problems) = match format {
        EnvFormat::Dotenv => dotenv::parse(text, earlier),
        EnvFormat::Json => structured::parse_json(text),
        EnvFormat::Yaml => structured::parse_yaml(text),
    };
    ParsedFile {
        path: path.to_string(),
        format,
        read: true,
        entries,
        problems,
    }
}

/// Reads and merges the files of environment `name`, in order: a later
/// file's key overrides an earlier one's, and each key remembers the file
/// and line its value came from.
pub fn load_environment(root: &Path, name: &str, cfg: &EnvironmentConfig) -> LoadedEnv {
    let mut env = LoadedEnv {
        name: name.to_string(),
        files: Vec::with_capacity(cfg.files.len()),
        vars: BTreeMap::new(),
        findings: Vec::new(),
    };
    for entry in &cfg.files {
        let file = &entry.path().to_string();
        let parsed = match read(root, file) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let vars = &env.vars;
                let mut parsed = if entry.verbatim() && detect_format(file) == EnvFormat::Dotenv {
                    let (entries, problems) = verbatim::parse(&text);
                    ParsedFile {
                        path: file.clone(),
                        format: EnvFormat::Dotenv,
                        read: true,
                        entries,
                        problems,
                    }
                } else {
                    parse_file(file, &text, &|k| vars.get(k).map(|v| v.value.as_str()))
                };
                if let Cow::Owned(_) = text {
                    let bad = std::str::from_utf8(&bytes).err().map_or(0, |e| e.valid_up_to());
                    parsed.problems.push(Problem {
                        check: Check::ParseError,
                        line: 1 + bytes[..bad].iter().filter(|&&b| b == b'\n').count() as u32,
                        key: None,
                        message: "the file is not UTF-8 text; bytes that are not were replaced".into(),
                    });
                }
                parsed
            }
            Err((check, message)) => {
                env.findings
                    .push(check.finding(name, Some(file), None, None, message));
                ParsedFile {
                    path: file.clone(),
                    format: detect_format(file),
                    read: false,
                    entries: Vec::new(),
                    problems: Vec::new(),
                }
            }
        };
        for e in &parsed.entries {
            env.vars.insert(
                e.key.clone(),
                Var {
                    value: e.value.clone(),
                    file: file.clone(),
                    line: e.line,
                },
            );
        }
        env.files.push(parsed);
    }
    env
}

/// The environment called `name`.
pub fn find<'a>(envs: &'a [LoadedEnv], name: &str) -> Result<&'a LoadedEnv, EnvError> {
    envs.iter()
        .find(|e| e.name == name)
        .ok_or_else(|| EnvError::UnknownEnvironment {
            name: name.to_string(),
            known: envs
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Reads `file` if it lies inside `root` (by the workspace's one path
/// check, links followed); otherwise says why not.
fn read(root: &Path, file: &str) -> Result<Vec<u8>, (Check, String)> {
    let path = shipdeck_base::workspace::inside(root, "files", file).map_err(|_| {
        (
            Check::FileOutsideWorkspace,
            format!("{file} is not a path inside the workspace (or a link leads out of it); it was not read"),
        )
    })?;
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => (Check::MissingFile, format!("{file} does not exist")),
        _ => (Check::UnreadableFile, format!("cannot read {file}: {}", e.kind())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_types::Coded;

    fn cfg(files: &[&str]) -> EnvironmentConfig {
        EnvironmentConfig {
            files: files.iter().map(|f| EnvFile::from(*f)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(detect_format(".env.production"), EnvFormat::Dotenv);
        assert_eq!(detect_format("config/app.JSON"), EnvFormat::Json);
        assert_eq!(detect_format("a.yml"), EnvFormat::Yaml);
        assert_eq!(detect_format("a.yaml"), EnvFormat::Yaml);
        assert_eq!(detect_format("app.env"), EnvFormat::Dotenv);
    }

    #[test]
    fn later_files_override_and_remember_their_origin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "A=1\nB=base\nHOST=db\n").unwrap();
        std::fs::write(dir.path().join(".env.local"), "B=local\nURL=\"pg://${HOST}/x\"\n").unwrap();
        let env = load_environment(dir.path(), "dev", &cfg(&[".env", ".env.local"]));
        assert!(env.findings.is_empty(), "{:?}", env.findings);
        assert_eq!(env.vars["A"].file, ".env");
        assert_eq!(
            (env.vars["B"].value.as_str(), env.vars["B"].file.as_str()),
            ("local", ".env.local")
        );
        assert_eq!(env.vars["B"].line, 1);
        assert_eq!(env.vars["URL"].value, "pg://db/x");
    }

    #[test]
    fn missing_and_escaping_files_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "A=1\n").unwrap();
        let env = load_environment(
            dir.path(),
            "prod",
            &cfg(&["../secrets.env", "/etc/passwd", ".env", ".env.gone"]),
        );
        let got: Vec<_> = env.findings.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(
            got,
            vec!["file_outside_workspace", "file_outside_workspace", "missing_file"]
        );
        assert_eq!(env.vars["A"].value, "1");
        assert_eq!(env.files.iter().filter(|f| f.read).count(), 1);
    }

    #[test]
    fn a_file_marked_verbatim_keeps_quotes_and_dollar_signs_as_docker_does() {
        let dir = tempfile::tempdir().unwrap();
        let text = "PASSWORD='p$ss#1'\nURL=${HOST}/x # kept\n";
        std::fs::write(dir.path().join(".env"), text).unwrap();
        std::fs::write(dir.path().join("docker.env"), text).unwrap();
        let cfg: EnvironmentConfig =
            toml::from_str("files = [\".env\", { path = \"docker.env\", verbatim = true }]\n").unwrap();
        assert_eq!(
            cfg.files[1],
            EnvFile::Options(EnvFileOptions {
                path: "docker.env".into(),
                verbatim: true
            })
        );
        let env = load_environment(dir.path(), "dev", &cfg);
        assert_eq!(env.vars["PASSWORD"].value, "'p$ss#1'");
        assert_eq!(env.vars["URL"].value, "${HOST}/x # kept");
        assert_eq!(env.vars["URL"].file, "docker.env");
        let dotenv_only = load_environment(dir.path(), "dev", &cfg_of(&cfg.files[..1]));
        assert_eq!(dotenv_only.vars["PASSWORD"].value, "p$ss#1");
        assert_eq!(dotenv_only.vars["URL"].value, "/x");
        assert!(toml::from_str::<EnvironmentConfig>("files = [{ path = \"a\", verbatm = true }]").is_err());
    }

    fn cfg_of(files: &[EnvFile]) -> EnvironmentConfig {
        EnvironmentConfig {
            files: files.to_vec(),
            ..Default::default()
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_workspace_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("real.env"), "LEAK=1\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("real.env"), dir.path().join(".env")).unwrap();
        let env = load_environment(dir.path(), "dev", &cfg(&[".env"]));
        assert_eq!(env.findings[0].check, "file_outside_workspace");
        assert!(env.vars.is_empty());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), b"A=1\nB=\xff\xfe\nC=3\n").unwrap();
        let env = load_environment(dir.path(), "dev", &cfg(&[".env"]));
        let p = &env.files[0].problems;
        assert_eq!((p[0].check, p[0].line), (Check::ParseError, 2));
        assert_eq!(env.vars.len(), 3);
    }

    #[test]
    fn find_names_the_known_environments() {
        let dir = tempfile::tempdir().unwrap();
        let envs = vec![load_environment(dir.path(), "staging", &cfg(&[]))];
        assert!(find(&envs, "staging").is_ok());
        let e = find(&envs, "prod").unwrap_err();
        assert_eq!(e.code(), "environments.unknown_environment");
        assert!(e.to_string().contains("staging"));
    }
}
