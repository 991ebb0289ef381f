//! The `.env` parser.
//!
//! Hand-written on purpose: the lint checks need facts that the loader crates
//! throw away (was there an `export`, which quotes, whitespace around the key
//! or `=`, which variables a value referred to), every entry needs its line,
//! and a malformed line must cost that line only, not the file.
//!
//! Syntax accepted, as the common loaders (dotenvy, python-dotenv, docker
//! compose) do: `KEY=value`, `export KEY=value`, full-line `#` comments,
//! unquoted values with a trailing ` # comment`, single quotes and backticks
//! (literal), double quotes (escapes `\n \r \t \" \\ \$`, and expansion),
//! quoted values spanning lines, a UTF-8 BOM and CRLF line ends. `$VAR`,
//! `${VAR}` and `${VAR:-default}` / `${VAR-default}` expand in unquoted and
//! double-quoted values, from keys defined earlier in the same file or in the
//! environment's earlier files.

use std::collections::HashMap;

use super::{Check, Entry, Problem, Quote, Syntax};

/// The lines of the text being read, the next one to read, and the
/// problems found so far.
struct Reader<'t> {
    lines: Vec<&'t str>,
    next: usize,
    problems: Vec<Problem>,
}

/// Parses `.env` text. `earlier` looks up keys defined by the environment's
/// earlier files, for `${VAR}` expansion.
pub fn parse<'a>(text: &str, earlier: &dyn Fn(&str) -> Option<&'a str>) -> (Vec<Entry>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader {
        lines: text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect(),
        next: 0,
        problems: Vec::new(),
    };
    let mut entries: Vec<Entry> = Vec::new();
    // Values defined so far in this file (the last one wins).
    let mut local: HashMap<String, usize> = HashMap::new();
    while r.next < r.lines.len() {
        let raw = r.lines[r.next];
        let line = (r.next + 1) as u32;
        r.next += 1;
        let body = raw.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let mut syntax = Syntax {
            leading_whitespace: body.len() != raw.len(),
            ..Syntax::default()
        };
        let body = match strip_export(body) {
            Some(rest) => {
                syntax.export = true;
                rest
            }
            None => body,
        };
        let Some(eq) = body.find('=') else {
            r.problems.push(without_equals(body, line));
            continue;
        };
        let key_part = &body[..eq];
        let key = key_part.trim_matches([' ', '\t']);
        if key.is_empty() {
            r.problems.push(Problem {
                check: Check::ParseError,
                line,
                key: None,
                message: "a line starts with `=`: the key is missing".into(),
            });
            continue;
        }
        let after = &body[eq + 1..];
        syntax.space_around_equals = key_part.ends_with([' ', '\t']) || after.starts_with([' ', '\t']);
        let lookup = |name: &str| -> Option<String> {
            match local.get(name) {
                Some(&idx) => Some(entries[idx].value.clone()),
                None => earlier(name).map(str::to_string),
            }
        };
        let (value, last_line) = r.value(raw, after, key, line, &lookup, &mut syntax);
        syntax.trailing_whitespace = last_line.ends_with([' ', '\t']);
        local.insert(key.to_string(), entries.len());
        entries.push(Entry {
            key: key.to_string(),
            value,
            line,
            syntax,
        });
    }
    (entries, r.problems)
}

/// The problem of a line with no `=`.
fn without_equals(body: &str, line: u32) -> Problem {
    let name = body.trim_end_matches([' ', '\t']);
    let (check, message) = if is_valid_key(name) {
        (
            Check::KeyWithoutValue,
            format!("{name} has no `=`: loaders skip or reject this line"),
        )
    } else {
        (Check::ParseError, "not a KEY=value line".to_string())
    };
    let key = is_valid_key(name).then(|| name.to_string());
    Problem {
        check,
        line,
        key,
        message,
    }
}

