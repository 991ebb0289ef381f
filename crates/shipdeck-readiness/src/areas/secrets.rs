//! `secrets`: the working tree at HEAD scanned as `security secrets
//! --no-git` scans it (`.gitignore`d files left out, `.gitleaksignore`
//! dismissals honoured). Any finding fails. Lines name file, line and rule,
//! never the value, not even redacted.

use shipdeck_security::secrets::{SecretFinding, SecretsReport};

use super::{bounded, count, named};
use crate::{AreaOutcome, CheckStatus};

fn at(f: &SecretFinding) -> String {
    format!("{}:{}", f.file, f.start_line)
}

/// The command that shows what this check judged.
pub const COMMAND: &str = "shipdeck security secrets --no-git";

/// The check's outcome, every line one line of bounded length, secrets
/// the redactor knows removed.
pub fn judge(report: &SecretsReport) -> AreaOutcome {
    super::clean(outcome(report))
}

fn outcome(report: &SecretsReport) -> AreaOutcome {
    let dismissed = if report.ignored > 0 {
        format!(", {} dismissed", report.ignored)
    } else {
        String::new()
    };
    if report.findings.is_empty() {
        return AreaOutcome::new(
            CheckStatus::Pass,
            format!(
                "no secrets in the tree ({} scanned{dismissed})",
                count(report.files_scanned as usize, "file", "files")
            ),
        );
    }
    let places: Vec<String> = report.findings.iter().map(at).collect();
    let mut outcome = AreaOutcome::new(
        CheckStatus::Fail,
        format!(
            "{} in the tree: {}",
            count(report.findings.len(), "secret", "secrets"),
            named(&places)
        ),
    );
    outcome.lines = bounded(
        report
            .findings
            .iter()
            .map(|f| format!("{} {} ({})", at(f), f.rule_id, f.description))
            .collect(),
    );
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built at run time, so this file holds no key a scanner would flag.
    fn key() -> String {
        ["AK", "IA", "Z7Q4N2XW5VB3KD6P"].concat()
    }

    fn finding(file: &str, line: u32) -> SecretFinding {
        SecretFinding {
            rule_id: "aws-access-token".into(),
            description: "AWS access key".into(),
            file: file.into(),
            start_line: line,
            end_line: line,
            start_column: 1,
            end_column: 30,
            redacted: format!("{}…", &key()[..4]),
            secret_redacted: format!("{}…", &key()[..4]),
            entropy: 3.9,
            commit: None,
            author: None,
            email: None,
            date: None,
            message: None,
            tags: vec![],
            fingerprint: format!("{file}:aws-access-token:{line}"),
        }
    }

    #[test]
    fn a_clean_tree_passes_and_counts_dismissals() {
        let r = SecretsReport {
            files_scanned: 55,
            ignored: 2,
            ..SecretsReport::default()
        };
        let o = judge(&r);
        assert_eq!(o.status, CheckStatus::Pass);
        assert_eq!(
            o.summary,
            "no secrets in the tree (55 files scanned, 2 dismissed)"
        );
    }

    #[test]
    fn any_finding_fails_naming_file_line_and_rule_never_the_value() {
        let r = SecretsReport {
            findings: vec![finding("config/prod.env", 3), finding("src/aws.rs", 12)],
            files_scanned: 9,
            ..SecretsReport::default()
        };
        let o = judge(&r);
        assert_eq!(o.status, CheckStatus::Fail);
        assert_eq!(
            o.summary,
            "2 secrets in the tree: config/prod.env:3, src/aws.rs:12"
        );
        assert_eq!(o.lines[0], "config/prod.env:3 aws-access-token (AWS access key)");
        let all = format!("{}\n{}", o.summary, o.lines.join("\n"));
        assert!(!all.contains(&key()[..4]), "not even the redacted prefix: {all}");
    }
}
