//! SQL text with its literals masked, for every place that shows or keeps
//! SQL it did not write: migration files (`PASSWORD '…'`, seeded API keys)
//! and query texts read from a server (pg_stat_activity is not normalised).
//! String and number literals become `?`; everything else is kept byte for
//! byte, so a masked text still reads (and diffs) like the original.

use sqlparser::tokenizer::{Location, Token, Tokenizer};

use super::Engine;

/// Shown instead of a text the tokenizer rejects: it cannot be masked, so
/// none of it is shown.
pub const WITHHELD: &str = "(SQL text withheld: it could not be parsed)";

/// Byte offsets of the tokenizer's locations (1-based line, column counted
/// in chars). Tokens come in order, so one cursor walks the text once: a
/// location-to-offset lookup from the start of each line would make a
/// multi-megabyte single-line statement quadratic.
pub(crate) struct Offsets<'a> {
    text: &'a str,
    line: u64,
    column: u64,
    byte: usize,
}

impl<'a> Offsets<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            line: 1,
            column: 1,
            byte: 0,
        }
    }

    /// The byte offset of `at` (the text's length past its end).
    pub(crate) fn of(&mut self, at: Location) -> usize {
        if (at.line, at.column) < (self.line, self.column) {
            // Never happens for tokens in order; stay correct anyway.
            *self = Self::new(self.text);
        }
        while (self.line, self.column) < (at.line, at.column) {
            let Some(c) = self.text[self.byte..].chars().next() else {
                return self.text.len();
            };
            self.byte += c.len_utf8();
            // The tokenizer counts lines on '\n' alone, like this.
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte
    }
}

fn is_literal(token: &Token, engine: Engine) -> bool {
    match token {
        // MySQL reads "…" as a string; elsewhere it is an identifier.
        Token::DoubleQuotedString(_) => engine == Engine::Mysql,
        Token::SingleQuotedString(_)
        | Token::Number(..)
        | Token::TripleSingleQuotedString(_)
        | Token::TripleDoubleQuotedString(_)
        | Token::NationalStringLiteral(_)
        | Token::EscapedStringLiteral(_)
        | Token::HexStringLiteral(_)
        | Token::SingleQuotedByteStringLiteral(_)
        | Token::DoubleQuotedByteStringLiteral(_)
        | Token::TripleSingleQuotedByteStringLiteral(_)
        | Token::TripleDoubleQuotedByteStringLiteral(_)
        | Token::SingleQuotedRawStringLiteral(_)
        | Token::DoubleQuotedRawStringLiteral(_)
        | Token::TripleSingleQuotedRawStringLiteral(_)
        | Token::TripleDoubleQuotedRawStringLiteral(_)
        | Token::QuoteDelimitedStringLiteral(_)
        | Token::NationalQuoteDelimitedStringLiteral(_)
        | Token::UnicodeStringLiteral(_) => true,
        _ => false,
    }
}

/// `sql` with every string and number literal replaced by `?`. A
/// dollar-quoted body (`$$ … $$`, a PostgreSQL function) is SQL too: its own
/// literals are masked and its code kept. Text the tokenizer rejects is
/// withheld whole ([`WITHHELD`]).
pub fn mask_literals(sql: &str, engine: Engine) -> String {
    mask(sql, engine, 0).unwrap_or_else(|| WITHHELD.to_string())
}

/// Function bodies nest (a `DO` block creating a function); past this depth
/// a body is masked whole.
const MAX_DEPTH: usize = 4;

fn mask(sql: &str, engine: Engine, depth: usize) -> Option<String> {
    let dialect = engine.dialect();
    let tokens = Tokenizer::new(dialect.as_ref(), sql)
        .with_unescape(false)
        .tokenize_with_location()
        .ok()?;
    let mut offsets = Offsets::new(sql);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for t in &tokens {
        let replacement = match &t.token {
            Token::DollarQuotedString(d) => {
                let inner = if depth < MAX_DEPTH {
                    mask(&d.value, engine, depth + 1)
                } else {
                    None
                };
                match inner {
                    Some(body) => {
                        let tag = d.tag.as_deref().unwrap_or("");
                        format!("${tag}${body}${tag}$")
                    }
                    None => "?".to_string(),
                }
            }
            token if is_literal(token, engine) => "?".to_string(),
            _ => continue,
        };
        let start = offsets.of(t.span.start);
        let end = offsets.of(t.span.end);
        if start < copied || end < start {
            // Spans out of order: do not guess which bytes are safe.
            return None;
        }
        out.push_str(&sql[copied..start]);
        out.push_str(&replacement);
        copied = end;
    }
    out.push_str(&sql[copied..]);
    Some(out)
}

