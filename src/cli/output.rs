//! How results and errors are printed: JSON on stdout with `--json`,
//! otherwise text; errors as `error[code]: message` + `hint:` on stderr.

use std::process::ExitCode;

use serde::Serialize;
use shipdeck_core::secrets::redact;
use shipdeck_core::Error;

pub struct Output {
    pub json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints `value` as JSON (with `--json`) or calls `human` to print text.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce(&T)) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value).expect("serializable"));
        } else {
            human(value);
        }
    }

    /// Prints the error and returns its exit code.
    pub fn error(&self, e: &Error) -> ExitCode {
        let p = e.payload();
        if self.json {
            println!("{}", serde_json::to_string_pretty(&p).expect("serializable"));
        } else {
            eprintln!("error[{}]: {}", p.code, p.message);
            if let Some(hint) = &p.hint {
                eprintln!("hint: {hint}");
            }
        }
        ExitCode::from(if e.is_user_error() { 1 } else { 2 })
    }
}

/// `3 days ago`, `just now`, `in 2 hours` for epoch milliseconds.
pub fn ago(ms: i64) -> String {
    let secs = (chrono::Utc::now().timestamp_millis() - ms) / 1000;
    let (n, unit) = match secs.abs() {
        s if s < 45 => return "just now".into(),
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        s if s < 30 * 86_400 => (s / 86_400, "day"),
        s if s < 365 * 86_400 => (s / (30 * 86_400), "month"),
        s => (s / (365 * 86_400), "year"),
    };
    let n = n.max(1);
    let plural = if n == 1 { "" } else { "s" };
    if secs >= 0 {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

/// Prints `label  value` rows aligned, redacted.
pub fn rows(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, value) in rows {
        println!("  {label:<width$}  {}", redact(value));
    }
}
