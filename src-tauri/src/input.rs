//! Validation of what the webview sends: commands accept only well-formed
//! input before anything reaches the core.

use std::path::PathBuf;

use shipdeck_core::{Error, Result};

const MAX_PATH: usize = 4096;

/// An absolute path, as the UI sends them.
pub fn path(raw: &str) -> Result<PathBuf> {
    let s = raw.trim();
    let invalid = |reason: &str| Error::InvalidInput {
        field: "path",
        reason: reason.into(),
    };
    if s.is_empty() {
        return Err(invalid("the path is empty"));
    }
    if s.len() > MAX_PATH || s.contains('\0') {
        return Err(invalid("the path is not a valid path"));
    }
    let p = PathBuf::from(s);
    if !p.is_absolute() {
        return Err(invalid("use an absolute path (starting with /)"));
    }
    Ok(p)
}

pub fn optional_path(raw: Option<&str>) -> Result<Option<PathBuf>> {
    raw.map(path).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_validated() {
        assert!(path("/tmp").is_ok());
        assert_eq!(path("").unwrap_err().code(), "input.invalid");
        assert!(path("relative/dir").is_err());
        assert!(path("/a\0b").is_err());
        assert!(path(&format!("/{}", "a".repeat(5000))).is_err());
    }
}
