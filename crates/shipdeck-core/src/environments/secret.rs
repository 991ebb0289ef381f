//! Which keys hold secrets. A secret's value is never revealed, and no
//! finding quotes any value at all (these heuristics can miss), but the
//! `secret` flag decides what `reveal` refuses and what the UI masks.
//!
//! Three signals, any one is enough, and a schema `secret = true|false`
//! overrides them all:
//! * the name: a word such as SECRET, TOKEN, PASSWORD, DSN, SALT, or a name
//!   ending in `_KEY` — unless its last word says the value is about a
//!   secret rather than the secret itself (`TOKEN_TTL`, `AUTH_URL`,
//!   `PUBLIC_KEY`, `PASSWORD_MIN_LENGTH`);
//! * the value: a URL with a password (or a long key) in its userinfo, or a
//!   token with a well-known prefix (GitHub, Slack, Stripe, AWS, JWT);
//! * the value's randomness: Shannon entropy ≥ 3.5 bits per character over
//!   ≥ 20 characters with letters and digits, leaving out URLs, paths,
//!   host names and anything with whitespace.

/// Words that make a name secret wherever they appear.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "APIKEY",
    "PRIVATE",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
    "DSN",
    "SALT",
    "SIGNING",
    "COOKIE",
    "PEPPER",
    "PRIVKEY",
    "HMAC",
    "JWT",
];

/// A name whose last word is one of these describes a secret (its lifetime,
/// where to fetch it, its size) without being one.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "URL",
    "URI",
    "HOST",
    "PORT",
    "ENDPOINT",
    "PATH",
    "FILE",
    "DIR",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "LENGTH",
    "LEN",
    "SIZE",
    "MIN",
    "MAX",
    "ENABLED",
    "DISABLED",
    "ALGORITHM",
    "ALG",
    "HEADER",
    "NAME",
    "USER",
    "USERNAME",
    "ID",
    "TYPE",
    "MODE",
    "PROVIDER",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "COUNT",
    "INTERVAL",
    "REGION",
    "VERSION",
    "FORMAT",
    "PREFIX",
    "FIELD",
    "STRATEGY",
    "POLICY",
    "ROTATION",
    "DAYS",
    "HOURS",
    "SECONDS",
    "MS",
];

/// Words before a final `KEY` that make it public.
const PUBLIC_WORDS: &[&str] = &["PUBLIC", "PUBLISHABLE", "PUB", "SITE"];

/// Whether `key = value` should be treated as a secret.
pub fn looks_secret(key: &str, value: &str, schema_override: Option<bool>) -> bool {
    if let Some(forced) = schema_override {
        return forced;
    }
    secret_name(key) || secret_value(value)
}

/// The name alone says "secret".
pub fn secret_name(key: &str) -> bool {
    let words = words(key);
    let Some(last) = words.last() else {
        return false;
    };
    // The shell's working directory, not a password.
    if matches!(key, "PWD" | "OLDPWD") {
        return false;
    }
    if DESCRIPTIVE_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    if words.iter().any(|w| SECRET_WORDS.contains(&w.as_str())) {
        return true;
    }
    if last == "KEY" || last == "KEYS" {
        let before = words.len().checked_sub(2).map(|i| words[i].as_str());
        return !before.is_some_and(|w| PUBLIC_WORDS.contains(&w));
    }
    false
}

/// `API_KEY`, `apiKey`, `api-key.secret` → `["API", "KEY", …]`.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The value alone says "secret".
pub fn secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    url_credentials(v) || known_token(v) || random_looking(v)
}

/// `scheme://user:password@host`, or `https://<long key>@host` (DSNs).
fn url_credentials(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((_, password)) => !password.is_empty(),
        None => userinfo.len() >= 16,
    }
}

fn known_token(v: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxs-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "AKIA",
        "ASIA",
        "npm_",
        "-----BEGIN",
    ];
    let jwt = v.starts_with("eyJ") && v.split('.').count() == 3;
    jwt || (v.len() >= 16 && PREFIXES.iter().any(|p| v.starts_with(p)))
}

const MIN_RANDOM_LEN: usize = 20;
const MIN_BITS_PER_CHAR: f64 = 3.5;

fn random_looking(v: &str) -> bool {
    if v.chars().count() < MIN_RANDOM_LEN || v.chars().any(char::is_whitespace) || v.contains("://") {
        return false;
    }
    let path = v.starts_with(['/', '~', '.']) || v.as_bytes().get(1..3) == Some(b":\\");
    let hostname = v.contains('.')
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && v.rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_lowercase()));
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let has_letter = v.bytes().any(|b| b.is_ascii_alphabetic());
    !path && !hostname && has_digit && has_letter && entropy(v) >= MIN_BITS_PER_CHAR
}

/// Shannon entropy in bits per character.
pub fn entropy(v: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in v.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for k in [
            "SESSION_SECRET",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "SMTP_PASS",
            "MYSQL_PWD",
            "STRIPE_API_KEY",
            "apiKey",
            "OPENAI_APIKEY",
            "PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "SENTRY_DSN",
            "PASSWORD_SALT",
            "SIGNING_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY",
            "ENCRYPTION_KEY",
            "KEY",
            "app.secret",
        ] {
            assert!(secret_name(k), "{k} should be secret");
        }
    }

    #[test]
    fn plain_names() {
        for k in [
            "KEYBOARD_LAYOUT",
            "PUBLIC_KEY_URL",
            "PUBLIC_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "RECAPTCHA_SITE_KEY",
            "TOKEN_TTL",
            "AUTH_URL",
            "JWT_ALGORITHM",
            "PASSWORD_MIN_LENGTH",
            "AUTHOR_NAME",
            "AWS_ACCESS_KEY_ID",
            "SESSION_SECRET_FILE",
            "PWD",
            "PORT",
            "MONKEY_COUNT",
            "API_TIMEOUT_MS",
            "CACHE_KEY_PREFIX",
            "PASSPORT_STRATEGY",
            "BYPASS_CACHE",
        ] {
            assert!(!secret_name(k), "{k} should not be secret");
        }
    }

    #[test]
    fn secret_values() {
        for v in [
            "postgres://app:hunter2@db:5432/app",
            "https://4f1c2d3e4b5a69788796a5b4c3d2e1f0@sentry.orbit.example/2",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "AKIAIOSFODNN7EXAMPLE",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw",
            "q8Vz3LkP0aXw9RtY2mNb7CdE",
            "3f9a1c7e5b2d4086a1c3e5f7092b4d6f",
        ] {
            assert!(secret_value(v), "{v} should be secret");
        }
    }

    #[test]
    fn plain_values() {
        for v in [
            "postgres://orbit@prod-db.internal:5432/orbit",
            "https://cdn.orbit.example/assets/v2/app-bundle.js",
            "/var/lib/orbit/data/uploads/2024",
            "api.eu-west-1.amazonaws.example.com",
            "the quick brown fox jumps over",
            "production",
            "5000",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
            "orbit-production-eu-west",
        ] {
            assert!(!secret_value(v), "{v} should not be secret");
        }
    }

    #[test]
    fn schema_overrides_both_ways() {
        assert!(!looks_secret("SESSION_SECRET", "x", Some(false)));
        assert!(looks_secret("FEATURE_FLAG", "on", Some(true)));
        assert!(looks_secret("SESSION_SECRET", "x", None));
        assert!(!looks_secret("FEATURE_FLAG", "on", None));
        assert!(looks_secret("DATABASE_URL", "postgres://u:pw@h/db", None));
    }

    #[test]
    fn entropy_is_bits_per_char() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
