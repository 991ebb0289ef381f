//! The Environments area end to end: fixtures under `tests/environments/`
//! read through `shipdeck.toml`, merged, checked and compared.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use shipdeck_core::config::{Config, EnvironmentConfig};
use shipdeck_core::environments::{
    checks, load_environment, parity, parse_file, reveal, CellState, EnvFinding, KeyStatus, LoadedEnv,
    ParityReport, ValueKind,
};

const HMAC_KEY: &[u8] = b"test-fingerprint-key";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/environments")
}

fn read(name: &str) -> String {
    String::from_utf8(std::fs::read(fixtures().join(name)).unwrap()).unwrap()
}

/// Every environment of the workspace at `root`, as its shipdeck.toml says.
fn load_workspace(root: &Path) -> (Vec<LoadedEnv>, Config) {
    let config = Config::load(root).unwrap().expect("shipdeck.toml");
    let envs = config
        .environments
        .envs
        .iter()
        .map(|(name, cfg)| load_environment(root, name, cfg))
        .collect();
    (envs, config)
}

fn report_of(root: &Path) -> ParityReport {
    let (envs, config) = load_workspace(root);
    parity(&envs, config.environments.schema.as_ref(), HMAC_KEY)
}

fn one_file(dir: &Path, name: &str, text: &str) -> LoadedEnv {
    std::fs::write(dir.join(name), text).unwrap();
    let cfg = EnvironmentConfig {
        files: vec![name.into()],
        ..Default::default()
    };
    load_environment(dir, "test", &cfg)
}

fn entries(path: &str) -> Vec<(String, String, u32)> {
    parse_file(path, &read(path), &|_| None)
        .entries
        .into_iter()
        .map(|e| (e.key, e.value, e.line))
        .collect()
}

fn has(findings: &[EnvFinding], check: &str, env: &str, key: Option<&str>) -> bool {
    findings
        .iter()
        .any(|f| f.check == check && f.env == env && f.key.as_deref() == key)
}

