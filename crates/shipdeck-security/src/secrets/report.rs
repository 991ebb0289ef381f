//! Report formats: Shipdeck JSON, gitleaks JSON and SARIF 2.1.0. Every one
//! is written from [`SecretFinding`], which holds no secret, so no format
//! can carry one.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};
use shipdeck_base::error::{Error, Result};

use super::{ReportFormat, SecretFinding, SecretsReport};

/// One finding with gitleaks' JSON report fields, in its order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GitleaksFinding<'a> {
    #[serde(rename = "RuleID")]
    rule_id: &'a str,
    description: &'a str,
    start_line: u32,
    end_line: u32,
    start_column: u32,
    end_column: u32,
    #[serde(rename = "Match")]
    matched: &'a str,
    secret: &'a str,
    file: &'a str,
    symlink_file: &'a str,
    commit: &'a str,
    entropy: f32,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    message: &'a str,
    tags: &'a [String],
    fingerprint: &'a str,
}

fn gitleaks(f: &SecretFinding) -> GitleaksFinding<'_> {
    GitleaksFinding {
        rule_id: &f.rule_id,
        description: &f.description,
        start_line: f.start_line,
        end_line: f.end_line,
        start_column: f.start_column,
        end_column: f.end_column,
        matched: &f.redacted,
        secret: &f.secret_redacted,
        file: &f.file,
        symlink_file: "",
        commit: f.commit.as_deref().unwrap_or(""),
        entropy: f.entropy,
        author: f.author.as_deref().unwrap_or(""),
        email: f.email.as_deref().unwrap_or(""),
        date: f.date.as_deref().unwrap_or(""),
        message: f.message.as_deref().unwrap_or(""),
        tags: &f.tags,
        fingerprint: &f.fingerprint,
    }
}

pub(crate) fn write(
    report: &SecretsReport,
    format: ReportFormat,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let res = match format {
        ReportFormat::Json => serde_json::to_writer_pretty(&mut *out, report),
        ReportFormat::Gitleaks => {
            let v: Vec<_> = report.findings.iter().map(gitleaks).collect();
            serde_json::to_writer_pretty(&mut *out, &v)
        }
        ReportFormat::Sarif => serde_json::to_writer_pretty(&mut *out, &sarif(report)),
    };
    res.map_err(|e| Error::Internal(format!("cannot write the report: {e}")))?;
    writeln!(out).map_err(|e| Error::Internal(format!("cannot write the report: {e}")))
}

/// SARIF 2.1.0 as GitHub code scanning reads it: one run, the rules that
/// have results, one result per finding with a redacted snippet.
fn sarif(report: &SecretsReport) -> Value {
    let mut rules: BTreeMap<&str, &str> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(&f.rule_id).or_insert(&f.description);
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, desc)| {
            let text = if desc.is_empty() { *id } else { *desc };
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": text },
                "fullDescription": { "text": text },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secret"] },
            })
        })
        .collect();
    let results: Vec<Value> = report.findings.iter().map(sarif_result).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "shipdeck-secrets",
                "informationUri": "https://github.com/gitleaks/gitleaks#configuration",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn sarif_result(f: &SecretFinding) -> Value {
    let mut fingerprints = serde_json::Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            fingerprints.insert(k.to_string(), Value::String(v.clone()));
        }
    };
    put("commitSha", &f.commit);
    put("author", &f.author);
    put("email", &f.email);
    put("date", &f.date);
    fingerprints.insert("fingerprint".into(), Value::String(f.fingerprint.clone()));
    let commit = f
        .commit
        .as_deref()
        .map(|c| format!(" in commit {c}"))
        .unwrap_or_default();
    json!({
        "ruleId": f.rule_id,
        "level": "error",
        "message": { "text": format!("{} has detected a secret in {}{commit}", f.rule_id, f.file) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": f.file },
            "region": {
                "startLine": f.start_line.max(1),
                "startColumn": f.start_column.max(1),
                "endLine": f.end_line.max(1),
                "endColumn": f.end_column.max(1),
                "snippet": { "text": f.redacted },
            },
        }}],
        "partialFingerprints": fingerprints,
    })
}
