//! `environments`: parity errors fail and warnings warn; an environment
//! whose health endpoint is down fails; environments reporting different
//! versions warn.

use crate::gate::count;
use crate::model::{AreaOutcome, CheckStatus};

#[derive(Debug, Clone, Default)]
pub struct EnvFacts {
    /// The configured environments.
    pub environments: Vec<String>,
    /// Parity findings: `(is_error, message)`.
    pub parity: Vec<(bool, String)>,
    /// Each environment with a `health_url`: `(env, healthy, status label,
    /// what went wrong)`.
    pub health: Vec<(String, bool, String, Option<String>)>,
    /// Environment → the version it reports, for those that report one.
    pub versions: Vec<(String, String)>,
    /// At least two environments report different versions.
    pub drift: bool,
}

pub fn judge(f: &EnvFacts) -> AreaOutcome {
    if f.environments.is_empty() {
        return AreaOutcome::skipped("no [environments] configured");
    }
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut lines = Vec::new();
    let errors = f.parity.iter().filter(|(e, _)| *e).count();
    let warnings = f.parity.len() - errors;
    if errors > 0 {
        fails.push(count(errors, "parity error"));
    }
    if warnings > 0 {
        warns.push(count(warnings, "parity warning"));
    }
    lines.extend(
        f.parity
            .iter()
            .map(|(e, m)| format!("parity {}: {m}", if *e { "error" } else { "warning" })),
    );
    let down: Vec<&str> = f
        .health
        .iter()
        .filter(|(_, healthy, _, _)| !healthy)
        .map(|(env, _, _, _)| env.as_str())
        .collect();
    if !down.is_empty() {
        fails.push(format!("{} down", down.join(", ")));
    }
    for (env, _, label, message) in &f.health {
        match message {
            Some(m) => lines.push(format!("{env}: health {label}: {m}")),
            None => lines.push(format!("{env}: health {label}")),
        }
    }
    if f.drift {
        let v = f
            .versions
            .iter()
            .map(|(env, v)| format!("{env} {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        warns.push(format!("version drift: {v}"));
    }
    let (status, summary) = if !fails.is_empty() {
        (
            CheckStatus::Fail,
            fails.into_iter().chain(warns).collect::<Vec<_>>().join("; "),
        )
    } else if !warns.is_empty() {
        (CheckStatus::Warn, warns.join("; "))
    } else {
        let polled = if f.health.is_empty() {
            "no health_url to poll".to_string()
        } else {
            format!("{} healthy", count(f.health.len(), "environment"))
        };
        (
            CheckStatus::Pass,
            format!("{} in parity, {polled}", f.environments.join(", ")),
        )
    };
    let mut o = AreaOutcome::new(status, summary);
    o.lines = lines;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> EnvFacts {
        EnvFacts {
            environments: vec!["staging".into(), "production".into()],
            health: vec![("staging".into(), true, "pass".into(), None)],
            ..Default::default()
        }
    }

    #[test]
    fn none_configured_is_skipped() {
        assert_eq!(judge(&EnvFacts::default()).status, CheckStatus::Skipped);
    }

    #[test]
    fn healthy_and_in_parity_passes() {
        assert_eq!(judge(&facts()).status, CheckStatus::Pass);
    }

    #[test]
    fn parity_errors_fail_and_warnings_warn() {
        let mut f = facts();
        f.parity = vec![(false, "x".into())];
        assert_eq!(judge(&f).status, CheckStatus::Warn);
        f.parity.push((true, "y".into()));
        assert_eq!(judge(&f).status, CheckStatus::Fail);
    }

    #[test]
    fn an_environment_down_fails_and_drift_warns() {
        let mut f = facts();
        f.drift = true;
        f.versions = vec![
            ("staging".into(), "1.2.0".into()),
            ("production".into(), "1.1.0".into()),
        ];
        let o = judge(&f);
        assert_eq!(o.status, CheckStatus::Warn);
        assert!(o.summary.contains("production 1.1.0"), "{}", o.summary);
        f.health[0] = (
            "staging".into(),
            false,
            "unreachable".into(),
            Some("refused".into()),
        );
        let o = judge(&f);
        assert_eq!(o.status, CheckStatus::Fail);
        assert!(o.summary.contains("staging down"), "{}", o.summary);
    }
}
