//! Every rule of the default set: one true positive and near misses that
//! must not match. Samples are assembled at run time from fragments so
//! this repository never holds a string a scanner would flag.
#![allow(clippy::too_many_lines)] // a scenario reads best as one test

mod secrets_common;

use std::collections::BTreeSet;

use secrets_common::{progress, write};
use shipdeck_security::secrets::{scan, SecretsOptions};

/// `seed` repeated to `n` characters.
fn r(seed: &str, n: usize) -> String {
    seed.chars().cycle().take(n).collect()
}

fn c(parts: &[&str]) -> String {
    parts.concat()
}

const MIX: &str = "q8Zr2Lm5Xw9Tn3Vb7Kp1Hj4Gf6Dd0Ss";
const HEX: &str = "3fa9c07be1d4528a6f";
const LOWER: &str = "k3p9x2m7q5t8w1z4r6";
const ALPHA: &str = "QwErTyUiOpAsDfGhJkLzXcVbNm";

struct Case {
    rule: &'static str,
    hit: String,
    misses: Vec<String>,
}

fn case(rule: &'static str, hit: String, misses: Vec<String>) -> Case {
    Case { rule, hit, misses }
}

fn pem(kind: &str, body_len: usize) -> String {
    let k = c(&["PRIV", "ATE KEY"]);
    format!(
        "-----BEGIN {kind}{k}-----\n{}\n-----END {kind}{k}-----\n",
        r("MIIEowIBAAKCAQEA7qXz", body_len)
    )
}

fn cloud() -> Vec<Case> {
    let sa = |n| {
        let k = c(&["PRIV", "ATE KEY"]);
        format!(
            "{{\"private_key\": \"-----BEGIN {k}-----\\n{}\\n-----END {k}-----\\n\"}}",
            r("MIIEvQIBADANBgkqhkiG9w0B", n)
        )
    };
    vec![
        case(
            "aws-access-key-id",
            c(&["id: AK", "IA", "QWERTYUI234567AB"]),
            vec![
                c(&["id: AK", "IA", "qwertyui234567ab"]),
                c(&["id: AK", "IA", "IOSFODNN7", "EXAMPLE"]),
            ],
        ),
        case(
            "aws-secret-access-key",
            format!(
                "aws_secret_access_key = \"{}\"",
                r("Ab3Xy9Kq/Lm2+Np7Rt5Vw8Zc1De4Fg6Hj0", 40)
            ),
            vec![
                format!("aws_region = \"{}\"", r("Ab3Xy9Kq/Lm2+Np7Rt5Vw8Zc1De4Fg6Hj0", 40)),
                format!("aws_secret_access_key = \"{}\"", r("Ab3Xy9Kq", 30)),
                // AWS's documented example secret.
                c(&[
                    "aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                    "EXAMPLE",
                    "KEY\"",
                ]),
            ],
        ),
        case(
            "gcp-api-key",
            c(&["key=AI", "za", &r("SyD3fG7hJ9kL2mN4pQ6rS8tU0vW1xY5zA_-", 35)]),
            vec![c(&["key=AI", "za", &r("SyD3fG7h", 20)])],
        ),
        case("gcp-service-account-key", sa(120), vec![sa(20)]),
        case(
            "azure-storage-account-key",
            c(&[
                "DefaultEndpointsProtocol=https;Account",
                "Key=",
                &r(MIX, 86),
                "==",
            ]),
            vec![c(&["Account", "Key=", &r(MIX, 40), "=="])],
        ),
        case(
            "azure-ad-client-secret",
            c(&["secret = \"abc8", "Q~", &r(MIX, 34), "\""]),
            vec![c(&["secret = \"abc8", "Q~", &r(MIX, 10), "\""])],
        ),
        case(
            "digitalocean-token",
            c(&["do", "p_v1_", &r(HEX, 64)]),
            vec![c(&["do", "p_v1_", &r(HEX, 63)])],
        ),
        case(
            "heroku-api-key",
            c(&["HEROKU_API_KEY=", "12345678-abcd-4ef0-9abc-1234567890ab"]),
            vec![
                "heroku_app = my-app-name".into(),
                c(&["uuid=", "12345678-abcd-4ef0-9abc-1234567890ab"]),
            ],
        ),
        case(
            "heroku-api-key-v2",
            c(&["HR", "KU-AA", &r(MIX, 58)]),
            vec![c(&["HR", "KU-AB", &r(MIX, 58)])],
        ),
        case(
            "alibaba-access-key-id",
            c(&["LT", "AI", &r(MIX, 20)]),
            vec![c(&["LT", "AI", &r(MIX, 10)])],
        ),
        case(
            "alibaba-secret-key",
            c(&["alibaba_secret = \"", &r(LOWER, 30), "\""]),
            vec![c(&["alibaba_secret = \"", &r("a", 30), "\""])],
        ),
    ]
}

