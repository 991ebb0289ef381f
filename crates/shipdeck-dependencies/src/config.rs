//! Where each package manager would look: `.npmrc` (project, then user),
//! Cargo's `.cargo/config.toml` (project, then `$CARGO_HOME`), pip's
//! `pip.conf` and `PIP_INDEX_URL`/`PIP_EXTRA_INDEX_URL`. The home folder and
//! the environment are passed in, so tests never read the machine's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use url::Url;

use crate::error::DepsError;

pub const NPM_DEFAULT: &str = "https://registry.npmjs.org/";
pub const CRATES_IO_SPARSE: &str = "https://index.crates.io/";
pub const PYPI_DEFAULT: &str = "https://pypi.org/simple/";

/// The user's home and environment as the package managers would see them.
#[derive(Debug, Clone, Default)]
pub struct UserEnv {
    pub home: Option<PathBuf>,
    pub vars: BTreeMap<String, String>,
}

impl UserEnv {
    /// The running process's home folder and environment.
    pub fn from_process() -> Self {
        Self {
            home: std::env::var_os("HOME").map(PathBuf::from),
            vars: std::env::vars().collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NpmConfig {
    pub registry: Url,
    pub scopes: BTreeMap<String, Url>,
    /// `(//host[:port]/path/, token)`: a token goes only to URLs under its prefix.
    tokens: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct CargoConfig {
    /// The index crates.io resolves to (after source replacement), as written.
    pub crates_io: String,
    /// `[registries.NAME] index`.
    pub registries: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct PipConfig {
    pub indexes: Vec<Url>,
}

/// Reads `key=value` lines of an ini-like file (`.npmrc`, `pip.conf`),
/// keeping `[section]` as a prefix `section.`. Hand-written: both formats are
/// this small subset of ini and no crate reads npm's `${VAR}` expansion.
fn ini(text: &str, env: &UserEnv) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out: Vec<(String, String)> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = format!("{}.", s.trim());
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            // pip continuation line of a multi-valued option.
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line);
            }
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').trim_matches('\'');
        out.push((format!("{section}{}", k.trim()), expand(v, env)));
    }
    out
}

/// npm's `${VAR}` expansion in `.npmrc` values.
fn expand(v: &str, env: &UserEnv) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        out.push_str(env.vars.get(name).map_or("", String::as_str));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    (meta.is_file() && meta.len() < 1 << 20)
        .then(|| std::fs::read_to_string(path).ok())
        .flatten()
}

fn parse_url(text: &str, file: &str) -> Result<Url, DepsError> {
    let with_slash = if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    };
    Url::parse(&with_slash).map_err(|e| DepsError::InvalidConfig {
        path: file.to_string(),
        message: format!("{text:?} is not a URL: {e}"),
    })
}

/// `//host[:port]/path/` of a URL, the key npm files tokens under.
pub fn nerf_dart(url: &Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path();
    let path = if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    format!("//{}{port}{path}", url.host_str().unwrap_or(""))
}

impl NpmConfig {
    pub fn load(root: &Path, env: &UserEnv) -> Result<Self, DepsError> {
        let mut files = Vec::new();
        if let Some(home) = &env.home {
            files.push((home.join(".npmrc"), "~/.npmrc"));
        }
        files.push((root.join(".npmrc"), ".npmrc"));
        let mut cfg = NpmConfig {
            registry: parse_url(NPM_DEFAULT, "")?,
            scopes: BTreeMap::new(),
            tokens: Vec::new(),
        };
        // The user's file first, the project's after it: the project wins.
        for (path, label) in files {
            let Some(text) = read_small(&path) else { continue };
            for (k, v) in ini(&text, env) {
                if k == "registry" {
                    cfg.registry = parse_url(&v, label)?;
                } else if let Some(scope) = k.strip_suffix(":registry") {
                    cfg.scopes.insert(scope.to_string(), parse_url(&v, label)?);
                } else if let Some(prefix) = k.strip_suffix(":_authToken") {
                    let prefix = if prefix.ends_with('/') {
                        prefix.to_string()
                    } else {
                        format!("{prefix}/")
                    };
                    cfg.tokens.retain(|(p, _)| *p != prefix);
                    cfg.tokens.push((prefix, v));
                }
            }
        }
        Ok(cfg)
    }

    /// The registry that serves `name` (its scope's, or the default).
    pub fn registry_for(&self, name: &str) -> &Url {
        name.split_once('/')
            .filter(|(s, _)| s.starts_with('@'))
            .and_then(|(s, _)| self.scopes.get(s))
            .unwrap_or(&self.registry)
    }

    /// The token for a request to `url`: the longest configured prefix that
    /// the URL lies under, so a token never goes to another host.
    pub fn token_for(&self, url: &Url) -> Option<&str> {
        let dart = nerf_dart(url);
        self.tokens
            .iter()
            .filter(|(p, _)| dart.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, t)| t.as_str())
    }
}

