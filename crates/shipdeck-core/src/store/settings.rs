//! Which store to use: `SHIPDECK_STORE_URL` (a CI job, a one-off), else
//! `store_url` in the user settings (`<data dir>/settings.toml`), else the
//! SQLite file in the data dir. The settings file never holds a password:
//! `store use URL` moves it to the OS keyring (service `shipdeck`,
//! account `store/password`) and keeps the URL without it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::secrets::{Backend, Keyring};

use super::Location;

pub const STORE_URL_ENV: &str = "SHIPDECK_STORE_URL";
pub const SETTINGS_FILE: &str = "settings.toml";
const KEY: &str = "store_url";
const KEYRING_SCOPE: &str = "store";
const KEYRING_NAME: &str = "password";

pub fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SETTINGS_FILE)
}

/// The store the settings choose (see the module doc).
pub fn location(data_dir: &Path) -> Location {
    if let Some(url) = std::env::var(STORE_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        return Location::Shared {
            url: url.trim().to_string(),
            keyring: false,
        };
    }
    match read_store_url(data_dir) {
        Ok(Some(url)) => Location::Shared { url, keyring: true },
        Ok(None) => Location::Local {
            data_dir: data_dir.to_path_buf(),
        },
        Err(reason) => Location::Unusable {
            settings: settings_path(data_dir),
            reason,
        },
    }
}

/// The settings file as a document (empty when there is none); a broken
/// file is `config.invalid` at its line and column.
fn read_document(data_dir: &Path) -> Result<toml_edit::DocumentMut> {
    let path = settings_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => text.parse().map_err(|e: toml_edit::TomlError| {
            crate::config::config_error(&path, &text, e.span(), e.message().to_string(), None)
        }),
        // No settings (a data dir that is not a folder fails later, where
        // the store is opened, with what is wrong with it).
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(toml_edit::DocumentMut::new())
        }
        Err(e) => Err(Error::io("read", &path)(e)),
    }
}

fn read_store_url(data_dir: &Path) -> std::result::Result<Option<String>, String> {
    let doc = read_document(data_dir).map_err(|e| e.to_string())?;
    match doc.get(KEY) {
        None => Ok(None),
        Some(item) => match item.as_str() {
            Some(url) if !url.trim().is_empty() => Ok(Some(url.trim().to_string())),
            _ => Err(format!("{KEY} must be a postgres:// URL string")),
        },
    }
}