fn vcs() -> Vec<Case> {
    vec![
        case(
            "github-pat",
            c(&["gh", "p_", &r(MIX, 36)]),
            vec![c(&["gh", "p_", &r(MIX, 20)]), c(&["gh", "p_", &r("x", 36)])],
        ),
        case(
            "github-fine-grained-pat",
            c(&["github", "_pat_", &r(MIX, 82)]),
            vec![c(&["github", "_pat_", &r(MIX, 40)])],
        ),
        case(
            "github-oauth",
            c(&["gh", "o_", &r(MIX, 36)]),
            vec![c(&["gh", "o_", &r(MIX, 35)])],
        ),
        case(
            "github-app-token",
            c(&["gh", "s_", &r(MIX, 36)]),
            vec![c(&["gh", "x_", &r(MIX, 36)])],
        ),
        case(
            "github-refresh-token",
            c(&["gh", "r_", &r(MIX, 76)]),
            vec![c(&["gh", "r_", &r(MIX, 20)])],
        ),
        case(
            "gitlab-pat",
            c(&["gl", "pat-", &r(MIX, 20)]),
            vec![c(&["gl", "pat-", &r(MIX, 10)])],
        ),
        case(
            "gitlab-pipeline-trigger-token",
            c(&["gl", "ptt-", &r(HEX, 40)]),
            vec![c(&["gl", "ptt-", &r("z", 40)])],
        ),
        case(
            "gitlab-runner-token",
            c(&["gl", "rt-", &r(MIX, 20)]),
            vec![c(&["gl", "rt-", &r(MIX, 5)])],
        ),
        case(
            "bitbucket-app-password",
            c(&["AT", "BB", &r(MIX, 32)]),
            vec![c(&["AT", "BB", &r(MIX, 10)])],
        ),
        case(
            "bitbucket-client-secret",
            c(&["BITBUCKET_CLIENT_SECRET=\"", &r(LOWER, 64), "\""]),
            vec![c(&["BITBUCKET_CLIENT_SECRET=\"", &r(LOWER, 30), "\""])],
        ),
    ]
}

fn ci_and_payment() -> Vec<Case> {
    vec![
        case(
            "circleci-token",
            c(&["CCI", "PAT_", &r(MIX, 22), "_", &r(HEX, 40)]),
            vec![c(&["CCI", "PAT_", &r(MIX, 22), "_", &r(HEX, 10)])],
        ),
        case(
            "circleci-legacy-token",
            c(&["CIRCLE_TOKEN=", &r(HEX, 40)]),
            vec![c(&["CIRCLE_SHA1=", &r(HEX, 40)])],
        ),
        case(
            "travisci-token",
            c(&["TRAVIS_TOKEN=", &r(MIX, 22)]),
            vec![c(&["TRAVIS_TOKEN=", &r("a", 22)])],
        ),
        case(
            "npm-access-token",
            c(&["np", "m_", &r(MIX, 36)]),
            vec![c(&["np", "m_", &r(MIX, 20)])],
        ),
        case(
            "pypi-upload-token",
            c(&["py", "pi-AgEIcHlwaS5vcmc", &r(MIX, 60)]),
            vec![c(&["py", "pi-AgEIcHlwaS5vcmc", &r(MIX, 20)])],
        ),
        case(
            "dockerhub-pat",
            c(&["dckr", "_pat_", &r(MIX, 27)]),
            vec![c(&["dckr", "_pat_", &r(MIX, 10)])],
        ),
        case(
            "stripe-key",
            c(&["s", "k_live_", &r(MIX, 24)]),
            vec![c(&["s", "k_live_", "short"]), c(&["s", "k_live_", &r("x", 24)])],
        ),
        case(
            "square-access-token",
            c(&["EA", "AA", &r(MIX, 60)]),
            vec![c(&["EA", "AA", &r(MIX, 10)])],
        ),
        case(
            "square-secret",
            c(&["sq0", "csp-", &r(MIX, 43)]),
            vec![c(&["sq0", "csp-", &r(MIX, 20)])],
        ),
        case(
            "paypal-braintree-token",
            c(&["access_token$", "production$", &r(LOWER, 16), "$", &r(HEX, 32)]),
            vec![c(&["access_token$", "sandbox$", &r(LOWER, 16), "$", &r(HEX, 32)])],
        ),
        case(
            "shopify-token",
            c(&["shp", "at_", &r(HEX, 32)]),
            vec![c(&["shp", "at_", &r("g", 32)])],
        ),
    ]
}

