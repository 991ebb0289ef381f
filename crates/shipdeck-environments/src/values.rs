//! What a value looks like, without saying what it is: its kind (number,
//! bool, URL, text), whether it turns something on, whether it points at
//! this machine, and whether it fits a schema type.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

/// The shape of a value, shown in the parity matrix instead of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Number,
    Bool,
    Url,
    String,
    Empty,
}

impl ValueKind {
    pub fn of(value: &str) -> ValueKind {
        let v = value.trim();
        if v.is_empty() {
            ValueKind::Empty
        } else if is_number(v) {
            ValueKind::Number
        } else if parse_bool(v).is_some() {
            ValueKind::Bool
        } else if url_with_host(v).is_some() {
            ValueKind::Url
        } else {
            ValueKind::String
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Number => "a number",
            ValueKind::Bool => "a boolean",
            ValueKind::Url => "a URL",
            ValueKind::String => "text",
            ValueKind::Empty => "empty",
        }
    }
}

/// A decimal number as config loaders read them: `-12`, `3.5`, `1e3`.
pub fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(p) => (&digits[..p], Some(&digits[p + 1..])),
        None => (digits, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int)
        && frac.is_none_or(all_digits)
        && exponent.is_none_or(|e| all_digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// `true/false`, `yes/no`, `on/off`, any case. `1`/`0` are numbers here;
/// see [`parse_flag`] for the loose reading.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A flag as apps read it: [`parse_bool`] plus `1`/`0`.
pub fn parse_flag(v: &str) -> Option<bool> {
    match v.trim() {
        "1" => Some(true),
        "0" => Some(false),
        other => parse_bool(other),
    }
}

/// A URL with a scheme and a host (`redis://cache:6379`, `https://x.io`);
/// `localhost:6379` or a path is not one.
pub fn url_with_host(v: &str) -> Option<Url> {
    if !v.contains("://") {
        return None;
    }
    Url::parse(v).ok().filter(|u| u.has_host())
}

/// Which local host a value points at, if any: a URL to `localhost`,
/// `127.0.0.0/8`, `::1` or `0.0.0.0`, or such a host (with a port) alone.
/// Answers with a fixed label, never with text from the value.
pub fn local_host(v: &str) -> Option<&'static str> {
    let v = v.trim();
    let host = match url_with_host(v) {
        Some(u) => u.host_str()?.trim_matches(['[', ']']).to_ascii_lowercase(),
        None => {
            let h = v
                .rsplit_once(':')
                .filter(|(_, p)| is_port(p))
                .map_or(v, |(h, _)| h);
            h.trim_matches(['[', ']']).to_ascii_lowercase()
        }
    };
    let loopback_v4 = host.strip_prefix("127.").is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('.').collect();
        parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok())
    });
    match host.as_str() {
        "localhost" => Some("localhost"),
        "::1" => Some("::1"),
        "0.0.0.0" => Some("0.0.0.0"),
        "127.0.0.1" => Some("127.0.0.1"),
        _ if loopback_v4 => Some("a loopback address"),
        h if h.ends_with(".localhost") => Some("a .localhost host"),
        _ => None,
    }
}

pub fn is_port(v: &str) -> bool {
    v.bytes().all(|b| b.is_ascii_digit()) && v.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p))
}

/// A schema `type`, with the spellings people also write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaType {
    Port,
    Url,
    Bool,
    Int,
    Number,
    Enum,
    String,
}

impl SchemaType {
    pub fn parse(kind: &str) -> Option<SchemaType> {
        Some(match kind.trim().to_ascii_lowercase().as_str() {
            "port" => SchemaType::Port,
            "url" | "uri" => SchemaType::Url,
            "bool" | "boolean" => SchemaType::Bool,
            "int" | "integer" => SchemaType::Int,
            "number" | "float" => SchemaType::Number,
            "enum" => SchemaType::Enum,
            "string" | "str" => SchemaType::String,
            _ => return None,
        })
    }

    /// Whether `value` (non-empty) fits; `values` are the enum's choices.
    pub fn accepts(self, value: &str, values: &[String]) -> bool {
        let v = value.trim();
        match self {
            SchemaType::Port => is_port(v),
            SchemaType::Url => url_with_host(v).is_some(),
            SchemaType::Bool => parse_flag(v).is_some(),
            SchemaType::Int => v.parse::<i64>().is_ok(),
            SchemaType::Number => is_number(v),
            SchemaType::Enum => values.is_empty() || values.iter().any(|x| x == v),
            SchemaType::String => true,
        }
    }

    pub fn describe(self, values: &[String]) -> String {
        match self {
            SchemaType::Port => "a port (1–65535)".into(),
            SchemaType::Url => "a URL with a scheme and a host".into(),
            SchemaType::Bool => "a boolean (true/false, 1/0, yes/no)".into(),
            SchemaType::Int => "an integer".into(),
            SchemaType::Number => "a number".into(),
            SchemaType::Enum => format!("one of {}", values.join(", ")),
            SchemaType::String => "text".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        for (v, k) in [
            ("5000", ValueKind::Number),
            ("-1.5e3", ValueKind::Number),
            ("0", ValueKind::Number),
            ("true", ValueKind::Bool),
            ("No", ValueKind::Bool),
            ("redis://127.0.0.1:6379/0", ValueKind::Url),
            ("https://cdn.orbit.example", ValueKind::Url),
            ("5s", ValueKind::String),
            ("localhost:6379", ValueKind::String),
            ("1.2.3", ValueKind::String),
            ("", ValueKind::Empty),
            ("  ", ValueKind::Empty),
        ] {
            assert_eq!(ValueKind::of(v), k, "{v:?}");
        }
    }

    #[test]
    fn local_hosts() {
        for v in [
            "redis://127.0.0.1:6379/0",
            "http://localhost:3000",
            "postgres://u@[::1]:5432/db",
            "http://0.0.0.0",
            "localhost:6379",
            "127.0.0.1",
            "http://app.localhost/x",
            "127.1.2.3:80",
        ] {
            assert!(local_host(v).is_some(), "{v}");
        }
        assert_eq!(local_host("redis://127.0.0.1:6379/0"), Some("127.0.0.1"));
        assert_eq!(
            local_host("http://secret-name.localhost"),
            Some("a .localhost host")
        );
        for v in [
            "redis://cache.internal:6379",
            "https://127.example.com",
            "127.0.0.1.nip.io",
            "5000",
            "prod",
        ] {
            assert!(local_host(v).is_none(), "{v}");
        }
    }

    #[test]
    fn schema_types() {
        let none: Vec<String> = vec![];
        assert!(SchemaType::Port.accepts("8080", &none));
        assert!(!SchemaType::Port.accepts("0", &none) && !SchemaType::Port.accepts("65536", &none));
        assert!(!SchemaType::Port.accepts("80a", &none));
        assert!(SchemaType::Url.accepts("https://x.io/a", &none) && !SchemaType::Url.accepts("x.io", &none));
        assert!(SchemaType::Bool.accepts("1", &none) && !SchemaType::Bool.accepts("maybe", &none));
        assert!(SchemaType::Int.accepts("-3", &none) && !SchemaType::Int.accepts("3.5", &none));
        assert!(SchemaType::Number.accepts("3.5", &none) && !SchemaType::Number.accepts("5s", &none));
        let levels = vec!["info".to_string(), "warn".to_string()];
        assert!(SchemaType::Enum.accepts("info", &levels) && !SchemaType::Enum.accepts("debug", &levels));
        assert_eq!(SchemaType::parse("Integer"), Some(SchemaType::Int));
        assert_eq!(SchemaType::parse("duration"), None);
    }
}