fn write_document(data_dir: &Path, doc: &toml_edit::DocumentMut) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(Error::io("create", data_dir))?;
    let path = settings_path(data_dir);
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, doc.to_string()).map_err(Error::io("write", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(Error::io("write", &path))
}

/// Makes `url` (a `postgres://` URL) the store of this data dir. A password
/// in it goes to the OS keyring; the settings file keeps the URL without.
/// Blocking (the keyring): call from a blocking thread.
pub fn use_shared(data_dir: &Path, url: &str) -> Result<String> {
    crate::secrets::register_secret(url);
    let mut parsed = reqwest::Url::parse(url.trim()).map_err(|e| Error::InvalidInput {
        field: "store URL",
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(Error::InvalidInput {
            field: "store URL",
            reason: format!(
                "{}: a shared store is a PostgreSQL database (postgres://user@host/db)",
                shipdeck_migrations::target::display_url(url)
            ),
        });
    }
    let keyring = Keyring::new(Backend::from_env()?);
    if let Some(password) = parsed.password().map(str::to_owned) {
        let password = percent_encoding::percent_decode_str(&password)
            .decode_utf8_lossy()
            .into_owned();
        keyring.set(KEYRING_SCOPE, KEYRING_NAME, &password)?;
        let _ = parsed.set_password(None);
    }
    if parsed.query_pairs().any(|(k, _)| k.contains("password")) {
        return Err(Error::InvalidInput {
            field: "store URL",
            reason: "put the password in the URL's user part (user:password@host), not in its query".into(),
        });
    }
    let mut doc = read_document(data_dir).map_err(|e| Error::InvalidInput {
        field: "settings.toml",
        reason: e.to_string(),
    })?;
    doc[KEY] = toml_edit::value(parsed.as_str());
    write_document(data_dir, &doc)?;
    Ok(parsed.to_string())
}

/// Goes back to the SQLite file in the data dir: removes `store_url` from
/// the settings, keeping the rest of the file as written (the shared store
/// and the keyring's password are left as they are). Nothing is written when
/// the file or the key is absent.
pub fn use_local(data_dir: &Path) -> Result<()> {
    let mut doc = read_document(data_dir)?;
    if doc.remove(KEY).is_some() {
        write_document(data_dir, &doc)?;
    }
    Ok(())
}

/// The URL to connect with: the settings' URL with the keyring's password
/// when it has none of its own. Blocking (the keyring).
pub fn with_keyring_password(url: &str) -> Result<String> {
    let mut parsed = match reqwest::Url::parse(url) {
        Ok(p) if p.password().is_none() => p,
        _ => return Ok(url.to_string()),
    };
    let keyring = Keyring::new(Backend::from_env()?);
    if let Some(password) = keyring.get(KEYRING_SCOPE, KEYRING_NAME)? {
        let _ = parsed.set_password(Some(&password));
        crate::secrets::register_secret(parsed.as_str());
    }
    Ok(parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_settings_file_makes_the_store_unusable_not_local() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), "store_url = [").unwrap();
        assert!(matches!(location(dir.path()), Location::Unusable { .. }));
        std::fs::write(settings_path(dir.path()), "store_url = 5").unwrap();
        assert!(matches!(location(dir.path()), Location::Unusable { .. }));
    }

    #[test]
    fn use_local_keeps_the_rest_of_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            settings_path(dir.path()),
            "# mine\ntheme = \"dark\"\nstore_url = \"postgres://u@h/db\"\n",
        )
        .unwrap();
        use_local(dir.path()).unwrap();
        let text = std::fs::read_to_string(settings_path(dir.path())).unwrap();
        assert_eq!(text, "# mine\ntheme = \"dark\"\n");
        assert!(matches!(location(dir.path()), Location::Local { .. }));
    }

    #[test]
    fn only_postgres_urls_are_shared_stores() {
        let dir = tempfile::tempdir().unwrap();
        let err = use_shared(dir.path(), "mysql://u:pw@h/db").unwrap_err();
        assert_eq!(err.code(), "input.invalid");
        assert!(!err.to_string().contains("pw@"), "{err}");
        assert!(!settings_path(dir.path()).exists());
    }

    #[test]
    fn use_local_removes_only_the_store_url_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = settings_path(dir.path());
        std::fs::write(
            &file,
            "# my settings\ntheme = \"dark\" # kept\nstore_url = \"postgres://u:pw@db:5432/ship\"\n\n[ui]\nzoom = 1.25\n",
        )
        .unwrap();
        use_local(dir.path()).unwrap();
        let after = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            after,
            "# my settings\ntheme = \"dark\" # kept\n\n[ui]\nzoom = 1.25\n"
        );
        // Again: nothing to remove, nothing changes.
        use_local(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    }

    #[test]
    fn use_local_without_a_settings_file_writes_none() {
        let dir = tempfile::tempdir().unwrap();
        use_local(dir.path()).unwrap();
        assert!(!settings_path(dir.path()).exists());
    }

    #[test]
    fn use_local_refuses_a_broken_settings_file_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = settings_path(dir.path());
        std::fs::write(&file, "theme = \"dark\"\nstore_url = \n").unwrap();
        let err = use_local(dir.path()).unwrap_err();
        assert_eq!(err.code(), "config.invalid");
        assert!(err.to_string().contains(":2:"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "theme = \"dark\"\nstore_url = \n"
        );
    }
}