fn chat() -> Vec<Case> {
    vec![
        case(
            "slack-bot-token",
            c(&["xo", "xb-", "1234567890-1234567890123-", &r(MIX, 24)]),
            vec![c(&["xo", "xb-", "12345-abc"])],
        ),
        case(
            "slack-user-token",
            c(&["xo", "xp-", "1234567890-1234567890-1234567890-", &r(MIX, 32)]),
            vec![c(&["xo", "xp-", "123-456-789-abc"])],
        ),
        case(
            "slack-app-token",
            c(&["xa", "pp-1-A0123456789-1234567890123-", &r(HEX, 64)]),
            vec![c(&["xa", "pp-x-A0123456789-1234567890123-", &r(HEX, 64)])],
        ),
        case(
            "slack-webhook-url",
            c(&[
                "https://hooks.",
                "slack.com/services/",
                "T00000000/B00000000/",
                &r(MIX, 24),
            ]),
            vec![c(&["https://hooks.", "slack.com/services/", "T000/B000"])],
        ),
        case(
            "discord-bot-token",
            c(&[
                "DISCORD_TOKEN=",
                "M",
                &r(MIX, 23),
                ".",
                &r(MIX, 6),
                ".",
                &r(MIX, 27),
            ]),
            vec![c(&[
                "DISCORD_TOKEN=",
                "A",
                &r(MIX, 23),
                ".",
                &r(MIX, 6),
                ".",
                &r(MIX, 27),
            ])],
        ),
        case(
            "discord-webhook-url",
            c(&[
                "https://discord.com/api/",
                "webhooks/123456789012345678/",
                &r(MIX, 68),
            ]),
            vec![c(&["https://discord.com/api/", "webhooks/1234/", &r(MIX, 68)])],
        ),
        case(
            "telegram-bot-token",
            c(&["bot=123456789:", "AA", &r(MIX, 33)]),
            vec![c(&["bot=123456789:", "AB", &r(MIX, 33)])],
        ),
        case(
            "twilio-api-key",
            c(&["TWILIO_API_KEY=", "SK", &r(HEX, 32)]),
            vec![c(&["TWILIO_API_KEY=", "SK", &r(HEX, 20)])],
        ),
        case(
            "twilio-api-key",
            c(&["  sid: ", "SK", &r(HEX, 32)]),
            vec![
                c(&["  sid: ", "SK", &r("0", 32)]),
                c(&["  sid: ", "SK", &r(HEX, 33)]),
            ],
        ),
        case(
            "sendgrid-api-key",
            c(&["S", "G.", &r(MIX, 22), ".", &r(MIX, 43)]),
            vec![c(&["S", "G.", &r(MIX, 10), ".", &r(MIX, 10)])],
        ),
        case(
            "mailgun-api-key",
            c(&["ke", "y-", &r(HEX, 32)]),
            vec![c(&["ke", "y-", &r("z", 32)])],
        ),
        case(
            "mailchimp-api-key",
            c(&[&r(HEX, 32), "-us", "12"]),
            vec![c(&[&r(HEX, 32), "-eu1"])],
        ),
    ]
}