impl CargoConfig {
    pub fn load(root: &Path, env: &UserEnv) -> Result<Self, DepsError> {
        let cargo_home = env
            .vars
            .get("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env.home.as_ref().map(|h| h.join(".cargo")));
        let mut files = vec![root.join(".cargo/config.toml"), root.join(".cargo/config")];
        if let Some(h) = cargo_home {
            files.push(h.join("config.toml"));
            files.push(h.join("config"));
        }
        let mut sources: BTreeMap<String, toml::Value> = BTreeMap::new();
        let mut registries = BTreeMap::new();
        // The project's file first: a key it sets is not overridden by home.
        for path in files {
            let Some(text) = read_small(&path) else { continue };
            let doc: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| DepsError::InvalidConfig {
                    path: path.display().to_string(),
                    message: e.to_string().trim().to_string(),
                })?;
            for (k, v) in doc
                .get("source")
                .and_then(toml::Value::as_table)
                .into_iter()
                .flatten()
            {
                sources.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let regs = doc.get("registries").and_then(toml::Value::as_table);
            for (k, v) in regs.into_iter().flatten() {
                if let Some(index) = v.get("index").and_then(toml::Value::as_str) {
                    registries.entry(k.clone()).or_insert_with(|| index.to_string());
                }
            }
        }
        let crates_io = replaced_index(&sources, &registries, "crates-io")
            .unwrap_or_else(|| format!("sparse+{CRATES_IO_SPARSE}"));
        Ok(CargoConfig {
            crates_io,
            registries,
        })
    }

    /// The index a dependency's registry resolves to.
    pub fn index_for(&self, registry: Option<&str>) -> Option<&str> {
        match registry {
            None | Some("crates-io") => Some(&self.crates_io),
            Some(name) => self.registries.get(name).map(String::as_str),
        }
    }
}

/// Follows `[source.NAME] replace-with` (a bounded number of hops) to the
/// replacing source's `registry` (or `[registries.X] index`).
fn replaced_index(
    sources: &BTreeMap<String, toml::Value>,
    registries: &BTreeMap<String, String>,
    start: &str,
) -> Option<String> {
    let mut name = start.to_string();
    let mut found = None;
    for _ in 0..8 {
        let Some(src) = sources.get(&name) else { break };
        if let Some(reg) = src.get("registry").and_then(toml::Value::as_str) {
            found = Some(reg.to_string());
        }
        match src.get("replace-with").and_then(toml::Value::as_str) {
            Some(next) => {
                if let Some(index) = registries.get(next) {
                    found = Some(index.clone());
                }
                name = next.to_string();
            }
            None => break,
        }
    }
    found
}

impl PipConfig {
    pub fn load(env: &UserEnv) -> Result<Self, DepsError> {
        let mut index: Option<String> = None;
        let mut extra: Vec<String> = Vec::new();
        let mut files = Vec::new();
        if let Some(home) = &env.home {
            files.push(home.join(".pip/pip.conf"));
            files.push(home.join(".config/pip/pip.conf"));
        }
        if let Some(f) = env.vars.get("PIP_CONFIG_FILE") {
            files.push(PathBuf::from(f));
        }
        // Later files win, as in pip.
        for path in files {
            let Some(text) = read_small(&path) else { continue };
            for (k, v) in ini(&text, env) {
                match k.as_str() {
                    "global.index-url" | "install.index-url" => index = Some(v),
                    "global.extra-index-url" | "install.extra-index-url" => {
                        extra = v.split_whitespace().map(String::from).collect();
                    }
                    _ => {}
                }
            }
        }
        if let Some(v) = env.vars.get("PIP_INDEX_URL") {
            index = Some(v.clone());
        }
        if let Some(v) = env.vars.get("PIP_EXTRA_INDEX_URL") {
            extra = v.split_whitespace().map(String::from).collect();
        }
        let mut indexes = vec![parse_url(index.as_deref().unwrap_or(PYPI_DEFAULT), "pip.conf")?];
        for e in extra {
            indexes.push(parse_url(&e, "pip.conf")?);
        }
        Ok(PipConfig { indexes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_stay_under_their_prefix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".npmrc"),
            "registry=http://127.0.0.1:4873/\n@corp:registry=https://npm.corp.example/\n\
             //npm.corp.example/:_authToken=${CORP_TOKEN}\n",
        )
        .unwrap();
        let env = UserEnv {
            home: None,
            vars: [("CORP_TOKEN".to_string(), "s3cr3t".to_string())].into(),
        };
        let cfg = NpmConfig::load(dir.path(), &env).unwrap();
        assert_eq!(cfg.registry_for("left-pad").as_str(), "http://127.0.0.1:4873/");
        assert_eq!(cfg.registry_for("@corp/ui").as_str(), "https://npm.corp.example/");
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            cfg.token_for(&u("https://npm.corp.example/@corp%2fui")),
            Some("s3cr3t")
        );
        assert_eq!(
            cfg.token_for(&u("https://npm.corp.example.evil/@corp%2fui")),
            None
        );
        assert_eq!(cfg.token_for(&u("http://127.0.0.1:4873/left-pad")), None);
    }
}
