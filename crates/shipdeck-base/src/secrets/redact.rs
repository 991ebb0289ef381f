//! The redactor: every message, log line and report passes through
//! [`redact`] before it leaves the core, so passwords in URLs, API tokens,
//! DSN keys and the user's home folder never reach a log, the UI, a report or
//! the store.
//!
//! It works in two ways: patterns for secrets whose shape is known (URL
//! userinfo, vendor token prefixes, `key=value` pairs, bearer headers, PEM
//! blocks, JWTs), and a registry of literal values that Shipdeck itself read
//! from the keyring or from environment variables during this run
//! ([`register_secret`]), which catches secrets of any shape.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::{Captures, Regex};

/// Replacement text for a redacted value.
pub const MASK: &str = "***";

struct Rule {
    re: Regex,
    replace: fn(&Captures) -> String,
}

fn rule(pattern: &str, replace: fn(&Captures) -> String) -> Rule {
    Rule {
        re: Regex::new(pattern).expect("redaction pattern compiles"),
        replace,
    }
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        // PEM private keys, whole block.
        rule(
            r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)",
            |c| format!("-----BEGIN {}PRIVATE KEY-----{MASK}", &c[1]),
        ),
        // scheme://user:password@host → keep the user, hide the password.
        rule(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/\s:@]*):([^@\s]+)@", |c| {
            format!("{}{}:{MASK}@", &c[1], &c[2])
        }),
        // https://<key>@host (Sentry DSNs, token-in-URL clones): a long
        // userinfo without a password is a credential.
        rule(r"(?i)\b(https?://)([A-Za-z0-9_\-]{16,})@", |c| {
            format!("{}{MASK}@", &c[1])
        }),
        // Slack webhooks carry their secret in the path.
        rule(
            r"(?i)(https://hooks\.slack\.com/services/)[A-Za-z0-9/_\-]+",
            |c| format!("{}{MASK}", &c[1]),
        ),
        // Vendor tokens with recognisable prefixes.
        rule(
            r"\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255}|gl(?:pat|dt|rt|cbt|ptt|ft|soat|agent|oas|imt)-[A-Za-z0-9_\-]{20,}|xox[abposr]-[A-Za-z0-9\-]{10,}|xapp-\d-[A-Za-z0-9\-]{10,}|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}|sk_(?:live|test)_[A-Za-z0-9]{16,}|npm_[A-Za-z0-9]{36})\b",
            |_| MASK.to_string(),
        ),
        // JSON Web Tokens.
        rule(
            r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
            |_| MASK.to_string(),
        ),
        // Authorization headers, whatever the scheme.
        rule(
            r#"(?i)(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token|digest|sentry)\s+)?[^\s"',;]+"#,
            |c| format!("{}{}{MASK}", &c[1], c.get(2).map_or("", |m| m.as_str())),
        ),
        rule(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{6,}", |c| {
            format!("{}{MASK}", &c[1])
        }),
        // name = value / "name": "value" for names the classifier calls
        // secret. The pattern only finds candidates (names holding a word
        // the classifier looks at); the classifier decides, so `DBPASSWORD=`
        // is masked and `COOKIE_DOMAIN=` is not, exactly as `env reveal`
        // refuses the one and shows the other.
        rule(
            r#"(?i)\b([\w.\-]*?(?:pass|pwd|secret|token|key|credential|creds|dsn|salt|sign|cookie|pepper|hmac|session|private|priv)[\w.\-]*)(["']?\s*[:=]\s*["']?)([^\s"'&,;<>]+)"#,
            |c| {
                if super::classify::secret_name(&c[1]) {
                    format!("{}{}{MASK}", &c[1], &c[2])
                } else {
                    // Not a secret name, but its value may hold one
                    // (`token_url=https://x/?password=…`).
                    format!("{}{}{}", &c[1], &c[2], redact(&c[3]))
                }
            },
        ),
        // Short, ambiguous names only in query-string form (`?key=…`).
        rule(
            r"(?i)([?&;\s]|^)(key|sig|signature|auth|pass|code)=([^\s&#;]+)",
            |c| format!("{}{}={MASK}", &c[1], &c[2]),
        ),
    ]
});

/// Literal secret values seen during this run (from the keyring, from
/// environment variables named by config). Shorter values are not kept:
/// masking every "abc" in every log line would destroy more than it hides.
static KNOWN: LazyLock<RwLock<Vec<String>>> = LazyLock::new(|| RwLock::new(Vec::new()));
const MIN_KNOWN_LEN: usize = 6;