fn ai_and_keys() -> Vec<Case> {
    let marker = c(&["T3Blbk", "FJ"]);
    vec![
        case(
            "openai-api-key",
            c(&["s", "k-proj-", &r(MIX, 30), &marker, &r(MIX, 30)]),
            vec![c(&["s", "k-proj-", &r(MIX, 60)])],
        ),
        case(
            "anthropic-api-key",
            c(&["s", "k-ant-api03-", &r(MIX, 93), "AA"]),
            vec![c(&["s", "k-ant-api03-", &r(MIX, 50), "AA"])],
        ),
        case(
            "huggingface-token",
            c(&["h", "f_", &r(ALPHA, 34)]),
            vec![c(&["h", "f_", &r(ALPHA, 20)])],
        ),
        case(
            "cohere-api-key",
            c(&["COHERE_API_KEY=", &r(MIX, 40)]),
            vec![c(&["COHERE_API_KEY=", &r("a", 40)])],
        ),
        case(
            "groq-api-key",
            c(&["gs", "k_", &r(MIX, 52)]),
            vec![c(&["gs", "k_", &r(MIX, 30)])],
        ),
        case(
            "perplexity-api-key",
            c(&["pp", "lx-", &r(MIX, 48)]),
            vec![c(&["pp", "lx-", &r(MIX, 20)])],
        ),
        case(
            "private-key",
            pem("OPENSSH ", 120),
            vec![pem("OPENSSH ", 10), pem("", 40)],
        ),
        case(
            "private-key",
            pem("PGP ", 200).replace("KEY-----", "KEY BLOCK-----"),
            vec![],
        ),
        case(
            "private-key",
            {
                // One string literal per line, as keys embedded in code are.
                let k = c(&["PRIV", "ATE KEY"]);
                let body = r("MIIEowIBAAKCAQEA7qXz", 64);
                format!(
                    "key = (\"-----BEGIN RSA {k}-----\\n\"\n  \"{body}\\n\"\n  \"{body}\\n\"\n  \"-----END RSA {k}-----\\n\")"
                )
            },
            vec![{
                let k = c(&["PRIV", "ATE KEY"]);
                format!("key = (\"-----BEGIN RSA {k}-----\\n\" \"-----END RSA {k}-----\\n\")")
            }],
        ),
        case(
            "jwt",
            c(&["ey", "J", &r(MIX, 20), ".ey", "J", &r(MIX, 20), ".", &r(MIX, 20)]),
            vec![
                c(&["ey", "J", &r(MIX, 20), ".abc", &r(MIX, 20), ".", &r(MIX, 20)]),
                // jwt.io's sample token.
                c(&[
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
                    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                ]),
            ],
        ),
        case(
            "generic-api-key",
            c(&["api_key = \"", &r(MIX, 20), "\""]),
            vec![
                "password = \"${DB_PASSWORD}\"".into(),
                "token = \"your_token_here_abc\"".into(),
                "api_key = os.getenv(\"API_KEY_VALUE\")".into(),
                "secret = \"example-secret-value\"".into(),
                "password: hunter".into(),
                "detect_secrets=$tools/detect-secrets-$DETECT_VERSION/bin/detect".into(),
                c(&["api_key = \"", &r("ab", 20), "\""]),
            ],
        ),
        case(
            "generic-api-key",
            // A row of SQL: name and value separated by a comma.
            c(&[
                "INSERT INTO settings (name, value) VALUES ('api_key', '",
                &r(MIX, 24),
                "');",
            ]),
            vec![c(&[
                "INSERT INTO settings (name, value) VALUES ('api_key', '",
                &r("ab", 24),
                "');",
            ])],
        ),
    ]
}

#[test]
fn every_default_rule_has_a_true_positive_and_near_misses() {
    let cases: Vec<Case> = [cloud(), vcs(), ci_and_payment(), chat(), ai_and_keys()]
        .into_iter()
        .flatten()
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (i, k) in cases.iter().enumerate() {
        write(root, &format!("tp/{i}.txt"), &format!("first line\n{}\n", k.hit));
        for (j, m) in k.misses.iter().enumerate() {
            write(root, &format!("miss/{i}_{j}.txt"), &format!("first line\n{m}\n"));
        }
    }
    let opts = SecretsOptions {
        no_git: true,
        ..SecretsOptions::default()
    };
    let report = scan(root, &opts, &progress()).unwrap();
    let found = |file: &str, rule: &str| {
        report
            .findings
            .iter()
            .any(|f| f.file == file && f.rule_id == rule)
    };
    let mut failures = Vec::new();
    for (i, k) in cases.iter().enumerate() {
        if !found(&format!("tp/{i}.txt"), k.rule) {
            failures.push(format!("{}: true positive not found", k.rule));
        }
        for j in 0..k.misses.len() {
            if found(&format!("miss/{i}_{j}.txt"), k.rule) {
                failures.push(format!("{}: near miss {j} matched", k.rule));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");

    // Every rule of the default set is covered here, and each true
    // positive is reported by its own rule once (no generic duplicate).
    let ids: BTreeSet<&str> = include_str!("../src/secrets/default.toml")
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    let tested: BTreeSet<&str> = cases.iter().map(|k| k.rule).collect();
    assert_eq!(ids, tested);
    assert_eq!(report.rules as usize, ids.len());
    for (i, k) in cases.iter().enumerate() {
        let file = format!("tp/{i}.txt");
        let n = report.findings.iter().filter(|f| f.file == file).count();
        assert!(n >= 1, "{}", k.rule);
        assert!(
            !report
                .findings
                .iter()
                .any(|f| f.file == file && f.rule_id == "generic-api-key" && k.rule != "generic-api-key"),
            "{}: generic duplicate",
            k.rule
        );
    }
}
