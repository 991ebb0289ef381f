//! `releases`: something to release, its changelog section renders, and
//! the cut would not refuse.

use crate::model::{AreaOutcome, CheckStatus};

/// What the release plan and a dry-run cut said about HEAD.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFacts {
    /// `(package, next version, changelog section)` of each package that
    /// has something to release.
    pub releasing: Vec<(String, String, String)>,
    /// The newest release tag, when there is one.
    pub last_tag: Option<String>,
    /// Why the cut would refuse (dirty tree, wrong branch, detached HEAD,
    /// a tag that exists…), when it would.
    pub refusal: Option<String>,
}

pub fn judge(f: &ReleaseFacts) -> AreaOutcome {
    if let Some(reason) = &f.refusal {
        let mut o = AreaOutcome::new(
            CheckStatus::Fail,
            format!("the release cut would refuse: {reason}"),
        );
        o.lines.push(reason.clone());
        return o;
    }
    if f.releasing.is_empty() {
        let since = match &f.last_tag {
            Some(t) => format!("nothing to release since {t}"),
            None => "nothing to release".to_string(),
        };
        return AreaOutcome::new(CheckStatus::Warn, since);
    }
    let empty: Vec<&str> = f
        .releasing
        .iter()
        .filter(|(_, _, section)| section.trim().is_empty())
        .map(|(name, _, _)| name.as_str())
        .collect();
    let what = f
        .releasing
        .iter()
        .map(|(name, version, _)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(", ");
    if !empty.is_empty() {
        let mut o = AreaOutcome::new(
            CheckStatus::Fail,
            format!("the changelog section of {} is empty", empty.join(", ")),
        );
        o.lines.push(format!("releasing {what}"));
        return o;
    }
    let mut o = AreaOutcome::new(CheckStatus::Pass, format!("{what} ready to cut"));
    o.lines = f
        .releasing
        .iter()
        .map(|(name, version, section)| {
            format!("{name} {version}: {} changelog lines", section.lines().count())
        })
        .collect();
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn releasing(section: &str) -> ReleaseFacts {
        ReleaseFacts {
            releasing: vec![("app".into(), "1.3.0".into(), section.into())],
            last_tag: Some("v1.2.0".into()),
            refusal: None,
        }
    }

    #[test]
    fn a_release_with_a_changelog_passes() {
        let o = judge(&releasing("## 1.3.0\n\n- feat: x\n"));
        assert_eq!(o.status, CheckStatus::Pass);
        assert!(o.summary.contains("app 1.3.0"), "{}", o.summary);
    }

    #[test]
    fn nothing_to_release_warns_with_the_last_tag() {
        let mut f = releasing("");
        f.releasing.clear();
        let o = judge(&f);
        assert_eq!(o.status, CheckStatus::Warn);
        assert_eq!(o.summary, "nothing to release since v1.2.0");
    }

    #[test]
    fn an_empty_changelog_section_fails() {
        assert_eq!(judge(&releasing("  \n")).status, CheckStatus::Fail);
    }

    #[test]
    fn a_refusal_fails_with_its_reason_before_anything_else() {
        let mut f = releasing("## x");
        f.refusal = Some("uncommitted changes: a.txt".into());
        let o = judge(&f);
        assert_eq!(o.status, CheckStatus::Fail);
        assert!(o.summary.contains("uncommitted changes: a.txt"));
    }
}
