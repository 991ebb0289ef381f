//! A source file of the workspace, read for the source viewer: contained
//! to the workspace, at most [`MAX_SOURCE_BYTES`], and text only (UTF-8
//! without NUL bytes).

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use shipdeck_types::Coded;
use ts_rs::TS;

/// The largest source file the viewer reads.
pub const MAX_SOURCE_BYTES: u64 = 2 * 1024 * 1024;

/// A source file's lines (line 1 first).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SourceText {
    /// Relative to the workspace, as asked.
    pub path: String,
    pub lines: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path} is larger than {limit} bytes")]
    TooLarge { path: String, limit: u64 },
    #[error("{path} is not a text file")]
    NotText { path: String },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

impl Coded for SourceError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            SourceError::TooLarge { .. } => "coverage.source_too_large",
            SourceError::NotText { .. } => "coverage.source_not_text",
            SourceError::Unreadable { .. } => "coverage.source_unreadable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                SourceError::TooLarge { .. } => {
                    "Source files over 2 MiB are not shown; open it in an editor."
                }
                SourceError::NotText { .. } => "Only UTF-8 text files are shown.",
                SourceError::Unreadable { .. } => {
                    "The report names a file that is not in the workspace now; run the tests again."
                }
            }
            .into(),
        )
    }

    fn is_user_error(&self) -> bool {
        true
    }
}

impl From<SourceError> for shipdeck_base::error::Error {
    fn from(e: SourceError) -> Self {
        Self::area(e)
    }
}

/// Reads `rel` (relative to `root`, which it may not leave).
pub fn read_source(root: &Path, rel: &str) -> shipdeck_base::error::Result<SourceText> {
    let real = shipdeck_base::workspace::inside(root, "file", rel)?;
    let unreadable = |e: std::io::Error| SourceError::Unreadable {
        path: rel.to_string(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(&real).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(SourceError::Unreadable {
            path: rel.to_string(),
            message: "not a regular file".into(),
        }
        .into());
    }
    let too_large = || SourceError::TooLarge {
        path: rel.to_string(),
        limit: MAX_SOURCE_BYTES,
    };
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(too_large().into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .map_err(unreadable)?
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large().into());
    }
    let not_text = || SourceError::NotText {
        path: rel.to_string(),
    };
    if bytes.contains(&0) {
        return Err(not_text().into());
    }
    let text = String::from_utf8(bytes).map_err(|_| not_text())?;
    Ok(SourceText {
        path: rel.to_string(),
        lines: text.lines().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_read_as_lines_and_hostile_paths_and_binaries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir_all(ws.join("src")).unwrap();
        std::fs::write(ws.join("src/a.py"), "x = 1\r\ny = 2\n").unwrap();
        std::fs::write(ws.join("bin.dat"), b"a\0b").unwrap();
        std::fs::write(ws.join("latin.txt"), b"caf\xe9").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        let got = read_source(&ws, "src/a.py").unwrap();
        assert_eq!(got.lines, ["x = 1", "y = 2"]);
        let code = |rel: &str| read_source(&ws, rel).unwrap_err().payload().code;
        assert_eq!(code("../secret.txt"), "config.path_outside_workspace");
        assert_eq!(code("bin.dat"), "coverage.source_not_text");
        assert_eq!(code("latin.txt"), "coverage.source_not_text");
        assert_eq!(code("src"), "coverage.source_unreadable");
        assert_eq!(code("gone.py"), "coverage.source_unreadable");
        let big = std::fs::File::create(ws.join("big.txt")).unwrap();
        big.set_len(MAX_SOURCE_BYTES + 1).unwrap();
        assert_eq!(code("big.txt"), "coverage.source_too_large");
    }
}
