//! Logs: where they are written (see [`setup`]) and how the Logs view reads
//! them back (see [`read`]).

mod read;
mod setup;

pub use read::{read_logs, LogLevel, LogLine, LogQuery};
pub use setup::{init_file, init_stderr, redact_json_line, subscribe, Redacting};
