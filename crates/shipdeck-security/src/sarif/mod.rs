//! Code-scanning results read from SARIF 2.1.0 files (bandit, semgrep,
//! clippy-sarif, ESLint, CodeQL …) into one list, each result keyed by its
//! `partialFingerprints` so a result seen in two runs is one result.

mod error;
mod location;
mod model;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

pub use error::SarifError;
use location::{cut, Place};
use model::{Log, ResultObject, Rule, Run};

/// A SARIF file larger than this is refused before it is parsed.
pub const MAX_SARIF_BYTES: u64 = 64 * 1024 * 1024;
/// At most this many results are read from one file (all runs together).
pub const MAX_RESULTS: usize = 100_000;
/// A message is cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 2_000;
/// Rule ids and tool names are cut to this many characters.
const MAX_NAME_CHARS: usize = 200;

/// SARIF's `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SarifLevel {
    None,
    Note,
    Warning,
    Error,
}

/// One result of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SarifResult {
    /// The run's `tool.driver.name`.
    pub tool: String,
    pub rule_id: String,
    pub level: SarifLevel,
    pub message: String,
    /// Path relative to the workspace, `/`-separated, when the result has a location.
    pub file: Option<String>,
    pub line: Option<u32>,
    pub snippet: Option<String>,
    /// The identity of the result across runs.
    pub fingerprint: String,
}

/// What one SARIF file holds, ready to be stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SarifFile {
    /// Each result once (a fingerprint seen twice in the file counts once).
    pub results: Vec<SarifResult>,
    /// The runs' tools, in file order, each once.
    pub tools: Vec<String>,
    /// Results whose location was outside the workspace (or not a file):
    /// kept, without a file.
    pub outside_workspace: u64,
    /// Results dropped because another result of the file had their fingerprint.
    pub duplicates: u64,
}

/// Reads the SARIF file at `path`; locations are resolved against the
/// workspace `root`, and snippets the file lacks are read from it.
pub fn read_file(path: &Path, root: &Path) -> Result<SarifFile, SarifError> {
    let name = path.display().to_string();
    let read_err = |e: std::io::Error| SarifError::Read {
        path: name.clone(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(SarifError::Read {
            path: name,
            reason: "not a regular file".into(),
        });
    }
    if meta.len() > MAX_SARIF_BYTES {
        return Err(SarifError::TooLarge {
            path: name,
            size: meta.len(),
            limit: MAX_SARIF_BYTES,
        });
    }
    // The file may grow between the check and the read: read one byte past the limit at most.
    let mut bytes = Vec::new();
    file.take(MAX_SARIF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_SARIF_BYTES {
        return Err(SarifError::TooLarge {
            path: name,
            size: bytes.len() as u64,
            limit: MAX_SARIF_BYTES,
        });
    }
    parse(&bytes, &name, root)
}

/// Parses a SARIF 2.1.0 log; `name` names it in errors.
pub fn parse(bytes: &[u8], name: &str, root: &Path) -> Result<SarifFile, SarifError> {
    let log: Log = serde_json::from_slice(bytes).map_err(|e| SarifError::Invalid {
        path: name.to_string(),
        reason: e.to_string(),
    })?;
    match log.version.as_deref() {
        Some("2.1.0") => {}
        other => {
            return Err(SarifError::Version {
                path: name.to_string(),
                version: other.unwrap_or("(none)").to_string(),
            })
        }
    }
    let total: usize = log
        .runs
        .iter()
        .map(|r| r.results.as_ref().map_or(0, Vec::len))
        .sum();
    if total > MAX_RESULTS {
        return Err(SarifError::TooManyResults {
            path: name.to_string(),
            limit: MAX_RESULTS,
        });
    }
    let mut out = SarifFile::default();
    let mut seen = HashSet::new();
    for run in &log.runs {
        let tool = cut(run.tool.driver.name.trim(), MAX_NAME_CHARS);
        if !out.tools.contains(&tool) {
            out.tools.push(tool.clone());
        }
        for result in run.results.iter().flatten() {
            let (r, outside) = read_result(run, &tool, result, root);
            out.outside_workspace += u64::from(outside);
            if seen.insert(r.fingerprint.clone()) {
                out.results.push(r);
            } else {
                out.duplicates += 1;
            }
        }
    }
    Ok(out)
}

/// One result; true when its location was refused.
fn read_result(run: &Run, tool: &str, result: &ResultObject, root: &Path) -> (SarifResult, bool) {
    let rule = find_rule(run, result);
    let rule_id = result
        .rule_id
        .clone()
        .or_else(|| result.rule.as_ref().and_then(|r| r.id.clone()))
        .or_else(|| rule.and_then(|r| r.id.clone()))
        .unwrap_or_else(|| "unknown".into());
    let rule_id = cut(&rule_id, MAX_NAME_CHARS);
    let physical = result
        .locations
        .first()
        .and_then(|l| l.physical_location.as_ref());
    let place = physical
        .and_then(|p| p.artifact_location.as_ref())
        .map_or(Place::Unknown, |a| location::resolve(a, run, root));
    let region = physical.and_then(|p| p.region.as_ref());
    let line = region.and_then(|r| r.start_line).filter(|l| *l > 0);
    let file = match &place {
        Place::Inside(f) => Some(f.clone()),
        _ => None,
    };
    let snippet = region
        .and_then(|r| r.snippet.as_ref())
        .and_then(|s| s.text.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| cut(s, location::MAX_SNIPPET_CHARS))
        .or_else(|| location::source_line(root, file.as_deref()?, line?));
    let message = cut(
        &message_of(run, rule, result).unwrap_or_else(|| rule_id.clone()),
        MAX_MESSAGE_CHARS,
    );
    let fingerprint = fingerprint(
        tool,
        &rule_id,
        file.as_deref(),
        snippet.as_deref(),
        &message,
        result,
    );
    let r = SarifResult {
        tool: tool.to_string(),
        level: level_of(rule, result),
        rule_id,
        message,
        file,
        line: line.and_then(|l| u32::try_from(l).ok()),
        snippet,
        fingerprint,
    };
    (r, place == Place::Outside)
}

/// The rule a result refers to: by index (`rule.index`, `ruleIndex`), else by id.
fn find_rule<'a>(run: &'a Run, result: &ResultObject) -> Option<&'a Rule> {
    let rules = &run.tool.driver.rules;
    let index = result.rule.as_ref().and_then(|r| r.index).or(result.rule_index);
    if let Some(rule) = index.and_then(|i| rules.get(i)) {
        return Some(rule);
    }
    let id = result
        .rule_id
        .as_deref()
        .or(result.rule.as_ref().and_then(|r| r.id.as_deref()))?;
    rules.iter().find(|r| r.id.as_deref() == Some(id))
}