impl<'t> Reader<'t> {
    /// The value after `=` of `key` on line `line` (text `raw`), and the text
    /// of the line it ends on; a quoted value may span lines, which are then
    /// read.
    fn value(
        &mut self,
        raw: &'t str,
        after: &str,
        key: &str,
        line: u32,
        lookup: &dyn Fn(&str) -> Option<String>,
        syntax: &mut Syntax,
    ) -> (String, &'t str) {
        let value_text = after.trim_start_matches([' ', '\t']);
        let quote = match value_text.chars().next() {
            Some('"') => Quote::Double,
            Some('\'') => Quote::Single,
            Some('`') => Quote::Backtick,
            _ => Quote::None,
        };
        if quote == Quote::None {
            let unquoted = strip_comment(after).trim_matches([' ', '\t']);
            syntax.unquoted_spaces = unquoted.contains([' ', '\t']);
            return (expand(unquoted, false, lookup, syntax), raw);
        }
        syntax.quote = quote;
        let q = value_text.chars().next().unwrap_or('"');
        match find_closing(&self.lines, self.next - 1, value_text, q) {
            Some(Closed { inner, rest, last }) => {
                let trailing = rest.trim_start_matches([' ', '\t']);
                if !trailing.is_empty() && !trailing.starts_with('#') {
                    self.problems.push(Problem {
                        check: Check::ParseError,
                        line: (last + 1) as u32,
                        key: Some(key.to_string()),
                        message: format!("text after the closing quote of {key}"),
                    });
                }
                self.next = last + 1;
                let value = if quote == Quote::Double {
                    expand(&inner, true, lookup, syntax)
                } else {
                    inner
                };
                (value, self.lines[last])
            }
            None => {
                // Unclosed: keep the line's text as the value and read
                // the following lines as lines of their own.
                self.problems.push(Problem {
                    check: Check::QuoteMismatch,
                    line,
                    key: Some(key.to_string()),
                    message: format!("the value of {key} opens a quote that is never closed"),
                });
                (
                    value_text[q.len_utf8()..]
                        .trim_end_matches([' ', '\t'])
                        .to_string(),
                    raw,
                )
            }
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: what a shell accepts as a variable name.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn strip_export(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("export")?;
    rest.starts_with([' ', '\t'])
        .then(|| rest.trim_start_matches([' ', '\t']))
}

/// An unquoted value ends at a `#` that follows whitespace.
fn strip_comment(after: &str) -> &str {
    let bytes = after.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return &after[..i];
        }
    }
    after
}

struct Closed {
    /// Between the quotes, lines joined with `\n`, escapes untouched.
    inner: String,
    /// What follows the closing quote on its line.
    rest: String,
    /// Index of the line holding the closing quote.
    last: usize,
}

/// Finds the quote closing the one that starts `value_text` (on line index
/// `first`), possibly on a later line. A backslash escapes the next
/// character inside double quotes only. On a later line, the closing quote
/// must end its line (a comment may follow).
fn find_closing(lines: &[&str], first: usize, value_text: &str, q: char) -> Option<Closed> {
    let mut inner = String::new();
    let mut segment = &value_text[q.len_utf8()..];
    let mut idx = first;
    loop {
        let mut escaped = false;
        for (pos, c) in segment.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                let rest = &segment[pos + c.len_utf8()..];
                // A quote on a later line followed by more text is most
                // likely the opening quote of another key: then this one
                // was never closed, and the lines in between are their own.
                let after = rest.trim_start_matches([' ', '\t']);
                if idx != first && !after.is_empty() && !after.starts_with('#') {
                    return None;
                }
                inner.push_str(&segment[..pos]);
                return Some(Closed {
                    inner,
                    rest: rest.to_string(),
                    last: idx,
                });
            }
        }
        inner.push_str(segment);
        idx += 1;
        if idx >= lines.len() {
            return None;
        }
        inner.push('\n');
        segment = lines[idx];
    }
}

