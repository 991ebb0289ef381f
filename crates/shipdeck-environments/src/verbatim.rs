//! Env files read as `docker run --env-file` (and Compose's `env_file` in
//! its classic form) reads them: every value is the text after the first
//! `=`, exactly — quotes stay part of the value, `$VAR` is not expanded, a
//! ` # …` is not a comment, trailing spaces are kept. A file meant for
//! those tools, read with `.env` rules instead, would compare wrong values.
//!
//! Hand-written because it is a dozen lines of rules (docker's own
//! `parseEnvFile`) and no loader crate offers this mode.

use super::dotenv::is_valid_key;
use super::{Check, Entry, Problem, Syntax};

/// Parses env-file text with docker's rules: a UTF-8 BOM and CRLF line ends
/// dropped, leading whitespace and `#` lines skipped, `KEY=value` taken
/// verbatim.
pub fn parse(text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = (i + 1) as u32;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = raw.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let (key, value) = match body.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (body, None),
        };
        let problem = |check: Check, message: String| Problem {
            check,
            line,
            key: is_valid_key(key).then(|| key.to_string()),
            message,
        };
        if key.is_empty() {
            problems.push(problem(
                Check::ParseError,
                "a line starts with `=`: the key is missing".into(),
            ));
            continue;
        }
        // docker refuses the whole file here; one line is enough to lose.
        if key.contains([' ', '\t']) {
            problems.push(problem(
                Check::ParseError,
                format!(
                    "{:?} has whitespace in its name: docker refuses the file",
                    key.trim()
                ),
            ));
            continue;
        }
        let Some(value) = value else {
            problems.push(problem(
                Check::KeyWithoutValue,
                format!("{key} has no `=`: docker takes its value from the shell that starts the container"),
            ));
            continue;
        };
        entries.push(Entry {
            key: key.to_string(),
            value: value.to_string(),
            line,
            syntax: Syntax {
                leading_whitespace: body.len() != raw.len(),
                // Kept in the value: worth a look, as with `.env` files.
                trailing_whitespace: value.ends_with([' ', '\t']),
                ..Syntax::default()
            },
        });
    }
    (entries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text).0.into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn values_are_taken_verbatim_as_docker_reads_them() {
        let text = "\u{feff}# comment\r\nQUOTED=\"a b\"\r\nSINGLE='x'\nREF=${HOME}/x\nHASH=a # not a comment\n  INDENTED=1\nEQ=a=b\nEMPTY=\nSPACE=v \n";
        let v = values(text);
        let s = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            v,
            vec![
                s("QUOTED", "\"a b\""),
                s("SINGLE", "'x'"),
                s("REF", "${HOME}/x"),
                s("HASH", "a # not a comment"),
                s("INDENTED", "1"),
                s("EQ", "a=b"),
                s("EMPTY", ""),
                s("SPACE", "v "),
            ]
        );
        let (entries, _) = parse(text);
        assert!(entries[4].syntax.leading_whitespace);
        assert!(entries[7].syntax.trailing_whitespace);
    }

    #[test]
    fn names_with_spaces_and_lines_without_a_value_are_problems() {
        let (entries, problems) = parse("A B=1\nLONE\n=x\nOK=1\n");
        assert_eq!(entries.len(), 1);
        let got: Vec<_> = problems.iter().map(|p| (p.check, p.line)).collect();
        assert_eq!(
            got,
            vec![
                (Check::ParseError, 1),
                (Check::KeyWithoutValue, 2),
                (Check::ParseError, 3)
            ]
        );
    }
}
