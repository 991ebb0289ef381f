//! OSV records (<https://ossf.github.io/osv-schema/>), read leniently: only
//! the fields matching, merging and reporting use; every other field is
//! skipped, and a field of an unexpected shape is read as absent rather than
//! failing the whole record.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;

/// One advisory.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub modified: Option<String>,
    /// Set when the advisory was withdrawn: it then matches nothing.
    #[serde(default, deserialize_with = "lenient")]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "lenient")]
    pub database_specific: Option<DatabaseSpecific>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub score: String,
}

/// Only the database's own rating is read (GHSA's `LOW` … `CRITICAL`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DatabaseSpecific {
    #[serde(default, deserialize_with = "lenient")]
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Affected {
    #[serde(default, deserialize_with = "lenient")]
    pub package: Option<Package>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub versions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Package {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Range {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub events: Vec<Event>,
}

/// One event; the schema allows exactly one key per event, an event with
/// several is read by the first of `introduced`, `fixed`, `last_affected`,
/// `limit` it has.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub introduced: Option<String>,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub last_affected: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// A field of an unexpected shape reads as `None`.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// A list of an unexpected shape reads as empty; an item of an unexpected
/// shape is dropped.
fn lenient_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let v = serde_json::Value::deserialize(d)?;
    let serde_json::Value::Array(items) = v else {
        return Ok(Vec::new());
    };
    Ok(items
        .into_iter()
        .filter_map(|i| serde_json::from_value(i).ok())
        .collect())
}

/// Just enough of a record to know which packages it is about, read before
/// the whole record (offline exports hold far more than a workspace uses).
#[derive(Debug, Deserialize)]
pub struct Packages {
    #[serde(default, deserialize_with = "lenient_vec")]
    pub affected: Vec<AffectedPackage>,
}

#[derive(Debug, Deserialize)]
pub struct AffectedPackage {
    #[serde(default, deserialize_with = "lenient")]
    pub package: Option<Package>,
}

/// PEP 503's normalised name: lower case, every run of `-`, `_`, `.` one
/// `-`. Hand-written: three characters and a case fold need no regex.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_folds_case_and_separator_runs() {
        assert_eq!(pep503("Jinja2"), "jinja2");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("Foo__Bar-._baz"), "foo-bar-baz");
    }

    #[test]
    fn odd_fields_read_as_absent() {
        let a: Advisory = serde_json::from_str(
            r#"{"id":"X-1","aliases":"CVE-1","severity":[{"type":"CVSS_V3","score":"x"},3],
                "affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"ECOSYSTEM",
                "events":[{"introduced":"0"},{"fixed":1}]}]}],"database_specific":"x"}"#,
        )
        .unwrap();
        assert!(a.aliases.is_empty());
        assert_eq!(a.severity.len(), 1);
        assert_eq!(a.affected[0].ranges[0].events.len(), 1);
        assert!(a.database_specific.is_none());
    }
}
