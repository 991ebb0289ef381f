use std::path::Path;

use super::location::root_url;
use super::*;

const BANDIT_V1: &str = include_str!("../../tests/fixtures/sarif/bandit-v1.sarif");
const BANDIT_V2: &str = include_str!("../../tests/fixtures/sarif/bandit-v2.sarif");
const SERVER_V1: &str = include_str!("../../tests/fixtures/sarif/server-v1.py");

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/server.py"), SERVER_V1).unwrap();
    dir
}

/// A one-run log around `results` (JSON text), with `extra` run members.
fn log(results: &str, extra: &str) -> String {
    format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t","rules":[
            {{"id":"R1","defaultConfiguration":{{"level":"note"}},"shortDescription":{{"text":"rule one"}},
              "messageStrings":{{"m":{{"text":"value {{0}} flows to {{1}}"}}}}}}]}}}},
            "results":[{results}]{extra}}}]}}"#
    )
}

fn result_at(uri: &str, base: Option<&str>) -> String {
    let base = base.map(|b| format!(r#","uriBaseId":"{b}""#)).unwrap_or_default();
    format!(
        r#"{{"ruleId":"R1","message":{{"text":"m"}},"locations":[{{"physicalLocation":{{
            "artifactLocation":{{"uri":"{uri}"{base}}},"region":{{"startLine":7}}}}}}]}}"#
    )
}

fn parse_str(text: &str, root: &Path) -> Result<SarifFile, SarifError> {
    parse(text.as_bytes(), "test.sarif", root)
}

#[test]
fn reads_what_bandit_wrote() {
    let ws = workspace();
    let file = parse_str(BANDIT_V1, ws.path()).unwrap();
    assert_eq!(file.tools, ["Bandit"]);
    assert_eq!(file.results.len(), 5);
    assert_eq!(file.outside_workspace, 0);
    let shell = file.results.iter().find(|r| r.rule_id == "B602").unwrap();
    assert_eq!(shell.level, SarifLevel::Error);
    assert_eq!(shell.file.as_deref(), Some("app/server.py"));
    assert_eq!(shell.line, Some(7));
    assert_eq!(
        shell.snippet.as_deref(),
        Some("return subprocess.call(cmd, shell=True)")
    );
    assert!(shell.message.contains("shell=True"), "{}", shell.message);
    assert_eq!(shell.fingerprint.len(), 40);
    let md5 = file.results.iter().find(|r| r.rule_id == "B324").unwrap();
    assert_eq!(md5.line, Some(11));
}

#[test]
fn a_result_keeps_its_fingerprint_across_runs_and_a_fixed_one_is_gone() {
    let ws = workspace();
    let v1 = parse_str(BANDIT_V1, ws.path()).unwrap();
    let v2 = parse_str(BANDIT_V2, ws.path()).unwrap();
    let ids = |f: &SarifFile| {
        f.results
            .iter()
            .map(|r| (r.rule_id.clone(), r.fingerprint.clone()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (ids(&v1), ids(&v2));
    let shared: Vec<_> = a.iter().filter(|x| b.contains(x)).map(|x| x.0.as_str()).collect();
    assert_eq!(shared, ["B404", "B403", "B602", "B301"]);
    assert!(!b.iter().any(|x| x.0 == "B324"));
    assert!(!a.iter().any(|x| x.0 == "B307"));
}

#[test]
fn a_result_that_moves_lines_keeps_its_fingerprint() {
    let ws = workspace();
    let at = |line: u32, snippet: &str| {
        log(
            &format!(
                r#"{{"ruleId":"R1","message":{{"text":"m"}},"locations":[{{"physicalLocation":{{
                "artifactLocation":{{"uri":"app/server.py"}},"region":{{"startLine":{line},"snippet":{{"text":"{snippet}"}}}}}}}}]}}"#
            ),
            "",
        )
    };
    let a = parse_str(&at(3, "x  =  eval(y)"), ws.path()).unwrap();
    let b = parse_str(&at(30, "  x = eval(y)\\n"), ws.path()).unwrap();
    let c = parse_str(&at(3, "x = eval(z)"), ws.path()).unwrap();
    assert_eq!(a.results[0].fingerprint, b.results[0].fingerprint);
    assert_ne!(a.results[0].fingerprint, c.results[0].fingerprint);
}

