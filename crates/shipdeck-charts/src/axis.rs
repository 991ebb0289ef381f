//! The time axis every chart over runs shares: its span, its ticks and
//! their labels. Ticks fall on whole multiples of a step (1 s, 5 min, 1 day…)
//! and labels are written to that step's precision, so two ticks never read
//! the same (runs within one minute get seconds, not four `21:16`s).

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::RangedCoordi64;
use plotters::prelude::*;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Tick steps, smallest first, in milliseconds. Neighbours are at most
/// 2.5 times apart, so with five or more ticks allowed the span always
/// holds at least two.
const STEPS: [i64; 36] = [
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    4 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
    56 * DAY,
    91 * DAY,
    182 * DAY,
    364 * DAY,
];

/// A time axis in epoch milliseconds (UTC).
#[derive(Debug, Clone)]
pub struct TimeAxis {
    pub lo: i64,
    pub hi: i64,
    step: i64,
    format: &'static str,
}

impl TimeAxis {
    /// The axis over `times`, padded by `pad` of the span on each side,
    /// with at most `max_ticks` ticks (five at least).
    pub fn new(times: impl Iterator<Item = i64>, pad: f64, max_ticks: usize) -> TimeAxis {
        let (lo, hi) = time_span(times);
        let grow = ((hi - lo) as f64 * pad) as i64;
        let (lo, hi) = (lo - grow, hi + grow);
        let span = (hi - lo).max(1);
        let max_ticks = max_ticks.max(5) as i64;
        let step = STEPS
            .iter()
            .copied()
            .find(|s| span / s < max_ticks)
            .unwrap_or_else(|| (span / max_ticks / DAY + 1) * DAY);
        let same_day = lo.div_euclid(DAY) == hi.div_euclid(DAY);
        let format = if step < SECOND {
            "%H:%M:%S%.3f"
        } else if step < MINUTE {
            "%H:%M:%S"
        } else if step < DAY && same_day {
            "%H:%M"
        } else if step < DAY {
            "%b %-d %H:%M"
        } else if span < 360 * DAY {
            "%b %-d"
        } else {
            "%Y-%m-%d"
        };
        TimeAxis { lo, hi, step, format }
    }

    /// Every whole multiple of the step within the axis.
    pub fn ticks(&self) -> Vec<i64> {
        let first = self.lo.div_euclid(self.step) * self.step;
        let first = if first < self.lo { first + self.step } else { first };
        (0..)
            .map(|i| first + i * self.step)
            .take_while(|t| *t <= self.hi)
            .collect()
    }

    /// A tick's label, to the step's precision.
    pub fn label(&self, ms: i64) -> String {
        to_time(ms).format(self.format).to_string()
    }

    /// The plotters range: milliseconds with exactly [`TimeAxis::ticks`].
    pub fn range(&self) -> WithKeyPoints<RangedCoordi64> {
        (self.lo..self.hi).with_key_points(self.ticks())
    }
}

fn to_time(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The time span of a chart over recorded runs: the first to the last run,
/// a minute either side of a single run, the last hour without any.
fn time_span(times: impl Iterator<Item = i64>) -> (i64, i64) {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if lo < hi {
        (lo, hi)
    } else if lo != i64::MAX {
        (lo - MINUTE, lo + MINUTE)
    } else {
        let now = chrono::Utc::now().timestamp_millis();
        (now - HOUR, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25 21:16:00 UTC.
    const T0: i64 = 1_795_641_360_000;

    fn labels(axis: &TimeAxis) -> Vec<String> {
        axis.ticks().iter().map(|t| axis.label(*t)).collect()
    }

    fn assert_distinct(axis: &TimeAxis) {
        let l = labels(axis);
        let mut unique = l.clone();
        unique.dedup();
        assert_eq!(l, unique, "ticks of {}..{} repeat a label", axis.lo, axis.hi);
        assert!(l.len() >= 2, "{l:?}");
    }

    #[test]
    fn runs_within_one_minute_get_distinct_tick_labels() {
        assert_eq!(TimeAxis::new([T0].into_iter(), 0.0, 5).label(T0), "21:16:00");
        let axis = TimeAxis::new(
            [T0 + 5_000, T0 + 20_000, T0 + 35_000, T0 + 50_000].into_iter(),
            0.05,
            5,
        );
        assert_distinct(&axis);
        assert!(
            labels(&axis).iter().all(|l| l.starts_with("21:16:")),
            "{:?}",
            labels(&axis)
        );
    }

    #[test]
    fn every_span_from_milliseconds_to_years_labels_its_ticks_apart() {
        let mut span = 3;
        while span < 5 * 365 * DAY {
            for max_ticks in [5, 6, 8] {
                assert_distinct(&TimeAxis::new(
                    [T0 + 7, T0 + 7 + span].into_iter(),
                    0.05,
                    max_ticks,
                ));
            }
            span = span * 3 / 2 + 1;
        }
    }

    #[test]
    fn the_label_format_follows_the_span() {
        let day = TimeAxis::new([T0 - 12 * HOUR, T0 - 6 * HOUR].into_iter(), 0.0, 5);
        assert!(
            labels(&day).iter().all(|l| l.len() == 5 && l.contains(':')),
            "{:?}",
            labels(&day)
        );
        let month = TimeAxis::new([T0, T0 + 20 * DAY].into_iter(), 0.0, 5);
        assert!(
            labels(&month).iter().all(|l| !l.contains(':')),
            "{:?}",
            labels(&month)
        );
        let night = TimeAxis::new([T0, T0 + 4 * HOUR].into_iter(), 0.0, 5);
        assert!(
            labels(&night).iter().any(|l| l.starts_with("Nov 26")),
            "crossing midnight names the day"
        );
    }

    #[test]
    fn ticks_stay_inside_the_axis_and_within_the_count() {
        let axis = TimeAxis::new([T0, T0 + 17 * MINUTE].into_iter(), 0.05, 5);
        let ticks = axis.ticks();
        assert!((2..=5).contains(&ticks.len()), "{ticks:?}");
        assert!(ticks.iter().all(|t| (axis.lo..=axis.hi).contains(t)));
    }
}
