//! Which names and values are secrets: the one classifier behind the
//! redactor (log fields, `name=value` text), `env reveal`, the parity
//! matrix and the environment checks, so what one hides the others never
//! show.
//!
//! Three signals, any one is enough, and a schema `secret = true|false`
//! overrides them all:
//! * the name: a long word such as PASSWORD, SECRET, TOKEN, CREDENTIAL
//!   anywhere, even run together (`DBPASSWORD`, `SECRETKEY`,
//!   `DB_PASSWORD2`); a short one (PASS, PWD, AUTH, DSN, SALT, COOKIE…) as
//!   a word of its own; or a last word `KEY` — unless the last word says the
//!   value is about a secret rather than the secret itself (`TOKEN_TTL`,
//!   `AUTH_URL`, `PUBLIC_KEY`, `PASSWORD_MIN_LENGTH`, `COOKIE_DOMAIN`);
//! * the value: a URL with a password in its userinfo or a secret-named
//!   query parameter (`?password=`), or a token with a well-known prefix
//!   (GitHub, Slack, Stripe, AWS, JWT);
//! * the value's randomness: Shannon entropy ≥ 3.5 bits per character over
//!   ≥ 20 characters with letters and digits, leaving out URLs, paths,
//!   host names, e-mail addresses and anything with whitespace.
//!
//! Variables a front-end build ships to every browser (`NEXT_PUBLIC_*`,
//! `EXPO_PUBLIC_*`, …) are public by definition, whatever they hold —
//! unless their value carries a password in a URL.

/// Words that make a name secret wherever they appear, even inside a
/// longer word: nobody writes them by accident.
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "CREDENTIAL",
    "AUTHORIZATION",
    "SESSIONID",
];

/// Short words that make a name secret only as a word of their own
/// (`SMTP_PASS`, but not `BYPASS` or `PASSPORT`; `AUTH` but not `AUTHOR`).
const SECRET_WORDS: &[&str] = &[
    "PASS",
    "PWD",
    "PRIVATE",
    "CREDS",
    "AUTH",
    "DSN",
    "SALT",
    "SIGNING",
    "SIGNATURE",
    "COOKIE",
    "PEPPER",
    "HMAC",
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
    "DOMAIN",
    "SAMESITE",
    "SECURE",
    "HTTPONLY",
];

/// Prefixes of variables that front-end builds inline into the code every
/// browser downloads.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_PUBLIC_",
    "PUBLIC_",
];

/// Words before a final `KEY` that make it public.
const PUBLIC_WORDS: &[&str] = &["PUBLIC", "PUBLISHABLE", "PUB", "SITE"];

/// Whether `key = value` should be treated as a secret.
pub fn looks_secret(key: &str, value: &str, schema_override: Option<bool>) -> bool {
    if let Some(forced) = schema_override {
        return forced;
    }
    if public_by_definition(key) {
        return url_credentials(value.trim());
    }
    secret_name(key) || secret_value(value)
}

/// A front-end build variable, shipped to every browser.
pub fn public_by_definition(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    PUBLIC_PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// The name alone says "secret".
pub fn secret_name(key: &str) -> bool {
    if public_by_definition(key) {
        return false;
    }
    let words = words(key);
    let Some(last) = words.last() else {
        return false;
    };
    // The shell's working directory, not a password.
    if matches!(key, "PWD" | "OLDPWD") {
        return false;
    }
    let joined: String = words.concat();
    // A session id is a bearer credential, although `ID` usually is not.
    if joined.ends_with("SESSIONID") {
        return true;
    }
    if DESCRIPTIVE_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    // `DB_PASSWORD2`, `PASS_1`: a trailing number counts the secret.
    let bare = |w: &str| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
    if SECRET_PARTS.iter().any(|p| joined.contains(p)) {
        return true;
    }
    if words.iter().any(|w| SECRET_WORDS.contains(&bare(w).as_str())) {
        return true;
    }
    let last = bare(last);
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

/// `scheme://user:password@host`, `https://<long key>@host` (DSNs), or a
/// secret-named query parameter (`?password=…`, `&sslpassword=…`).
fn url_credentials(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((_, query)) = rest.split_once('?') {
        let query = query.split('#').next().unwrap_or("");
        let secret_param = query
            .split(['&', ';'])
            .filter_map(|pair| pair.split_once('='))
            .any(|(name, value)| !value.is_empty() && secret_name(name));
        if secret_param {
            return true;
        }
    }
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
    // `<office365_emailAddress>`, `{{ smtp_user }}`: a placeholder to fill in.
    let placeholder = (v.starts_with('<') && v.ends_with('>')) || (v.starts_with("{{") && v.ends_with("}}"));
    if placeholder {
        return false;
    }
    // `postmaster@sandbox42.mailgun.org`: an address, however random.
    let email = v.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.contains('@') && !v.contains('/')
    });
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let has_letter = v.bytes().any(|b| b.is_ascii_alphabetic());
    !path && !hostname && !email && has_digit && has_letter && entropy(v) >= MIN_BITS_PER_CHAR
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
            "DBPASSWORD",
            "SECRETKEY",
            "DB_PASSWORD2",
            "MYSQLROOTPASSWORD",
            "SMTP_PASS2",
            "session_id",
            "Authorization",
            "sentryDsn",
            "SUPABASE_JWT_SECRET",
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
            "FUNCTIONS_VERIFY_JWT",
            "NEXTAUTH_COOKIE_DOMAIN",
            "NEXTAUTH_URL",
            "EMAIL_SERVER_USER",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "NEXT_PUBLIC_STRIPE_KEY",
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
            "postgres://orbit@db:5432/orbit?password=hunter2",
            "mysql://db/app?ssl=true&sslpassword=hunter2",
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
            "postmaster@sandbox42f7c9.mailgun.org",
            "<office365_emailAddress>",
            "postgres://orbit@db:5432/orbit?sslmode=require&application_name=x",
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
    fn browser_build_variables_are_public_by_definition() {
        let anon = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZw";
        assert!(!looks_secret("NEXT_PUBLIC_SUPABASE_ANON_KEY", anon, None));
        assert!(looks_secret("SUPABASE_ANON_KEY", anon, None));
        assert!(looks_secret(
            "NEXT_PUBLIC_API",
            "https://u:hunter2@api.example/x",
            None
        ));
        assert!(looks_secret("NEXT_PUBLIC_X", "plain", Some(true)));
    }

    #[test]
    fn entropy_is_bits_per_char() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
