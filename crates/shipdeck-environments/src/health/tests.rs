use super::*;

fn answer(status: u16, content_type: &str, body: &str) -> HealthResult {
    let mut r = HealthResult {
        env: "staging".into(),
        url: None,
        status: HealthStatus::NotConfigured,
        http_status: Some(status),
        latency_ms: None,
        version: None,
        commit: None,
        checks: vec![],
        message: None,
        checked_at: String::new(),
    };
    let a = Answer {
        status,
        content_type: content_type.into(),
        body: body.as_bytes().to_vec(),
        truncated: false,
        latency_ms: 1.0,
        location: None,
    };
    interpret(&mut r, &a);
    r
}

#[test]
fn timeouts_parse() {
    assert_eq!(parse_timeout(None), Ok(Duration::from_secs(5)));
    assert_eq!(parse_timeout(Some("1500ms")), Ok(Duration::from_millis(1500)));
    assert_eq!(parse_timeout(Some(" 2m ")), Ok(Duration::from_secs(120)));
    assert_eq!(parse_timeout(Some("0.5s")), Ok(Duration::from_millis(500)));
    for bad in ["", "5", "0s", "fast", "5h", "-1s"] {
        assert!(parse_timeout(Some(bad)).is_err(), "{bad}");
    }
}

#[test]
fn ietf_version_is_the_api_version_not_the_release() {
    let r = answer(
        200,
        "application/health+json",
        r#"{"status":"pass","version":"1"}"#,
    );
    assert_eq!((r.status, r.version), (HealthStatus::Pass, None));
    let r = answer(
        200,
        "application/json",
        r#"{"status":"UP","build":{"version":"2.0.1","commit":"abc123"}}"#,
    );
    assert_eq!(r.version.as_deref(), Some("2.0.1"));
    assert_eq!(r.commit.as_deref(), Some("abc123"));
}

#[test]
fn spring_components_and_unknown_words() {
    let r = answer(
        200,
        "application/json",
        r#"{"status":"DOWN","components":{"db":{"status":"DOWN"},"disk":{"status":"UP"}}}"#,
    );
    assert_eq!(r.status, HealthStatus::Fail);
    assert_eq!(r.message.as_deref(), Some("failing checks: db"));
    let r = answer(200, "application/json", r#"{"status":"sideways"}"#);
    assert_eq!(r.status, HealthStatus::Warn);
    let r = answer(200, "text/plain", "{not json, just braces");
    assert_eq!(r.status, HealthStatus::Pass);
    let r = answer(404, "text/html", "<h1>nope</h1>");
    assert_eq!(r.status, HealthStatus::BadResponse);
}

#[test]
fn versions_compare_as_semver() {
    assert_eq!(semver_of("v1.4.2"), Some(semver::Version::new(1, 4, 2)));
    assert_eq!(semver_of("app@1.4"), Some(semver::Version::new(1, 4, 0)));
    assert_eq!(semver_of("core-v2.0.0"), Some(semver::Version::new(2, 0, 0)));
    assert_eq!(semver_of("abc123"), None);
}