/// Remember a secret value so that [`redact`] masks it wherever it appears,
/// whatever its shape.
pub fn register_secret(value: &str) {
    let value = value.trim();
    if value.len() < MIN_KNOWN_LEN {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    let encoded = percent_encode(value);
    for v in [value.to_string(), encoded] {
        if !known.contains(&v) {
            known.push(v);
        }
    }
    // Longest first, so a secret that contains another is masked whole.
    known.sort_by_key(|v| std::cmp::Reverse(v.len()));
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether a field or variable *name* says its value is a secret
/// (`DB_PASSWORD`, `api_key`, `sentryDsn`, `Authorization`, …): the same
/// classifier `env reveal` obeys.
pub fn is_secret_name(name: &str) -> bool {
    super::classify::secret_name(name)
}

static HOME: LazyLock<Option<String>> = LazyLock::new(|| {
    let home = std::env::var("HOME").ok()?;
    let home = home.trim_end_matches('/');
    (home.len() > 1).then(|| home.to_string())
});

/// Removes secrets and the user's home folder from `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let known = KNOWN.read().unwrap_or_else(|e| e.into_inner());
        for value in known.iter() {
            if out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), MASK));
            }
        }
    }
    for rule in RULES.iter() {
        if let Cow::Owned(s) = rule.re.replace_all(&out, |c: &Captures| (rule.replace)(c)) {
            out = Cow::Owned(s);
        }
    }
    if let Some(home) = HOME.as_deref() {
        if out.contains(home) {
            out = Cow::Owned(replace_home(&out, home));
        }
    }
    out
}

/// `/home/ana/x` → `~/x`, but `/home/anabel` stays: only whole path segments.
fn replace_home(text: &str, home: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(home) {
        let after = &rest[i + home.len()..];
        // "mysql://root:@h" is not the folder /root: it must start a path.
        let starts_path = !rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
        let mut next = after.chars();
        let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        let boundary = match next.next() {
            None => true,
            // "/home/ana.bak" is another folder; "in /home/ana." ends a sentence.
            Some('.') => !next.next().is_some_and(is_name),
            Some(c) => !is_name(c),
        };
        out.push_str(&rest[..i]);
        out.push_str(if boundary && starts_path { "~" } else { home });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        redact(s).into_owned()
    }

    #[test]
    fn url_password_is_masked_user_kept() {
        assert_eq!(
            r("postgres://app:s3cr3t@db.internal:5432/main"),
            "postgres://app:***@db.internal:5432/main"
        );
        assert_eq!(r("mysql://root:@localhost/x"), "mysql://root:@localhost/x");
    }

    #[test]
    fn sentry_dsn_key_is_masked() {
        let dsn = "https://0123456789abcdef0123456789abcdef@o42.ingest.sentry.io/7";
        assert_eq!(r(dsn), "https://***@o42.ingest.sentry.io/7");
    }

    #[test]
    fn vendor_tokens_are_masked() {
        for t in [
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv",
            "glpat-abcdefghij0123456789",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-1234567890-abcdefghij",
        ] {
            let out = r(&format!("using {t} now"));
            assert_eq!(out, "using *** now", "{t}");
        }
    }

    #[test]
    fn key_value_pairs_are_masked() {
        assert_eq!(r("api_key=abc123def"), "api_key=***");
        assert_eq!(r(r#"{"password": "pw-value"}"#), r#"{"password": "***"}"#);
        assert_eq!(r("GET /x?key=abcdef&page=2"), "GET /x?key=***&page=2");
        assert_eq!(
            r("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "aws_secret_access_key = ***"
        );
        assert_eq!(
            r("Authorization: Bearer abc.def.ghi"),
            "Authorization: Bearer ***"
        );
    }

    #[test]
    fn ordinary_prose_survives() {
        let s = "primary key (id) on table users; 12 commits since v1.4.0";
        assert_eq!(r(s), s);
        assert!(matches!(redact(s), Cow::Borrowed(_)));
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "SENTRY_DSN",
            "aws.secret_key",
            "key",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["PORT", "keyboard_layout", "monkey", "DATABASE_HOST"] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn run_together_and_numbered_secret_names_are_masked_in_text() {
        for n in ["DBPASSWORD", "SECRETKEY", "DB_PASSWORD2", "MYSQLROOTPASSWORD"] {
            assert_eq!(r(&format!("{n}=v4lue-x")), format!("{n}=***"), "{n}");
        }
        assert_eq!(
            r("NEXTAUTH_COOKIE_DOMAIN=example.org"),
            "NEXTAUTH_COOKIE_DOMAIN=example.org"
        );
        assert_eq!(
            r("token_url=https://x.example/?password=hunter22"),
            "token_url=https://x.example/?password=***"
        );
    }

    #[test]
    fn private_key_block_is_masked() {
        let pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(r(pem), "-----BEGIN OPENSSH PRIVATE KEY-----***");
    }

    #[test]
    fn registered_values_are_masked_in_any_shape() {
        register_secret("Zq9!odd shaped secret");
        assert_eq!(r("value was Zq9!odd shaped secret."), "value was ***.");
        assert_eq!(r("q=Zq9%21odd%20shaped%20secret"), "q=***");
    }

    #[test]
    fn home_is_replaced_only_on_segment_boundaries() {
        assert_eq!(
            replace_home("/home/ana/x and /home/anabel", "/home/ana"),
            "~/x and /home/anabel"
        );
        assert_eq!(replace_home("at /home/ana.", "/home/ana"), "at ~.");
        assert_eq!(replace_home("/home/ana.bak", "/home/ana"), "/home/ana.bak");
        assert_eq!(replace_home("cd /home/ana", "/home/ana"), "cd ~");
        assert_eq!(replace_home("mysql://root:@h", "/root"), "mysql://root:@h");
        assert_eq!(replace_home("/srv/root/x", "/root"), "/srv/root/x");
    }
}
