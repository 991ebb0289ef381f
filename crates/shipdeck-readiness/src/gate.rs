//! What the gate does with the areas' outcomes: `[readiness.checks]` read
//! into a level per area, a failure weighed by its level, and the one-line
//! summary of a run.

use std::collections::BTreeMap;

use shipdeck_base::config::CheckLevel;

use crate::error::ReadinessError;
use crate::model::{Area, AreaOutcome, Check, CheckStatus, Verdict};

/// At most this many detail lines per area are kept.
pub const MAX_LINES: usize = 50;

/// Every area's level: `required` unless `[readiness.checks]` says
/// otherwise. An area name the gate does not know is a configuration
/// error that names the known ones.
pub fn levels(config: &BTreeMap<String, CheckLevel>) -> Result<BTreeMap<Area, CheckLevel>, ReadinessError> {
    let mut out: BTreeMap<Area, CheckLevel> =
        Area::ALL.into_iter().map(|a| (a, CheckLevel::Required)).collect();
    for (name, level) in config {
        let Some(area) = Area::parse(name) else {
            let known = Area::ALL.map(Area::as_str).join(", ");
            return Err(ReadinessError::BadConfig {
                message: format!("no area {name:?} (areas: {known})"),
            });
        };
        out.insert(area, *level);
    }
    Ok(out)
}

pub fn level_name(level: CheckLevel) -> &'static str {
    match level {
        CheckLevel::Required => "required",
        CheckLevel::Warn => "warn",
        CheckLevel::Off => "off",
    }
}

/// The outcome of an area turned off in `[readiness.checks]`.
pub fn turned_off() -> AreaOutcome {
    AreaOutcome::skipped("turned off in [readiness.checks]")
}

/// A failure of an area at level `warn` only warns; the summary says so.
pub fn weigh(mut outcome: AreaOutcome, level: CheckLevel) -> AreaOutcome {
    if level == CheckLevel::Warn && outcome.status == CheckStatus::Fail {
        outcome.status = CheckStatus::Warn;
        outcome.summary = format!("{} (only warns: [readiness.checks])", outcome.summary);
    }
    outcome.lines.truncate(MAX_LINES);
    outcome
}

/// `warn: 9 pass, 1 warn, 1 skipped`: the verdict, then each status's count.
pub fn summary(checks: &[Check]) -> String {
    let verdict = verdict_name(Verdict::of(checks));
    let counts: Vec<String> = CheckStatus::ALL
        .into_iter()
        .filter_map(|s| {
            let n = checks.iter().filter(|c| c.status == s).count();
            (n > 0).then(|| format!("{n} {}", status_name(s)))
        })
        .collect();
    format!("{verdict}: {}", counts.join(", "))
}

pub fn status_name(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Skipped => "skipped",
    }
}

pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
    }
}

/// `2 pending`, `1 migration`: a count and a noun, plural when it is not one.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_areas_are_a_config_error_naming_the_known_ones() {
        let mut c = BTreeMap::new();
        c.insert("docs".to_string(), CheckLevel::Warn);
        let l = levels(&c).unwrap();
        assert_eq!(l[&Area::Docs], CheckLevel::Warn);
        assert_eq!(l[&Area::Releases], CheckLevel::Required);
        c.insert("speling".to_string(), CheckLevel::Off);
        let e = levels(&c).unwrap_err();
        assert!(e.to_string().contains("speling"), "{e}");
        assert!(e.to_string().contains("migrations"), "{e}");
    }

    #[test]
    fn warn_level_turns_a_failure_into_a_warning_only() {
        let fail = AreaOutcome::new(CheckStatus::Fail, "bad");
        assert_eq!(weigh(fail.clone(), CheckLevel::Warn).status, CheckStatus::Warn);
        assert_eq!(weigh(fail, CheckLevel::Required).status, CheckStatus::Fail);
        let pass = AreaOutcome::new(CheckStatus::Pass, "ok");
        assert_eq!(weigh(pass, CheckLevel::Warn).status, CheckStatus::Pass);
    }

    #[test]
    fn summary_counts_each_status() {
        let c = |area, status| Check {
            area,
            status,
            summary: String::new(),
            command: String::new(),
        };
        let checks = vec![
            c(Area::Releases, CheckStatus::Pass),
            c(Area::Docs, CheckStatus::Pass),
            c(Area::Bundle, CheckStatus::Warn),
            c(Area::Coverage, CheckStatus::Skipped),
        ];
        assert_eq!(summary(&checks), "warn: 2 pass, 1 warn, 1 skipped");
    }
}
