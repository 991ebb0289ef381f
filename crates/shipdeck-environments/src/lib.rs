//! Environments: read each environment's `.env`, JSON and YAML files, lint
//! them, and compare the environments key by key without ever showing a
//! value.
//!
//! The flow is `load_environment` once per `[environments.NAME]` (files merge
//! in order, each key remembers the file and line it came from), then
//! [`parity`] over all of them: a key × environment matrix of states, kinds
//! and keyed fingerprints, plus the findings of every check (see
//! [`checks`] for the ids and their severities). A [`LoadedEnv`] holds values
//! and is deliberately not `Serialize`; the [`ParityReport`] holds none.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod across;
pub mod checks;
pub mod dotenv;
pub mod error;
pub mod health;
mod http;
pub mod machine;
pub mod parity;
pub mod readiness;
pub mod source;
mod structured;
pub mod values;
mod verbatim;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use checks::{checks, Check, CheckInfo, EnvFinding};
pub use error::EnvError;
pub use parity::{
    parity, reveal, Cell, CellState, FileInfo, KeyParity, KeyStatus, ParityFilter, ParityReport,
};
pub use shipdeck_base::secrets::looks_secret;
pub use shipdeck_types::Severity;
pub use source::{detect_format, find, load_environment, parse_file};
pub use values::ValueKind;

/// How a source file is read, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EnvFormat {
    Dotenv,
    Json,
    Yaml,
}

/// How a `.env` value was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quote {
    #[default]
    None,
    Single,
    Double,
    Backtick,
}

/// What a `.env` line looked like, beyond its key and value: the facts the
/// lint checks need. JSON and YAML entries leave it at its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Syntax {
    /// The line started with `export `.
    pub export: bool,
    pub quote: Quote,
    /// Spaces or tabs before the key.
    pub leading_whitespace: bool,
    /// Spaces or tabs on either side of `=`.
    pub space_around_equals: bool,
    /// The (last) physical line ends with spaces or tabs.
    pub trailing_whitespace: bool,
    /// An unquoted value with whitespace inside (a shell would split it).
    pub unquoted_spaces: bool,
    /// Variables the value refers to with `$VAR` or `${VAR}`.
    pub references: Vec<String>,
    /// References that nothing defined earlier (they expanded to nothing).
    pub undefined: Vec<String>,
}

/// One `KEY=value` of one file. Its `Debug` never prints the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// After unquoting, unescaping and expansion.
    pub value: String,
    /// 1-based line of the key.
    pub line: u32,
    pub syntax: Syntax,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("value", &Hidden(&self.value))
            .field("line", &self.line)
            .field("syntax", &self.syntax)
            .finish()
    }
}

/// Something a parser could not make sense of. The rest of the file is still
/// read: bad input loses nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub check: Check,
    pub line: u32,
    pub key: Option<String>,
    pub message: String,
}

/// One configured file of an environment, as read.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// As written in shipdeck.toml (relative to the workspace).
    pub path: String,
    pub format: EnvFormat,
    /// False when the file is missing, unreadable or outside the workspace.
    pub read: bool,
    /// In file order, duplicates included.
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

/// The value an environment ends up with for a key, and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    pub file: String,
    pub line: u32,
}

impl fmt::Debug for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("value", &Hidden(&self.value))
            .field("file", &self.file)
            .field("line", &self.line)
            .finish()
    }
}

/// An environment with its files merged. Holds values: it stays inside the
/// core and is not `Serialize`.
#[derive(Debug, Clone)]
pub struct LoadedEnv {
    pub name: String,
    pub files: Vec<ParsedFile>,
    /// Later files override earlier ones; within a file the last line wins.
    pub vars: BTreeMap<String, Var>,
    /// What went wrong reaching the files (missing, outside the workspace,
    /// unreadable).
    pub findings: Vec<EnvFinding>,
}

/// Prints a value's size instead of the value.
struct Hidden<'a>(&'a str);

impl fmt::Debug for Hidden<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_values() {
        let e = Entry {
            key: "SESSION_SECRET".into(),
            value: "canary-0d5e".into(),
            line: 1,
            syntax: Syntax::default(),
        };
        let v = Var {
            value: "canary-0d5e".into(),
            file: ".env".into(),
            line: 1,
        };
        let text = format!("{e:?} {v:?}");
        assert!(!text.contains("canary"), "{text}");
        assert!(text.contains("<11 bytes>"), "{text}");
    }
}