/// The result's level, else its rule's default, else SARIF's default:
/// `warning` for a failure, `none` for a result of another `kind`.
fn level_of(rule: Option<&Rule>, result: &ResultObject) -> SarifLevel {
    let text = result.level.as_deref().or_else(|| {
        rule.and_then(|r| r.default_configuration.as_ref())
            .and_then(|c| c.level.as_deref())
    });
    match text {
        Some("error") => SarifLevel::Error,
        Some("note") => SarifLevel::Note,
        Some("none") => SarifLevel::None,
        Some(_) => SarifLevel::Warning,
        None => match result.kind.as_deref() {
            None | Some("fail") => SarifLevel::Warning,
            Some(_) => SarifLevel::None,
        },
    }
}

/// `message.text`, else its markdown, else the message string its `id`
/// names (the rule's, then the tool's) with `{n}` arguments filled in, else
/// the rule's short description.
fn message_of(run: &Run, rule: Option<&Rule>, result: &ResultObject) -> Option<String> {
    let m = &result.message;
    if let Some(text) = m.text.as_ref().or(m.markdown.as_ref()) {
        return Some(text.trim().to_string());
    }
    let template = m.id.as_ref().and_then(|id| {
        rule.and_then(|r| r.message_strings.get(id))
            .or_else(|| run.tool.driver.global_message_strings.get(id))
            .and_then(|s| s.text.clone().or_else(|| s.markdown.clone()))
    });
    if let Some(mut text) = template {
        for (i, arg) in m.arguments.iter().enumerate().take(32) {
            text = text.replace(&format!("{{{i}}}"), arg);
        }
        return Some(text);
    }
    rule.and_then(|r| r.short_description.as_ref())
        .and_then(|d| d.text.clone().or_else(|| d.markdown.clone()))
}

/// The identity of a result across runs: the producer's fingerprints when
/// it wrote some (`fingerprints`, else `partialFingerprints`, every key in
/// sorted order), else the tool, rule, file and snippet with its
/// whitespace collapsed (the message when there is no snippet), so a
/// result that moves to another line keeps its identity. Always hashed
/// with the tool, so two tools never share one.
fn fingerprint(
    tool: &str,
    rule: &str,
    file: Option<&str>,
    snippet: Option<&str>,
    message: &str,
    result: &ResultObject,
) -> String {
    let given = if result.fingerprints.is_empty() {
        &result.partial_fingerprints
    } else {
        &result.fingerprints
    };
    let mut h = Sha256::new();
    h.update(tool.as_bytes());
    h.update([0]);
    if given.is_empty() {
        for part in [rule, file.unwrap_or(""), &normalise(snippet.unwrap_or(message))] {
            h.update(part.as_bytes());
            h.update([0]);
        }
    } else {
        let sorted: BTreeMap<&String, String> = given
            .iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect();
        for (k, v) in sorted {
            h.update(format!("{k}={v}").as_bytes());
            h.update([0]);
        }
    }
    hex::encode(&h.finalize()[..20])
}

/// Whitespace runs become one space; leading and trailing go.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
