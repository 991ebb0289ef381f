//! Logging setup for the two faces. The app writes JSON lines to a daily
//! rotated file in the data folder (and to a live bus the Logs view follows);
//! the CLI writes readable lines to stderr. Both pass every line through the
//! redactor on its way out.

use std::io::{self, Write};
use std::path::Path;
use std::sync::LazyLock;

use tokio::sync::broadcast;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

use crate::error::{Error, Result};
use crate::secrets::{is_secret_name, redact, MASK};

pub const FILE_PREFIX: &str = "shipdeck";
pub const FILE_SUFFIX: &str = "jsonl";
/// Daily files kept before the oldest is deleted.
pub const KEEP_FILES: usize = 14;

/// Redacted JSON log lines as they are written, for live tails.
static BUS: LazyLock<broadcast::Sender<String>> = LazyLock::new(|| broadcast::channel(1024).0);

pub fn subscribe() -> broadcast::Receiver<String> {
    BUS.subscribe()
}

/// Makes writers that redact each formatted event before it reaches `inner`.
#[derive(Clone)]
pub struct Redacting<M> {
    inner: M,
    json: bool,
}

impl<M> Redacting<M> {
    pub fn json(inner: M) -> Self {
        Self { inner, json: true }
    }
    pub fn text(inner: M) -> Self {
        Self { inner, json: false }
    }
}

pub struct RedactingWriter<W> {
    inner: W,
    json: bool,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
            json: self.json,
        }
    }
}

/// A JSON line is redacted value by value, so masking never breaks the
/// JSON and escaped quotes cannot hide a secret from the patterns.
pub fn redact_json_line(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(mut value) => {
            redact_value(&mut value);
            value.to_string()
        }
        Err(_) => redact(line).into_owned(),
    }
}

fn redact_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(r) = redact(s) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_name(key) && !value.is_null() {
                    *value = serde_json::Value::String(MASK.into());
                } else {
                    redact_value(value);
                }
            }
        }
        _ => {}
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    // tracing-subscriber formats one whole event per `write` call.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        if self.json {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let clean = redact_json_line(line);
                if BUS.receiver_count() > 0 {
                    let _ = BUS.send(clean.clone());
                }
                self.inner.write_all(clean.as_bytes())?;
                self.inner.write_all(b"\n")?;
            }
        } else {
            self.inner.write_all(redact(&text).as_bytes())?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env("SHIPDECK_LOG").unwrap_or_else(|_| EnvFilter::new(default))
}

/// The app: JSON lines in `<logs_dir>/shipdeck.<date>.jsonl`, rotated daily.
/// Keep the guard alive for the life of the process (it flushes on drop).
pub fn init_file(logs_dir: &Path) -> Result<WorkerGuard> {
    std::fs::create_dir_all(logs_dir).map_err(Error::io("create", logs_dir))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEEP_FILES)
        .build(logs_dir)
        .map_err(|e| Error::Internal(format!("cannot open the log file: {e}")))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(Redacting::json(writer));
    tracing_subscriber::registry()
        .with(filter(
            "info,shipdeck=debug,shipdeck_core=debug,shipdeck_app=debug",
        ))
        .with(layer)
        .try_init()
        .map_err(|e| Error::Internal(format!("logging already initialised: {e}")))?;
    Ok(guard)
}

/// The CLI: readable lines on stderr. `verbosity` counts `-v` minus `-q`.
pub fn init_stderr(verbosity: i8) {
    let level = match verbosity {
        i8::MIN..=-1 => "error",
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_target(verbosity >= 2)
        .without_time()
        .with_writer(Redacting::text(io::stderr));
    let _ = tracing_subscriber::registry()
        .with(filter(&format!("{level},hyper=warn,sqlx=warn")))
        .with(layer)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_stay_json_after_redaction() {
        let line = r#"{"level":"INFO","fields":{"message":"connect postgres://u:pw-9876@h/db","token":"abc123456"}}"#;
        let out = redact_json_line(line);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["fields"]["message"], "connect postgres://u:***@h/db");
        assert_eq!(v["fields"]["token"], "***");
        assert!(!out.contains("pw-9876"));
    }

    #[test]
    fn writer_redacts_text() {
        let mut buf = Vec::new();
        {
            let mut w = RedactingWriter {
                inner: &mut buf,
                json: false,
            };
            w.write_all(b"token=supersecret1 done\n").unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "token=*** done\n");
    }
}