/// Unescapes (double quotes only) and expands `$VAR`, `${VAR}`,
/// `${VAR:-default}` and `${VAR-default}`.
fn expand(text: &str, double: bool, lookup: &dyn Fn(&str) -> Option<String>, syntax: &mut Syntax) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if double && c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            match next {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '"' | '\\' | '$' => out.push(next),
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        // `${NAME…}`
        if chars.get(i + 1) == Some(&'{') {
            if let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') {
                let inside: String = chars[i + 2..i + 2 + close].iter().collect();
                let (name, default, empty_counts) = match inside.find(":-") {
                    Some(p) => (&inside[..p], Some(&inside[p + 2..]), true),
                    None => match inside.find('-') {
                        Some(p) => (&inside[..p], Some(&inside[p + 1..]), false),
                        None => (inside.as_str(), None, false),
                    },
                };
                if is_valid_key(name) {
                    out.push_str(&resolve(name, default, empty_counts, lookup, syntax));
                    i += close + 3;
                    continue;
                }
            }
            out.push(c);
            i += 1;
            continue;
        }
        // `$NAME`
        let start = i + 1;
        let mut end = start;
        while end < chars.len()
            && (chars[end] == '_' || chars[end].is_ascii_alphanumeric())
            && !(end == start && chars[end].is_ascii_digit())
        {
            end += 1;
        }
        if end == start {
            out.push('$');
            i += 1;
            continue;
        }
        let name: String = chars[start..end].iter().collect();
        out.push_str(&resolve(&name, None, false, lookup, syntax));
        i = end;
    }
    out
}

