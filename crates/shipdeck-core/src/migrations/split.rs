//! Splits a migration into its statements, each with the line it starts on,
//! so that a failure names the statement and line that broke.
//!
//! Tokens come from sqlparser's tokenizer (quotes, dollar-quoting, comments
//! and dialect rules are its job). We do not use its parser here: a
//! migration must run even when it uses syntax the parser does not know.
//! The one thing a tokenizer cannot tell is where a compound body ends
//! (`CREATE TRIGGER … BEGIN …; …; END`, MySQL procedures, PostgreSQL
//! `BEGIN ATOMIC`), so a small depth counter over keywords does that.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::Engine;

/// One statement of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, without the terminating `;`.
    pub sql: String,
    /// 1-based line of the file where it starts.
    pub line: u32,
}

fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

fn keyword(t: &Token) -> Option<Keyword> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
        _ => None,
    }
}

/// Byte offset of a 1-based (line, column-in-chars) location.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    fn offset(&self, line: u64, column: u64) -> usize {
        let Some(&start) = self.starts.get((line as usize).saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth((column as usize).saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// Whether a statement opens a body whose inner `;` do not end it.
fn opens_compound_body(tokens: &[&TokenWithSpan]) -> bool {
    let mut words = tokens.iter().filter_map(|t| keyword(&t.token));
    if words.next() != Some(Keyword::CREATE) {
        return false;
    }
    words.take(8).any(|k| {
        matches!(
            k,
            Keyword::TRIGGER | Keyword::PROCEDURE | Keyword::FUNCTION | Keyword::EVENT
        )
    })
}

/// The statements of `sql` in order. Empty statements (stray `;`, trailing
/// comments) are dropped. If the text cannot be tokenized at all, the whole
/// file is one statement: the database will say what is wrong with it.
pub fn split(sql: &str, engine: Engine) -> Vec<Statement> {
    let dialect = engine.dialect();
    let tokens = match Tokenizer::new(dialect.as_ref(), sql)
        .with_unescape(false)
        .tokenize_with_location()
    {
        Ok(t) => t,
        Err(_) => {
            let body = sql.trim();
            let line = 1 + sql[..sql.len() - sql.trim_start().len()].matches('\n').count() as u32;
            return if body.is_empty() {
                Vec::new()
            } else {
                vec![Statement {
                    sql: body.to_string(),
                    line,
                }]
            };
        }
    };
    let index = LineIndex::new(sql);
    let mut out = Vec::new();
    let mut current: Vec<&TokenWithSpan> = Vec::new();
    let mut depth = 0usize;
    let mut compound = false;
    let flush = |current: &mut Vec<&TokenWithSpan>, out: &mut Vec<Statement>| {
        let first = current.iter().position(|t| !is_trivia(&t.token));
        let last = current.iter().rposition(|t| !is_trivia(&t.token));
        if let (Some(first), Some(last)) = (first, last) {
            let start = current[first].span.start;
            let end = current[last].span.end;
            let text = &sql[index.offset(start.line, start.column)..index.offset(end.line, end.column)];
            out.push(Statement {
                sql: text.to_string(),
                line: start.line as u32,
            });
        }
        current.clear();
    };
    let mut iter = tokens.iter().peekable();
    while let Some(tok) = iter.next() {
        if tok.token == Token::SemiColon && depth == 0 {
            flush(&mut current, &mut out);
            compound = false;
            continue;
        }
        current.push(tok);
        if current.iter().filter(|t| !is_trivia(&t.token)).count() == 1 {
            compound = false;
        }
        let Some(kw) = keyword(&tok.token) else { continue };
        if !compound && matches!(kw, Keyword::BEGIN | Keyword::AS) {
            compound = opens_compound_body(&current);
        }
        if !compound {
            continue;
        }
        let next_word = iter
            .clone()
            .find(|t| !is_trivia(&t.token))
            .and_then(|t| match &t.token {
                Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
                _ => None,
            });
        let next = next_word.as_deref();
        match kw {
            // SQLite/MySQL trigger and routine bodies; PostgreSQL's
            // `BEGIN ATOMIC` (a bare `BEGIN` there is a transaction).
            Keyword::BEGIN if engine != Engine::Postgres || next == Some("ATOMIC") => depth += 1,
            Keyword::CASE if depth > 0 => depth += 1,
            // `END IF`, `END LOOP`, … close blocks that never opened a level.
            Keyword::END if depth > 0 && !matches!(next, Some("IF" | "LOOP" | "WHILE" | "REPEAT")) => {
                depth -= 1
            }
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, engine: Engine) -> Vec<(String, u32)> {
        split(sql, engine).into_iter().map(|s| (s.sql, s.line)).collect()
    }

    #[test]
    fn splits_on_semicolons_with_lines() {
        let sql = "-- a comment; with a semicolon\nCREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1);\n;\n-- trailing\n";
        assert_eq!(
            texts(sql, Engine::Postgres),
            vec![
                ("CREATE TABLE a (id int)".to_string(), 2),
                ("INSERT INTO a VALUES (1)".to_string(), 4)
            ]
        );
    }

    #[test]
    fn semicolons_in_strings_and_dollar_quotes_do_not_split() {
        let sql = "INSERT INTO t VALUES ('a;b');\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nDO $body$ BEGIN PERFORM 1; END $body$;";
        let s = texts(sql, Engine::Postgres);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[1].1, 2);
        assert!(s[1].0.ends_with("LANGUAGE sql"));
    }

    #[test]
    fn sqlite_trigger_bodies_stay_whole() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;\n  DELETE FROM c;\nEND;\nSELECT 1;";
        let s = texts(sql, Engine::Sqlite);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].0.ends_with("END"));
        assert_eq!(s[1], ("SELECT 1".to_string(), 5));
    }

    #[test]
    fn mysql_procedure_with_if_blocks() {
        let sql = "CREATE PROCEDURE p() BEGIN\n IF 1 THEN SELECT 1; END IF;\n WHILE 0 DO SELECT 2; END WHILE;\nEND;\nSELECT 3;";
        let s = texts(sql, Engine::Mysql);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[1].1, 5);
    }

    #[test]
    fn postgres_begin_is_a_transaction_but_begin_atomic_is_a_body() {
        let s = texts("BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;", Engine::Postgres);
        assert_eq!(s.len(), 3);
        let s = texts(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;",
            Engine::Postgres,
        );
        assert_eq!(s.len(), 2, "{s:?}");
    }

    #[test]
    fn multibyte_text_keeps_byte_boundaries() {
        let s = texts("INSERT INTO t VALUES ('héllo ✓');\nSELECT 'ü';", Engine::Sqlite);
        assert_eq!(s[0].0, "INSERT INTO t VALUES ('héllo ✓')");
        assert_eq!(s[1].0, "SELECT 'ü'");
    }

    #[test]
    fn untokenizable_text_is_one_statement() {
        let s = texts("\n\nSELECT 'unterminated;", Engine::Postgres);
        assert_eq!(s, vec![("SELECT 'unterminated;".to_string(), 3)]);
    }
}