#[test]
fn tricky_dotenv_syntax_reads_as_the_common_loaders_read_it() {
    let got = entries("tricky.env");
    let find = |k: &str| {
        got.iter()
            .find(|(key, ..)| key == k)
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(find("APP_NAME").1, "orbit");
    assert_eq!(find("BASE_URL").1, "http://0.0.0.0:8080/api");
    assert_eq!(find("SINGLE").1, r"literal ${APP_HOST} \n stays");
    assert_eq!(
        find("DOUBLE").1,
        "line one\nline two\ttabbed \"quoted\" back\\slash $HOME"
    );
    assert_eq!(find("HASH_IN_QUOTES").1, "not # a comment");
    assert_eq!(find("UNQUOTED_COMMENT").1, "value");
    assert_eq!(find("HASH_NO_SPACE").1, "abc#def");
    assert_eq!(find("EMPTY").1, "");
    assert_eq!(find("EMPTY_QUOTES").1, "");
    let key = &find("PRIVATE_KEY").1;
    assert!(key.starts_with("-----BEGIN TEST KEY-----\nMIIB") && key.ends_with("\n-----END TEST KEY-----"));
    assert_eq!(find("PRIVATE_KEY").2, 13);
    assert_eq!(
        (find("AFTER_MULTILINE").1.as_str(), find("AFTER_MULTILINE").2),
        ("line 16", 16)
    );
    assert_eq!(find("JSON_BLOB").1, r#"{"a": 1, "b": [2, 3]}"#);
    assert_eq!(find("DEFAULTED").1, "fallback");
    assert_eq!(find("DSN").1, "postgres://app@db.internal/app");
    assert_eq!(find("BACKTICK").1, "echo $APP_NAME");
    assert_eq!(find("EQUALS_IN_VALUE").1, "a=b=c");
    assert_eq!(find("URL_WITH_QUERY").1, "https://example.com/?a=1&b=2#frag");
    assert_eq!(got.len(), 19);
    assert!(parse_file("tricky.env", &read("tricky.env"), &|_| None)
        .problems
        .is_empty());
}

#[test]
fn a_bom_and_crlf_line_ends_change_nothing() {
    let got = entries("bom-crlf.env");
    let expected = [("FIRST", "1", 1), ("QUOTED", "two\nlines", 2), ("LAST", "3", 5)];
    let expected: Vec<_> = expected
        .iter()
        .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn malformed_files_report_the_line_and_keep_every_other_key() {
    let file = parse_file("malformed.env", &read("malformed.env"), &|_| None);
    let problems: Vec<_> = file.problems.iter().map(|p| (p.check.id(), p.line)).collect();
    assert_eq!(
        problems,
        vec![
            ("parse_error", 2),
            ("quote_mismatch", 3),
            ("parse_error", 5),
            ("key_without_value", 6),
            ("parse_error", 8),
        ]
    );
    let good: Vec<_> = file
        .entries
        .iter()
        .filter(|e| e.key.starts_with("GOOD_"))
        .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
        .collect();
    assert_eq!(
        good,
        vec![
            ("GOOD_1", "1", 1),
            ("GOOD_2", "2", 4),
            ("GOOD_3", "fine", 7),
            ("GOOD_4", "4", 9)
        ]
    );

    let json = parse_file("malformed.json", &read("malformed.json"), &|_| None);
    assert_eq!(
        (json.problems[0].check.id(), json.problems[0].line),
        ("parse_error", 5)
    );
    let keys: Vec<_> = json.entries.iter().map(|e| (e.key.as_str(), e.line)).collect();
    assert_eq!(keys, vec![("GOOD_1", 2), ("GOOD_2", 3), ("GOOD_3", 4)]);

    let yaml = parse_file("malformed.yaml", &read("malformed.yaml"), &|_| None);
    assert_eq!(yaml.problems.len(), 1);
    assert_eq!(yaml.problems[0].check.id(), "parse_error");
    assert!(yaml.problems[0].line >= 3, "{:?}", yaml.problems);
    let keys: Vec<_> = yaml.entries.iter().map(|e| e.key.as_str()).take(2).collect();
    assert_eq!(keys, vec!["GOOD_1", "GOOD_2"]);
}

#[test]
fn parity_compares_dotenv_json_and_yaml_sources() {
    let report = report_of(&fixtures().join("clean"));
    assert_eq!(report.environments, vec!["staging", "production"]);
    let key = |k: &str| {
        report
            .keys
            .iter()
            .find(|p| p.key == k)
            .unwrap_or_else(|| panic!("{k}"))
    };
    // From the shared YAML, in both.
    assert!(key("APP__NAME").same_across && key("APP__PORT").same_across);
    assert_eq!(key("APP__PORT").cells["production"].kind, ValueKind::Number);
    assert_eq!(
        key("APP__PORT").cells["production"].file.as_deref(),
        Some("shared.yaml")
    );
    assert_eq!(key("APP__PORT").cells["production"].line, Some(4));
    // A JSON number and a .env string with the same text are the same value.
    assert!(key("TIMEOUT_MS").same_across);
    assert_eq!(
        key("TIMEOUT_MS").cells["production"].file.as_deref(),
        Some("production.json")
    );
    assert_eq!(key("TIMEOUT_MS").cells["production"].line, Some(5));
    // Nested JSON meets a flat .env key.
    let db = key("DATABASE__URL");
    assert_eq!(db.cells["staging"].state, CellState::Differs);
    assert_eq!(db.cells["production"].line, Some(2));
    assert!(key("SESSION_SECRET").secret && !key("LOG_LEVEL").secret);
    assert_eq!(report.score, 66.7);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(
        report.files.iter().all(|f| f.ok && f.keys > 0),
        "{:?}",
        report.files
    );
    let formats: Vec<_> = report
        .files
        .iter()
        .map(|f| serde_json::to_value(f.format).unwrap())
        .collect();
    assert_eq!(formats, vec!["yaml", "dotenv", "yaml", "json"]);
}

#[test]
fn every_check_fires_on_its_fixture_and_none_on_the_clean_one() {
    let report = report_of(&fixtures().join("checks"));
    let f = &report.findings;
    let at = |check: &str, env: &str, file: Option<&str>, line: Option<u32>, key: Option<&str>| {
        assert!(
            f.iter().any(|x| x.check == check
                && x.env == env
                && x.file.as_deref() == file
                && x.line == line
                && x.key.as_deref() == key),
            "no {check} in {env} {file:?}:{line:?} {key:?}; got {f:#?}"
        );
    };
    let dev = Some(".env.development");
    at("leading_whitespace", "development", dev, Some(5), Some("LEAD"));
    at("trailing_whitespace", "development", dev, Some(6), Some("TRAIL"));
    at("space_around_equals", "development", dev, Some(7), Some("SPACED"));
    at(
        "unquoted_value_with_spaces",
        "development",
        dev,
        Some(8),
        Some("GREETING"),
    );
    at("export_prefix", "development", dev, Some(9), Some("EXPORTED"));
    at("lowercase_key", "development", dev, Some(10), Some("cache_ttl"));
    at("invalid_key_name", "development", dev, Some(11), Some("MY-KEY"));
    at(
        "undefined_substitution",
        "development",
        dev,
        Some(12),
        Some("API_URL"),
    );
    at("key_without_value", "development", dev, Some(13), Some("LONE"));
    at("parse_error", "development", dev, Some(14), None);
    at("quote_mismatch", "development", dev, Some(15), Some("BROKEN"));
    at("duplicate_key", "development", dev, Some(16), Some("PORT"));
    at(
        "file_outside_workspace",
        "development",
        Some("../outside.env"),
        None,
        None,
    );
    at("missing_file", "staging", Some(".env.staging.local"), None, None);
    at("unreadable_file", "staging", Some(".env.dir"), None, None);
    at(
        "schema_type",
        "staging",
        Some(".env.staging"),
        Some(2),
        Some("PORT"),
    );
    at(
        "schema_type",
        "staging",
        Some(".env.staging"),
        Some(5),
        Some("LOG_FORMAT"),
    );
    at(
        "required_missing",
        "staging",
        Some(".env.staging"),
        Some(3),
        Some("DATABASE_URL"),
    );
    at(
        "type_drift",
        "staging",
        Some(".env.staging"),
        Some(4),
        Some("TIMEOUT_MS"),
    );
    at(
        "empty_value",
        "staging",
        Some(".env.staging"),
        Some(6),
        Some("FEATURE_X"),
    );
    at(
        "debug_in_production",
        "production",
        Some(".env.production"),
        Some(3),
        Some("DEBUG"),
    );
    at(
        "secret_shared_across_environments",
        "production",
        Some(".env.production"),
        Some(7),
        Some("SESSION_SECRET"),
    );
    at(
        "localhost_in_production",
        "production",
        Some("production.json"),
        Some(2),
        Some("REDIS__URL"),
    );
    at("missing_key", "development", None, None, Some("REDIS__URL"));

    let fired: BTreeSet<&str> = f.iter().map(|x| x.check.as_str()).collect();
    let all: BTreeSet<&str> = checks().iter().map(|c| c.id).collect();
    assert_eq!(fired, all, "a check has no fixture");
    // Localhost is fine outside production.
    assert!(!has(
        f,
        "localhost_in_production",
        "development",
        Some("DATABASE_URL")
    ));
    // Sorted by environment, file, line.
    let order: Vec<_> = f.iter().map(|x| (&x.env, &x.file, x.line)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let broken: Vec<_> = report
        .files
        .iter()
        .filter(|x| !x.ok)
        .map(|x| x.file.as_str())
        .collect();
    assert_eq!(
        broken,
        vec![
            ".env.development",
            "../outside.env",
            ".env.staging.local",
            ".env.dir"
        ]
    );

    let clean = report_of(&fixtures().join("clean"));
    assert!(clean.findings.is_empty(), "{:#?}", clean.findings);
}

#[test]
fn type_drift_needs_no_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mk = |name: &str, text: &str| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let mut env = one_file(&sub, ".env", text);
        env.name = name.to_string();
        env
    };
    let envs = vec![
        mk(
            "development",
            "API_TIMEOUT_MS=5000\nENABLED=true\nUPSTREAM=https://a.example\n",
        ),
        mk("staging", "API_TIMEOUT_MS=5s\nENABLED=1\nUPSTREAM=a.example\n"),
        mk(
            "production",
            "API_TIMEOUT_MS=3000\nENABLED=false\nUPSTREAM=https://b.example\n",
        ),
    ];
    let report = parity(&envs, None, HMAC_KEY);
    let drift: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "type_drift")
        .map(|f| (f.env.as_str(), f.key.as_deref().unwrap()))
        .collect();
    assert_eq!(
        drift,
        vec![("staging", "API_TIMEOUT_MS"), ("staging", "UPSTREAM")]
    );
    let msg = &report
        .findings
        .iter()
        .find(|f| f.check == "type_drift")
        .unwrap()
        .message;
    assert_eq!(
        msg,
        "API_TIMEOUT_MS is text in staging but a number in development, production"
    );
}

const CANARY: &str = "canary-7f3a9c2e41b8d6f0";

#[test]
fn a_canary_secret_appears_nowhere_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The canary in every shape the parsers and checks see: lint-triggering
    // lines, a duplicate, a broken quote, JSON, YAML, a URL password, and in
    // production next to localhost.
    std::fs::write(
        root.join(".env.development"),
        format!("SESSION_SECRET={CANARY}\n  session_secret = {CANARY} and more\nexport SESSION_SECRET=\"{CANARY}\nDATABASE_URL=postgres://app:{CANARY}@localhost/app\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("staging.json"),
        format!("{{\"SESSION_SECRET\": \"{CANARY}\", \"nested\": {{\"token\": \"{CANARY}\"}}}}"),
    )
    .unwrap();
    std::fs::write(
        root.join(".env.production"),
        format!("SESSION_SECRET=x{CANARY}\nDATABASE_URL=postgres://app:{CANARY}@127.0.0.1/app\nPORT={CANARY}\nDEBUG={CANARY}\nREF=${{{CANARY}}}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("production.yaml"),
        format!("api:\n  token: {CANARY}\n  timeout: {CANARY}\n"),
    )
    .unwrap();
    let cfg = |files: &[&str]| EnvironmentConfig {
        files: files.iter().map(|f| (*f).into()).collect(),
        ..Default::default()
    };
    let envs = vec![
        load_environment(root, "development", &cfg(&[".env.development"])),
        load_environment(root, "staging", &cfg(&["staging.json"])),
        load_environment(root, "production", &cfg(&[".env.production", "production.yaml"])),
    ];
    let schema: shipdeck_core::config::EnvSchemaConfig =
        toml::from_str("[keys.PORT]\ntype = \"port\"\n").unwrap();
    let report = parity(&envs, Some(&schema), HMAC_KEY);
    let json = serde_json::to_string(&report).unwrap();
    // The report is not empty: the canary has a row, fingerprints and findings.
    let row = report.keys.iter().find(|k| k.key == "SESSION_SECRET").unwrap();
    assert!(row.secret && row.cells["staging"].fingerprint.is_some());
    assert!(report.findings.len() >= 8, "{:#?}", report.findings);
    for needle in [CANARY, "7f3a9c2e41b8d6f0", "canary-7f3a"] {
        assert!(!json.contains(needle), "{needle} leaked: {json}");
        for f in &report.findings {
            assert!(!f.message.contains(needle) && !f.fix.contains(needle), "{f:?}");
        }
        for env in &envs {
            assert!(!format!("{env:?}").contains(needle), "Debug shows a value");
        }
    }
    let refused = reveal(&envs[0], "SESSION_SECRET", None).unwrap_err();
    assert_eq!(refused.code(), "environments.secret");
    assert!(!serde_json::to_string(&refused).unwrap().contains(CANARY));
}

#[test]
fn the_demo_workspace_shows_the_drifts_it_was_written_for() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("orbit");
    let opts = shipdeck_core::demo::DemoOptions {
        seed: 42,
        until: chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z")
            .unwrap()
            .into(),
    };
    shipdeck_core::demo::create(&root, &opts).unwrap();
    let (envs, config) = load_workspace(&root);
    assert_eq!(
        envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        vec!["development", "staging", "production"]
    );
    let report = parity(&envs, config.environments.schema.as_ref(), HMAC_KEY);
    let f = &report.findings;
    let one = |check: &str, env: &str, key: &str| -> &EnvFinding {
        let hits: Vec<_> = f
            .iter()
            .filter(|x| x.check == check && x.env == env && x.key.as_deref() == Some(key))
            .collect();
        assert_eq!(hits.len(), 1, "{check} {env} {key}: {f:#?}");
        hits[0]
    };
    one("missing_key", "production", "LOG_LEVEL");
    let drift = one("type_drift", "staging", "API_TIMEOUT_MS");
    assert_eq!(drift.line, Some(8));
    assert_eq!(one("debug_in_production", "production", "DEBUG").line, Some(6));
    assert_eq!(
        one("localhost_in_production", "production", "REDIS_URL").line,
        Some(5)
    );
    assert_eq!(one("lowercase_key", "production", "cache_ttl").line, Some(10));
    let dup = one("duplicate_key", "production", "PORT");
    assert_eq!(
        (dup.file.as_deref(), dup.line),
        (Some(".env.production"), Some(12))
    );
    // Only production is flagged for debug and localhost.
    assert!(!has(f, "debug_in_production", "development", Some("DEBUG")));
    assert!(!has(
        f,
        "localhost_in_production",
        "development",
        Some("REDIS_URL")
    ));
    // The last PORT wins, and the secrets stay secret.
    let port = report.keys.iter().find(|k| k.key == "PORT").unwrap();
    assert_eq!(port.cells["production"].line, Some(12));
    let json = serde_json::to_string(&report).unwrap();
    for secret in [
        "dev-only-3f9a1c7e",
        "stg-7d41e09b5c2a",
        "prd-b8e2f61a90dc",
        "4f1c2d3e4b5a6978",
    ] {
        assert!(!json.contains(secret), "{secret} leaked");
    }
    let secret: Vec<_> = report
        .keys
        .iter()
        .filter(|k| k.secret)
        .map(|k| k.key.as_str())
        .collect();
    assert_eq!(secret, vec!["SENTRY_DSN", "SESSION_SECRET"]);
    assert_eq!(
        report.keys.iter().find(|k| k.key == "LOG_LEVEL").unwrap().status["production"],
        KeyStatus::Missing
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_a_parser(
        text in prop_oneof![
            any::<String>(),
            "[A-Za-z_=\"'`$#{}\\\\ \t\r\n:\\[\\],\\-0-9.&*!|>~\u{feff}]{0,300}",
        ]
    ) {
        for name in [".env", "a.json", "a.yaml"] {
            let file = parse_file(name, &text, &|_| Some("x"));
            for e in &file.entries {
                prop_assert!(e.line >= 1);
            }
            for p in &file.problems {
                prop_assert!(p.line >= 1);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_random_secret_never_reaches_the_report(value in "[A-Za-z0-9_./+=-]{16,48}") {
        let value = format!("q{value}");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".env.a"), format!("SESSION_SECRET={value}\nexport  api_token = {value} x\nSESSION_SECRET='{value}'\n")).unwrap();
        std::fs::write(root.join(".env.production"), format!("SESSION_SECRET=\"{value}\nDEBUG={value}\nURL=http://u:{value}@localhost/\n")).unwrap();
        std::fs::write(root.join("b.json"), format!("{{\"session\": {{\"secret\": \"{value}\"}}, \"SESSION_SECRET\": \"{value}\"}}")).unwrap();
        let cfg = |f: &str| EnvironmentConfig { files: vec![f.into()], ..Default::default() };
        let envs = vec![
            load_environment(root, "a", &cfg(".env.a")),
            load_environment(root, "production", &cfg(".env.production")),
            load_environment(root, "b", &cfg("b.json")),
        ];
        let report = parity(&envs, None, HMAC_KEY);
        prop_assert!(!report.findings.is_empty());
        let json = serde_json::to_string(&report).unwrap();
        prop_assert!(!json.contains(&value), "{} leaked: {}", value, json);
    }
}
