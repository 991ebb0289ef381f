//! A cursor over parsed JSON that remembers where it is, so a bad value is
//! reported as `results[1].mean: expected a number, found "abc"` rather than
//! as a panic or a bare serde message.

use std::path::Path;

use serde_json::Value;

use super::ImportError;

/// Parses `text`; a syntax error (a truncated file, usually) names its line
/// and column.
pub(super) fn parse(file: &Path, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| ImportError::InvalidFile {
        path: file.to_path_buf(),
        at: format!("line {} column {}", e.line(), e.column()),
        reason: format!("not valid JSON: {}", strip_position(&e.to_string())),
    })
}

/// serde_json appends " at line L column C", which `at` already says.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// A value in a parsed file and where it sits (`results[1].mean`).
#[derive(Clone)]
pub(super) struct Node<'v> {
    pub file: &'v Path,
    pub value: &'v Value,
    at: String,
}

pub(super) fn root<'v>(file: &'v Path, value: &'v Value) -> Node<'v> {
    Node {
        file,
        value,
        at: String::new(),
    }
}

impl<'v> Node<'v> {
    pub fn at(&self) -> &str {
        if self.at.is_empty() {
            "(top level)"
        } else {
            &self.at
        }
    }

    pub fn invalid(&self, reason: impl Into<String>) -> ImportError {
        ImportError::InvalidFile {
            path: self.file.to_path_buf(),
            at: self.at().to_string(),
            reason: reason.into(),
        }
    }

    fn child_at(&self, key: &str) -> String {
        let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        match (self.at.is_empty(), plain) {
            (true, true) => key.to_string(),
            (true, false) => format!("[{key:?}]"),
            (false, true) => format!("{}.{key}", self.at),
            (false, false) => format!("{}[{key:?}]", self.at),
        }
    }

    /// The member `key`, or an error naming it when it is absent.
    pub fn get(&self, key: &str) -> Result<Node<'v>, ImportError> {
        self.opt(key).ok_or_else(|| ImportError::InvalidFile {
            path: self.file.to_path_buf(),
            at: self.child_at(key),
            reason: "missing".to_string(),
        })
    }

    /// The member `key` when present and not null.
    pub fn opt(&self, key: &str) -> Option<Node<'v>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Node {
                file: self.file,
                value,
                at: self.child_at(key),
            }),
        }
    }

    pub fn f64(&self) -> Result<f64, ImportError> {
        match self.value.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.invalid(format!("expected a number, found {}", short(self.value)))),
        }
    }

    pub fn u64(&self) -> Result<u64, ImportError> {
        match self.value.as_f64() {
            Some(x) if x >= 0.0 && x.fract() == 0.0 && x < 2f64.powi(53) => Ok(x as u64),
            _ => Err(self.invalid(format!("expected a whole number, found {}", short(self.value)))),
        }
    }

    pub fn str(&self) -> Result<&'v str, ImportError> {
        self.value
            .as_str()
            .ok_or_else(|| self.invalid(format!("expected a string, found {}", short(self.value))))
    }

    pub fn array(&self) -> Result<Vec<Node<'v>>, ImportError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.invalid(format!("expected a list, found {}", short(self.value))))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| Node {
                file: self.file,
                value,
                at: format!("{}[{i}]", self.at),
            })
            .collect())
    }

    /// Members in file order.
    pub fn entries(&self) -> Result<Vec<(&'v str, Node<'v>)>, ImportError> {
        let map = self
            .value
            .as_object()
            .ok_or_else(|| self.invalid(format!("expected an object, found {}", short(self.value))))?;
        Ok(map
            .iter()
            .map(|(k, value)| {
                (
                    k.as_str(),
                    Node {
                        file: self.file,
                        value,
                        at: self.child_at(k),
                    },
                )
            })
            .collect())
    }

    /// A list of numbers, each checked.
    pub fn f64s(&self) -> Result<Vec<f64>, ImportError> {
        self.array()?.iter().map(|n| n.f64()).collect()
    }

    /// `key` as a number, or `None` when absent or null.
    pub fn opt_f64(&self, key: &str) -> Result<Option<f64>, ImportError> {
        self.opt(key).map(|n| n.f64()).transpose()
    }

    pub fn f64_of(&self, key: &str) -> Result<f64, ImportError> {
        self.get(key)?.f64()
    }
}

/// A value as it appears in the file, cut short for a message.
fn short(v: &Value) -> String {
    let s = match v {
        Value::Object(_) => "an object".to_string(),
        Value::Array(_) => "a list".to_string(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}