fn resolve(
    name: &str,
    default: Option<&str>,
    empty_counts: bool,
    lookup: &dyn Fn(&str) -> Option<String>,
    syntax: &mut Syntax,
) -> String {
    if !syntax.references.iter().any(|r| r == name) {
        syntax.references.push(name.to_string());
    }
    match (lookup(name), default) {
        (Some(v), Some(d)) if v.is_empty() && empty_counts => d.to_string(),
        (Some(v), _) => v,
        (None, Some(d)) => d.to_string(),
        (None, None) => {
            if !syntax.undefined.iter().any(|r| r == name) {
                syntax.undefined.push(name.to_string());
            }
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_alone(text: &str) -> (Vec<Entry>, Vec<Problem>) {
        parse(text, &|_| None)
    }

    fn values(text: &str) -> Vec<(String, String, u32)> {
        parse_alone(text)
            .0
            .into_iter()
            .map(|e| (e.key, e.value, e.line))
            .collect()
    }

    fn kv(k: &str, v: &str, line: u32) -> (String, String, u32) {
        (k.into(), v.into(), line)
    }

    #[test]
    fn plain_export_comments_and_blank_lines() {
        let text =
            "# header\n\nA=1\nexport B=two\n  # indented comment\nC=x # trailing\nD=x#not-a-comment\nE=\n";
        assert_eq!(
            values(text),
            vec![
                kv("A", "1", 3),
                kv("B", "two", 4),
                kv("C", "x", 6),
                kv("D", "x#not-a-comment", 7),
                kv("E", "", 8)
            ]
        );
        let (entries, problems) = parse_alone(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(entries[1].syntax.export);
        assert!(!entries[0].syntax.export);
    }

    #[test]
    fn quotes_escapes_and_literals() {
        let text = r#"S='a $HOME \n b'
D="tab\there \"q\" back\\slash \$HOME"
B=`raw $X`
H="a # not a comment" # but this is
"#;
        assert_eq!(
            values(text),
            vec![
                kv("S", r"a $HOME \n b", 1),
                kv("D", "tab\there \"q\" back\\slash $HOME", 2),
                kv("B", "raw $X", 3),
                kv("H", "a # not a comment", 4),
            ]
        );
    }

    #[test]
    fn multiline_values_keep_following_line_numbers() {
        let text = "KEY=\"-----BEGIN\nline two\n-----END\"\nNEXT='one\ntwo'\nLAST=1\n";
        assert_eq!(
            values(text),
            vec![
                kv("KEY", "-----BEGIN\nline two\n-----END", 1),
                kv("NEXT", "one\ntwo", 4),
                kv("LAST", "1", 6)
            ]
        );
    }

    #[test]
    fn expansion_from_the_file_and_from_earlier_files() {
        let earlier = |k: &str| (k == "BASE").then_some("https://api.example");
        let text = "HOST=db\nURL=\"postgres://${HOST}:5432/$NAME\"\nAPI=${BASE}/v1\nD=${MISSING:-fallback}\nLIT='${HOST}'\n";
        let (entries, _) = parse(text, &earlier);
        let by: HashMap<_, _> = entries.iter().map(|e| (e.key.as_str(), e)).collect();
        assert_eq!(by["URL"].value, "postgres://db:5432/");
        assert_eq!(by["URL"].syntax.references, vec!["HOST", "NAME"]);
        assert_eq!(by["URL"].syntax.undefined, vec!["NAME"]);
        assert_eq!(by["API"].value, "https://api.example/v1");
        assert_eq!(by["D"].value, "fallback");
        assert!(by["D"].syntax.undefined.is_empty());
        assert_eq!(by["LIT"].value, "${HOST}");
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}A=1\r\nB=\"two\"\r\nC='x\r\ny'\r\n";
        assert_eq!(
            values(text),
            vec![kv("A", "1", 1), kv("B", "two", 2), kv("C", "x\ny", 3)]
        );
        let (entries, _) = parse_alone(text);
        assert!(!entries[0].syntax.trailing_whitespace);
    }

    #[test]
    fn malformed_lines_cost_only_themselves() {
        let text = "A=1\njust some words\nB=\"never closed\nC=3\n=nokey\nLONE\nD=\"ok\" junk\nE=5\n";
        let (entries, problems) = parse_alone(text);
        let keys: Vec<_> = entries.iter().map(|e| (e.key.as_str(), e.line)).collect();
        assert_eq!(keys, vec![("A", 1), ("B", 3), ("C", 4), ("D", 7), ("E", 8)]);
        let got: Vec<_> = problems.iter().map(|p| (p.check, p.line)).collect();
        assert_eq!(
            got,
            vec![
                (Check::ParseError, 2),
                (Check::QuoteMismatch, 3),
                (Check::ParseError, 5),
                (Check::KeyWithoutValue, 6),
                (Check::ParseError, 7),
            ]
        );
        assert_eq!(entries[1].value, "never closed");
    }

    #[test]
    fn syntax_facts_for_the_linter() {
        let text = "  LEAD=1\nSPACE = 2\nTRAIL=3 \nWORDS=hello world\nexport EXP=4\n";
        let (e, _) = parse_alone(text);
        assert!(e[0].syntax.leading_whitespace && !e[1].syntax.leading_whitespace);
        assert!(e[1].syntax.space_around_equals && !e[0].syntax.space_around_equals);
        assert_eq!(e[1].value, "2");
        assert!(e[2].syntax.trailing_whitespace && !e[3].syntax.trailing_whitespace);
        assert_eq!(e[2].value, "3");
        assert!(e[3].syntax.unquoted_spaces && !e[2].syntax.unquoted_spaces);
        assert!(e[4].syntax.export);
    }

    #[test]
    fn key_names() {
        assert!(is_valid_key("A_1") && is_valid_key("_x") && is_valid_key("cache_ttl"));
        assert!(!is_valid_key("1A") && !is_valid_key("MY-KEY") && !is_valid_key("") && !is_valid_key("A B"));
    }

    #[test]
    fn invalid_keys_are_kept_for_the_linter() {
        let (e, p) = parse_alone("MY-KEY=1\nexportX=2\n");
        assert!(p.is_empty());
        assert_eq!(e[0].key, "MY-KEY");
        assert_eq!(e[1].key, "exportX");
    }

    #[test]
    fn a_dollar_that_is_not_a_reference_stays() {
        assert_eq!(values("P=pa$$ $1 ${} $\n"), vec![kv("P", "pa$$ $1 ${} $", 1)]);
    }
}
