//! The one parser for durations typed by people (`30s`, `1500ms`, `2m`,
//! `0.5s`): lock timeouts, benchmark lengths, health-check timeouts. Every
//! caller states the range it accepts, so no input can overflow a `Duration`
//! or an `Instant` later on. The grammar is a number and a unit; a parser
//! library would be larger than the rule.

use std::time::Duration;

use crate::error::Error;

/// What a caller accepts.
#[derive(Debug, Clone, Copy)]
pub struct DurationRules {
    /// The largest duration accepted.
    pub max: Duration,
    /// Whether `0` is a duration (`--lock-timeout 0`: try once).
    pub zero: bool,
    /// Whether a bare number means seconds; otherwise a unit is required.
    pub bare_seconds: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("{input:?} is not a duration like 30s, 1500ms or 2m")]
    Malformed { input: String },
    #[error("{input:?} needs a unit: ms, s or m")]
    NoUnit { input: String },
    #[error("{input:?} has an unknown unit {unit:?} (use ms, s or m)")]
    UnknownUnit { input: String, unit: String },
    #[error("{input:?} is out of range: {range}")]
    OutOfRange { input: String, range: String },
}

impl From<DurationError> for Error {
    fn from(e: DurationError) -> Error {
        Error::InvalidInput {
            field: "duration",
            reason: e.to_string(),
        }
    }
}

/// Reads `s` (`30`, `30s`, `30 sec`, `1500ms`, `2m`, `2min`, `0.5s`) within
/// `rules`.
pub fn parse_duration(s: &str, rules: DurationRules) -> Result<Duration, DurationError> {
    let input = s.trim();
    let split = input
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(input.len());
    let (number, unit) = (&input[..split], input[split..].trim());
    let malformed = || DurationError::Malformed {
        input: input.to_string(),
    };
    if number.is_empty() {
        return Err(malformed());
    }
    let n: f64 = number.parse().map_err(|_| malformed())?;
    let seconds_per_unit = match unit {
        "" if rules.bare_seconds => 1.0,
        "" => {
            return Err(DurationError::NoUnit {
                input: input.to_string(),
            })
        }
        "ms" => 0.001,
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        other => {
            return Err(DurationError::UnknownUnit {
                input: input.to_string(),
                unit: other.to_string(),
            })
        }
    };
    let seconds = n * seconds_per_unit;
    let too_small = if rules.zero { seconds < 0.0 } else { seconds <= 0.0 };
    // Not finite (cannot happen from digits, but stay safe) or too large.
    let too_large = !seconds.is_finite() || seconds > rules.max.as_secs_f64();
    if too_small || too_large {
        let low = if rules.zero { "0" } else { "more than 0" };
        return Err(DurationError::OutOfRange {
            input: input.to_string(),
            range: format!("{low} and at most {}", describe(rules.max)),
        });
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| malformed())
}

fn describe(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s >= 3600 && s.is_multiple_of(3600) => format!("{} h", s / 3600),
        _ if s >= 60 && s.is_multiple_of(60) => format!("{} min", s / 60),
        _ => format!("{} s", d.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: DurationRules = DurationRules {
        max: Duration::from_secs(86_400),
        zero: true,
        bare_seconds: true,
    };

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_duration("30", LOCK), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s", LOCK), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration(" 2m ", LOCK), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("2 min", LOCK), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1500ms", LOCK), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0.5s", LOCK), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("0", LOCK), Ok(Duration::ZERO));
    }

    #[test]
    fn huge_durations_are_out_of_range_not_an_overflow() {
        for huge in [
            "18446744073709551615",
            "999999999999999999m",
            "99999999999999999999999999999999999999999s",
            "86401",
        ] {
            assert!(
                matches!(parse_duration(huge, LOCK), Err(DurationError::OutOfRange { .. })),
                "{huge}"
            );
        }
    }

    #[test]
    fn malformed_inputs_are_typed_errors() {
        let unit = DurationRules {
            bare_seconds: false,
            zero: false,
            ..LOCK
        };
        assert!(matches!(
            parse_duration("5", unit),
            Err(DurationError::NoUnit { .. })
        ));
        assert!(matches!(
            parse_duration("0s", unit),
            Err(DurationError::OutOfRange { .. })
        ));
        for bad in ["", "fast", "-1s", "1.2.3s", ".", "inf", "NaN", "1e9s"] {
            assert!(parse_duration(bad, LOCK).is_err(), "{bad}");
        }
        assert!(matches!(
            parse_duration("5h", LOCK),
            Err(DurationError::UnknownUnit { .. })
        ));
    }
}
