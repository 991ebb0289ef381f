//! Property tests: a canary secret embedded in arbitrary surrounding text,
//! in each shape the redactor knows, never survives redaction — in plain
//! text, in JSON log lines, or in error payloads.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use proptest::prelude::*;
use shipdeck_core::logs::redact_json_line;
use shipdeck_core::secrets::{redact, register_secret};

fn canary() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{12,40}"
}

fn hex32() -> impl Strategy<Value = String> {
    "[0-9a-f]{32}"
}

/// Text around the secret: anything, separated from it by a space.
fn noise() -> impl Strategy<Value = String> {
    "[ -~]{0,40}"
}

fn shapes(s: &str, hex: &str) -> Vec<String> {
    vec![
        format!("postgres://app:{s}@db.internal:5432/main"),
        format!("mysql://root:{s}@127.0.0.1/test"),
        format!("https://x-access-token:{s}@github.com/o/r.git"),
        format!("Authorization: Bearer {s}"),
        format!("authorization=token {s}"),
        format!("api_key={s}"),
        format!("GITHUB_TOKEN={s}"),
        format!("\"password\": \"{s}\""),
        format!("DB_PASSWORD: {s}"),
        format!("?key={s}&page=1"),
        format!("ghp_{s}{s}"),
        format!("glpat-{s}{s}"),
        format!("xoxb-{s}"),
        format!("https://{hex}@o1.ingest.sentry.io/42"),
        format!("sentry_key={s}, sentry_version=7"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn canary_never_survives_in_text(s in canary(), hex in hex32(), pre in noise(), post in noise()) {
        for shape in shapes(&s, &hex) {
            let text = format!("{pre} {shape} {post}");
            let out = redact(&text);
            prop_assert!(!out.contains(&s), "secret survived in {:?} -> {:?}", text, out);
            prop_assert!(!out.contains(&hex), "dsn key survived in {:?} -> {:?}", text, out);
        }
    }

    #[test]
    fn canary_never_survives_in_json_log_lines(s in canary(), hex in hex32(), pre in noise()) {
        for shape in shapes(&s, &hex) {
            let line = serde_json::json!({
                "level": "INFO",
                "fields": { "message": format!("{pre} {shape}"), "url": shape.clone() },
            })
            .to_string();
            let out = redact_json_line(&line);
            prop_assert!(!out.contains(&s) && !out.contains(&hex), "{} -> {}", line, out);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
        }
    }

    #[test]
    fn registered_secret_of_any_shape_never_survives(s in "[ -~]{8,30}", pre in noise(), post in noise()) {
        prop_assume!(!s.trim().is_empty() && s.trim().len() >= 8);
        register_secret(&s);
        let text = format!("{pre}{s}{post}");
        prop_assert!(!redact(&text).contains(s.trim()));
    }

    #[test]
    fn error_payloads_carry_no_canary(s in canary()) {
        let err = shipdeck_core::Error::Internal(format!("connect to postgres://u:{s}@h/db failed"));
        let json = serde_json::to_string(&err).unwrap();
        prop_assert!(!json.contains(&s));
    }
}
