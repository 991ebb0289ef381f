//! Which database a command acts on: its name, engine, URL (a secret, kept
//! out of every message) and migrations folder.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::{Engine, MigrationError};
use shipdeck_base::config::{Config, UrlSource};

/// A database as configured, before its URL is read from the environment
/// or the keyring.
#[derive(Debug, Clone)]
pub struct DatabaseSpec {
    pub name: String,
    pub source: UrlSource,
    /// Migrations folder relative to the workspace root.
    pub folder: String,
}

impl DatabaseSpec {
    /// The migrations folder, resolved and checked to lie inside the
    /// workspace (`databases.<name>.migrations`).
    pub fn folder_in(&self, root: &Path) -> shipdeck_base::error::Result<PathBuf> {
        shipdeck_base::workspace::inside(root, &format!("databases.{}.migrations", self.name), &self.folder)
    }
}

/// The name used for a database that is not in `shipdeck.toml`
/// (`DATABASE_URL` or `--database-url`).
pub const DEFAULT_NAME: &str = "default";

/// The configured databases; without any, `DATABASE_URL` and `migrations/`
/// as sqlx-cli would use them.
pub fn specs(config: Option<&Config>) -> Vec<DatabaseSpec> {
    let configured: Vec<DatabaseSpec> = config
        .map(|c| {
            c.databases
                .iter()
                .map(|(name, db)| DatabaseSpec {
                    name: name.clone(),
                    source: db.url_source(),
                    folder: db.migrations.clone().unwrap_or_else(|| "migrations".into()),
                })
                .collect()
        })
        .unwrap_or_default();
    if configured.is_empty() {
        vec![DatabaseSpec {
            name: DEFAULT_NAME.into(),
            source: UrlSource::Env("DATABASE_URL".into()),
            folder: "migrations".into(),
        }]
    } else {
        configured
    }
}

/// The database called `name`, or the only/first one.
pub fn spec(config: Option<&Config>, name: Option<&str>) -> Result<DatabaseSpec, MigrationError> {
    let all = specs(config);
    match name {
        None => Ok(all.into_iter().next().expect("specs is never empty")),
        Some(n) => {
            let known = all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
            all.iter()
                .find(|s| s.name == n)
                .cloned()
                .ok_or_else(|| MigrationError::UnknownDatabase {
                    name: n.into(),
                    known,
                })
        }
    }
}

/// A database ready to connect to.
#[derive(Clone)]
pub struct Target {
    pub name: String,
    pub engine: Engine,
    /// The URL to connect with. Never shown: see `display_url`.
    pub(crate) url: String,
    /// The URL with any password masked.
    pub display_url: String,
    /// The migrations folder.
    pub folder: PathBuf,
    /// `folder`, relative to the workspace.
    pub folder_label: String,
    /// The database file, for SQLite.
    pub sqlite_file: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("engine", &self.engine)
            .field("url", &self.display_url)
            .finish()
    }
}

/// What the UI shows about a database.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DatabaseInfo {
    pub name: String,
    pub engine: Option<Engine>,
    /// The URL with its password masked, once known.
    pub url: Option<String>,
    pub folder: String,
    /// Why the URL is not available, if it is not.
    pub problem: Option<String>,
}

impl Target {
    /// The URL to connect with, password included: pass it to a driver,
    /// never to a message (`display_url` is for those).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `url` is the resolved URL; relative SQLite paths are taken from the
    /// workspace root, not from the current directory.
    pub fn new(spec: &DatabaseSpec, url: &str, root: &Path) -> shipdeck_base::error::Result<Target> {
        let folder = spec.folder_in(root)?;
        let engine = Engine::from_url(url)?;
        let (url, sqlite_file) = if engine == Engine::Sqlite {
            let (url, file) = sqlite_url(url, root);
            (url, file)
        } else {
            register_password(url);
            (url.to_string(), None)
        };
        Ok(Target {
            name: spec.name.clone(),
            engine,
            display_url: display_url(&url),
            url,
            folder,
            folder_label: spec.folder.clone(),
            sqlite_file,
        })
    }
}

/// Makes a SQLite URL absolute against `root`; returns it with the file.
fn sqlite_url(url: &str, root: &Path) -> (String, Option<PathBuf>) {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" {
        return (url.to_string(), None);
    }
    let file = if Path::new(path).is_absolute() {
        PathBuf::from(path)
    } else {
        root.join(path)
    };
    let mut out = format!("sqlite://{}", file.display());
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    (out, Some(file))
}

/// The URL's password (userinfo or `password=` parameter) is a secret: the
/// redactor masks it wherever it would appear.
fn register_password(url: &str) {
    if let Ok(parsed) = reqwest::Url::parse(url) {
        if let Some(p) = parsed.password() {
            shipdeck_base::secrets::register_secret(p);
        }
        for (k, v) in parsed.query_pairs() {
            if k.contains("password") {
                shipdeck_base::secrets::register_secret(&v);
            }
        }
    }
}

/// The URL as it may be shown and recorded: password masked.
pub fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !url.starts_with("sqlite:") => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some(shipdeck_base::secrets::MASK));
            }
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.contains("password") {
                        shipdeck_base::secrets::MASK.to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            shipdeck_base::secrets::redact(parsed.as_str()).into_owned()
        }
        _ => shipdeck_base::secrets::redact(url).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_types::Coded;

    #[test]
    fn relative_sqlite_paths_are_taken_from_the_workspace() {
        let (url, file) = sqlite_url("sqlite://data/orbit.db", Path::new("/ws"));
        assert_eq!(url, "sqlite:///ws/data/orbit.db");
        assert_eq!(file.unwrap(), Path::new("/ws/data/orbit.db"));
        let (url, _) = sqlite_url("sqlite:/abs/x.db?mode=ro", Path::new("/ws"));
        assert_eq!(url, "sqlite:///abs/x.db?mode=ro");
        assert_eq!(sqlite_url("sqlite::memory:", Path::new("/ws")).1, None);
    }

    #[test]
    fn passwords_never_show() {
        let shown = display_url("postgres://app:hunter2@db:5432/main?sslmode=require&password=swordfish");
        assert!(
            !shown.contains("hunter2") && !shown.contains("swordfish"),
            "{shown}"
        );
        assert!(shown.starts_with("postgres://app:***@db:5432/main"), "{shown}");
        assert_eq!(
            display_url("mysql://root@127.0.0.1:3306/test"),
            "mysql://root@127.0.0.1:3306/test"
        );
    }

    #[test]
    fn without_databases_the_default_is_database_url() {
        let s = spec(None, None).unwrap();
        assert_eq!(s.name, "default");
        assert_eq!(s.source, UrlSource::Env("DATABASE_URL".into()));
        assert_eq!(
            spec(None, Some("x")).unwrap_err().code(),
            "migrations.unknown_database"
        );
    }
}