/// `message` (a database's error about `sql`) with the values of `sql`'s
/// string literals replaced by `?`: servers quote the value they rejected
/// (`invalid input syntax for type integer: "…"`), and that value may be a
/// secret. Values shorter than four characters are left alone: they cannot
/// hide a secret and would mangle ordinary words.
pub fn mask_values_in(message: &str, sql: &str, engine: Engine) -> String {
    let dialect = engine.dialect();
    // Unescaped, as the server quotes them.
    let Ok(tokens) = Tokenizer::new(dialect.as_ref(), sql).tokenize() else {
        return message.to_string();
    };
    let mut values: Vec<String> = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Number(..)) && is_literal(t, engine))
        .filter_map(|t| match t {
            Token::SingleQuotedString(v)
            | Token::DoubleQuotedString(v)
            | Token::NationalStringLiteral(v)
            | Token::EscapedStringLiteral(v)
            | Token::UnicodeStringLiteral(v) => Some(v),
            _ => None,
        })
        .filter(|v| v.chars().count() >= 4)
        .collect();
    // Longest first, so that a value containing another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    let mut out = message.to_string();
    for v in values {
        if out.contains(&v) {
            out = out.replace(&v, "?");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_are_masked_and_the_rest_kept() {
        assert_eq!(
            mask_literals(
                "UPDATE users SET password = 'hunter2' WHERE id = 42",
                Engine::Postgres
            ),
            "UPDATE users SET password = ? WHERE id = ?"
        );
        assert_eq!(
            mask_literals("SELECT \"Col\" FROM t WHERE a = $1", Engine::Postgres),
            "SELECT \"Col\" FROM t WHERE a = $1"
        );
        assert_eq!(
            mask_literals("INSERT INTO t VALUES (\"secret\")", Engine::Mysql),
            "INSERT INTO t VALUES (?)"
        );
        assert_eq!(
            mask_literals(
                "-- keep\nCREATE ROLE app  PASSWORD 'it''s-a-secret';\n",
                Engine::Postgres
            ),
            "-- keep\nCREATE ROLE app  PASSWORD ?;\n"
        );
        assert_eq!(
            mask_literals("SELECT E'a\\'b', 'héllo ✓', x'ff' FROM t", Engine::Postgres),
            "SELECT ?, ?, ? FROM t"
        );
    }

    #[test]
    fn function_bodies_keep_their_code_but_not_their_literals() {
        let sql = "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.token := 'canary-42';\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;";
        assert_eq!(
            mask_literals(sql, Engine::Postgres),
            "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.token := ?;\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;"
        );
    }

    #[test]
    fn values_quoted_back_by_the_server_are_masked() {
        let sql = "INSERT INTO t VALUES ('canary-77', 'ok', 'it''s-canary')";
        assert_eq!(
            mask_values_in(
                "invalid input syntax for type integer: \"canary-77\" near 'ok' or \"it's-canary\"",
                sql,
                Engine::Postgres
            ),
            "invalid input syntax for type integer: \"?\" near 'ok' or \"?\""
        );
    }

    #[test]
    fn text_that_does_not_tokenize_is_withheld() {
        assert_eq!(
            mask_literals("SELECT 'unterminated secret", Engine::Postgres),
            WITHHELD
        );
    }

    #[test]
    fn offsets_follow_lines_and_multibyte_chars() {
        let text = "ab\n✓c";
        let mut o = Offsets::new(text);
        assert_eq!(o.of(Location::new(1, 2)), 1);
        assert_eq!(o.of(Location::new(2, 2)), 3 + '✓'.len_utf8());
        assert_eq!(o.of(Location::new(9, 1)), text.len());
        assert_eq!(o.of(Location::new(1, 1)), 0);
    }
}
