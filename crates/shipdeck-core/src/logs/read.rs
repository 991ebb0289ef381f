//! Reading the app's JSON log files back for the Logs view: newest first,
//! filtered by minimum level and a case-insensitive search.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::setup::{FILE_PREFIX, FILE_SUFFIX};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

impl LogLevel {
    fn parse(s: &str) -> LogLevel {
        match s.to_ascii_lowercase().as_str() {
            "trace" => LogLevel::Trace,
            "debug" => LogLevel::Debug,
            "warn" | "warning" => LogLevel::Warn,
            "error" => LogLevel::Error,
            _ => LogLevel::Info,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct LogQuery {
    /// Lines below this level are left out.
    pub level: LogLevel,
    /// Case-insensitive text to look for in message, target and fields.
    pub search: Option<String>,
    /// Most lines to return (default 500, at most 5000).
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LogLine {
    pub timestamp: String,
    pub level: LogLevel,
    pub target: String,
    pub message: String,
    /// The event's other fields and its span, as JSON text.
    pub fields: String,
}

impl LogLine {
    /// Parses one JSON line written by the file layer.
    pub fn parse(line: &str) -> Option<LogLine> {
        let mut v: serde_json::Value = serde_json::from_str(line).ok()?;
        let obj = v.as_object_mut()?;
        let mut fields = obj.remove("fields").unwrap_or_default();
        let message = fields
            .as_object_mut()
            .and_then(|f| f.remove("message"))
            .and_then(|m| m.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut extra = serde_json::Map::new();
        if let Some(f) = fields.as_object() {
            extra.extend(f.clone());
        }
        if let Some(span) = obj.get("span") {
            extra.insert("span".into(), span.clone());
        }
        Some(LogLine {
            timestamp: obj
                .get("timestamp")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string(),
            level: LogLevel::parse(obj.get("level").and_then(|l| l.as_str()).unwrap_or("info")),
            target: obj
                .get("target")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string(),
            message,
            fields: if extra.is_empty() {
                String::new()
            } else {
                serde_json::Value::Object(extra).to_string()
            },
        })
    }

    pub fn matches(&self, query: &LogQuery) -> bool {
        if self.level < query.level {
            return false;
        }
        match query.search.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(s) => {
                let needle = s.to_lowercase();
                [&self.message, &self.target, &self.fields]
                    .iter()
                    .any(|h| h.to_lowercase().contains(&needle))
            }
        }
    }
}

/// Log files, newest first (their names end in the date).
fn log_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list", dir)(e)),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(FILE_PREFIX) && n.ends_with(FILE_SUFFIX))
        })
        .collect();
    files.sort();
    files.reverse();
    Ok(files)
}

/// Only the tail of a large file is read: the view shows recent lines.
const MAX_BYTES_PER_FILE: u64 = 8 * 1024 * 1024;

fn read_tail(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(Error::io("open", path))?;
    let len = file.metadata().map_err(Error::io("read", path))?.len();
    let start = len.saturating_sub(MAX_BYTES_PER_FILE);
    file.seek(SeekFrom::Start(start))
        .map_err(Error::io("read", path))?;
    let mut bytes = Vec::with_capacity((len - start) as usize);
    file.read_to_end(&mut bytes).map_err(Error::io("read", path))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // Drop a partial first line when we started mid-file.
    Ok(if start > 0 {
        text.split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default()
    } else {
        text
    })
}

/// The newest matching lines, newest first.
pub fn read_logs(dir: &Path, query: &LogQuery) -> Result<Vec<LogLine>> {
    let limit = query.limit.unwrap_or(500).clamp(1, 5000) as usize;
    let mut out = Vec::new();
    for file in log_files(dir)? {
        let text = read_tail(&file)?;
        for line in text.lines().rev() {
            if let Some(l) = LogLine::parse(line).filter(|l| l.matches(query)) {
                out.push(l);
                if out.len() == limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(level: &str, msg: &str) -> String {
        format!(
            r#"{{"timestamp":"2026-11-25T10:00:00Z","level":"{level}","fields":{{"message":"{msg}","n":1}},"target":"shipdeck_core::x"}}"#
        )
    }

    #[test]
    fn reads_newest_first_with_filters() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("shipdeck.2026-11-24.jsonl"),
            [line("INFO", "old one"), line("ERROR", "old failure")].join("\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("shipdeck.2026-11-25.jsonl"),
            [
                line("DEBUG", "noise"),
                line("WARN", "new warning"),
                "not json".into(),
            ]
            .join("\n"),
        )
        .unwrap();
        let all = read_logs(
            dir.path(),
            &LogQuery {
                level: LogLevel::Trace,
                ..Default::default()
            },
        )
        .unwrap();
        let msgs: Vec<_> = all.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(msgs, ["new warning", "noise", "old failure", "old one"]);
        let warn = read_logs(
            dir.path(),
            &LogQuery {
                level: LogLevel::Warn,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(warn.len(), 2);
        let search = LogQuery {
            level: LogLevel::Trace,
            search: Some("FAIL".into()),
            limit: None,
        };
        assert_eq!(read_logs(dir.path(), &search).unwrap()[0].message, "old failure");
        assert!(all[0].fields.contains("\"n\":1"));
    }

    #[test]
    fn missing_dir_is_empty() {
        assert!(read_logs(Path::new("/nonexistent/logs"), &LogQuery::default())
            .unwrap()
            .is_empty());
    }
}