#[test]
fn partial_fingerprints_win_and_their_key_order_does_not_matter() {
    let ws = workspace();
    let with = |fp: &str, line: u32| {
        log(
            &format!(
                r#"{{"ruleId":"R1","message":{{"text":"m"}},"partialFingerprints":{fp},
                "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"app/server.py"}},"region":{{"startLine":{line}}}}}}}]}}"#
            ),
            "",
        )
    };
    let a = parse_str(
        &with(r#"{"primaryLocationLineHash":"abc:1","other":"z"}"#, 3),
        ws.path(),
    )
    .unwrap();
    let b = parse_str(
        &with(r#"{"other":"z","primaryLocationLineHash":"abc:1"}"#, 9),
        ws.path(),
    )
    .unwrap();
    let c = parse_str(
        &with(r#"{"primaryLocationLineHash":"abd:1","other":"z"}"#, 3),
        ws.path(),
    )
    .unwrap();
    assert_eq!(a.results[0].fingerprint, b.results[0].fingerprint);
    assert_ne!(a.results[0].fingerprint, c.results[0].fingerprint);
}

#[test]
fn level_falls_back_to_the_rule_then_to_warning() {
    let ws = workspace();
    let results = r#"{"ruleIndex":0,"message":{"text":"a"}},
        {"ruleId":"R9","message":{"text":"b"}},
        {"ruleId":"R9","kind":"pass","message":{"text":"c"}},
        {"rule":{"id":"R1"},"level":"error","message":{"text":"d"}}"#;
    let file = parse_str(&log(results, ""), ws.path()).unwrap();
    let levels: Vec<_> = file
        .results
        .iter()
        .map(|r| (r.rule_id.as_str(), r.level))
        .collect();
    assert_eq!(
        levels,
        [
            ("R1", SarifLevel::Note),
            ("R9", SarifLevel::Warning),
            ("R9", SarifLevel::None),
            ("R1", SarifLevel::Error)
        ]
    );
}

#[test]
fn message_falls_back_to_message_strings_then_the_rule_description() {
    let ws = workspace();
    let results = r#"{"ruleId":"R1","message":{"id":"m","arguments":["token","log"]}},
        {"ruleId":"R1","message":{"markdown":"**md**"}},
        {"ruleId":"R1","message":{}}"#;
    let file = parse_str(&log(results, ""), ws.path()).unwrap();
    let messages: Vec<_> = file.results.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(messages, ["value token flows to log", "**md**", "rule one"]);
}

#[test]
fn uri_base_ids_chain_through_original_uri_base_ids() {
    let ws = workspace();
    let root_url = root_url(ws.path()).unwrap();
    let extra = format!(
        r#","originalUriBaseIds":{{"SRC":{{"uri":"{root_url}"}},"APP":{{"uri":"app","uriBaseId":"SRC"}}}}"#
    );
    let results = [
        result_at("server.py", Some("APP")),
        result_at("app/server.py", Some("SRC")),
        result_at("app/server.py", Some("%SRCROOT%")),
        result_at(&format!("{root_url}app/server.py"), None),
        result_at("app/./x/../server.py", None),
        result_at("app/my%20file.py", None),
    ]
    .join(",");
    let file = parse_str(&log(&results, &extra), ws.path()).unwrap();
    let files: Vec<_> = file.results.iter().map(|r| r.file.as_deref()).collect();
    // One result: the first five are the same file, line and rule.
    assert_eq!(files, [Some("app/server.py"), Some("app/my file.py")]);
    assert_eq!(file.duplicates, 4);
    // The snippet came from the workspace file.
    assert_eq!(
        file.results[0].snippet.as_deref(),
        Some("return subprocess.call(cmd, shell=True)")
    );
}

#[test]
fn locations_outside_the_workspace_are_kept_without_a_file_and_never_read() {
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.txt"),
        "l1\nl2\nl3\nl4\nl5\nl6\nTOPSECRET\n",
    )
    .unwrap();
    let outside_url = root_url(outside.path()).unwrap();
    let extra = format!(
        r#","originalUriBaseIds":{{"OUT":{{"uri":"{outside_url}"}},"LOOP":{{"uri":"a/","uriBaseId":"LOOP"}}}}"#
    );
    let results = [
        result_at("../../etc/passwd", None),
        result_at("/etc/passwd", None),
        result_at("file:///etc/passwd", None),
        result_at(&format!("{outside_url}secret.txt"), None),
        result_at("secret.txt", Some("OUT")),
        result_at("app/../../secret.txt", None),
        result_at("https://example.invalid/x.py", None),
        result_at("x.py", Some("LOOP")),
    ]
    .join(",");
    let file = parse_str(&log(&results, &extra), ws.path()).unwrap();
    assert_eq!(file.outside_workspace, 8);
    for r in &file.results {
        assert_eq!(r.file, None);
        assert_ne!(r.snippet.as_deref(), Some("TOPSECRET"));
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_workspace_is_not_read_for_a_snippet() {
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("s.txt"),
        "l1\nl2\nl3\nl4\nl5\nl6\nTOPSECRET\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("s.txt"), ws.path().join("link.txt")).unwrap();
    let file = parse_str(&log(&result_at("link.txt", None), ""), ws.path()).unwrap();
    assert_eq!(file.results[0].file.as_deref(), Some("link.txt"));
    assert_eq!(file.results[0].snippet, None);
}

#[test]
fn invalid_logs_are_typed_errors() {
    let ws = workspace();
    let code = |text: &str| shipdeck_types::Coded::code(&parse_str(text, ws.path()).unwrap_err());
    assert_eq!(code("not json"), "security.sarif_invalid");
    assert_eq!(code(r#"{"version":"2.1.0"}"#), "security.sarif_invalid");
    assert_eq!(
        code(r#"{"version":"2.1.0","runs":[{"tool":{}}]}"#),
        "security.sarif_invalid"
    );
    assert_eq!(code(r#"{"version":"1.0.0","runs":[]}"#), "security.sarif_version");
    assert_eq!(code(r#"{"runs":[]}"#), "security.sarif_version");
    let empty = parse_str(
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}}}]}"#,
        ws.path(),
    )
    .unwrap();
    assert!(empty.results.is_empty());
    assert_eq!(empty.tools, ["x"]);
}

#[test]
fn huge_inputs_are_refused() {
    let ws = workspace();
    let one = r#"{"ruleId":"R1","message":{"text":"m"}}"#;
    let many = vec![one; MAX_RESULTS + 1].join(",");
    let err = parse_str(&log(&many, ""), ws.path()).unwrap_err();
    assert_eq!(
        shipdeck_types::Coded::code(&err),
        "security.sarif_too_many_results"
    );

    let big = ws.path().join("big.sarif");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(MAX_SARIF_BYTES + 1).unwrap();
    let err = read_file(&big, ws.path()).unwrap_err();
    assert_eq!(shipdeck_types::Coded::code(&err), "security.sarif_too_large");

    let err = read_file(&ws.path().join("missing.sarif"), ws.path()).unwrap_err();
    assert_eq!(shipdeck_types::Coded::code(&err), "security.sarif_read");

    // A long message and a long snippet are cut.
    let long = "x".repeat(10_000);
    let text = log(
        &format!(
            r#"{{"ruleId":"R1","message":{{"text":"{long}"}},"locations":[{{"physicalLocation":{{"region":{{"startLine":1,"snippet":{{"text":"{long}"}}}}}}}}]}}"#
        ),
        "",
    );
    let file = parse_str(&text, ws.path()).unwrap();
    assert!(file.results[0].message.chars().count() <= 2_001);
    assert!(file.results[0].snippet.as_ref().unwrap().chars().count() <= 401);
}

const ESLINT: &str = include_str!("../../tests/fixtures/sarif/eslint.sarif");
const ESLINT_APP: &str = include_str!("../../tests/fixtures/sarif/app.js");

#[test]
fn reads_what_eslints_sarif_formatter_wrote_with_absolute_file_uris() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("app.js"), ESLINT_APP).unwrap();
    let root = ws.path().to_str().unwrap();
    let file = parse_str(&ESLINT.replace("%WORKSPACE%", root), ws.path()).unwrap();
    assert_eq!(file.tools, ["ESLint"]);
    let eval = file.results.iter().find(|r| r.rule_id == "no-eval").unwrap();
    assert_eq!(eval.level, SarifLevel::Error);
    assert_eq!(eval.file.as_deref(), Some("app.js"));
    assert_eq!(eval.line, Some(4));
    // The formatter writes no snippet: the line comes from the workspace.
    assert_eq!(eval.snippet.as_deref(), Some("return eval(userInput);"));
    assert_eq!(file.outside_workspace, 0);

    // The same log read against another folder: every location is outside it.
    let other = tempfile::tempdir().unwrap();
    let file = parse_str(&ESLINT.replace("%WORKSPACE%", root), other.path()).unwrap();
    assert_eq!(file.outside_workspace, 3);
    assert!(file
        .results
        .iter()
        .all(|r| r.file.is_none() && r.snippet.is_none()));
}
