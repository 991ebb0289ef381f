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

use super::literals::Offsets;
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

/// Whether a statement opens a body whose inner `;` do not end it.
fn opens_compound_body(tokens: &[&TokenWithSpan]) -> bool {
    let mut words = tokens.iter().filter_map(|t| keyword(&t.token)).take(9);
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

/// `sql` as one statement (none when it is blank), for text that cannot be
/// tokenized.
fn whole_file(sql: &str) -> Vec<Statement> {
    let body = sql.trim();
    let line = 1 + sql[..sql.len() - sql.trim_start().len()].matches('\n').count() as u32;
    if body.is_empty() {
        Vec::new()
    } else {
        vec![Statement {
            sql: body.to_string(),
            line,
        }]
    }
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
        Err(_) => return whole_file(sql),
    };
    // Every step below is linear in the text: statements of several
    // megabytes (seed data) are common, so nothing may rescan the current
    // statement per token.
    let mut offsets = Offsets::new(sql);
    let mut out = Vec::new();
    let mut current: Vec<&TokenWithSpan> = Vec::new();
    // Non-trivia tokens in `current`.
    let mut significant = 0usize;
    let mut depth = 0usize;
    let mut compound = false;
    // Whether the statement creates a routine, once its first words are known.
    let mut creates_routine: Option<bool> = None;
    let mut flush = |current: &mut Vec<&TokenWithSpan>, out: &mut Vec<Statement>| {
        let first = current.iter().position(|t| !is_trivia(&t.token));
        let last = current.iter().rposition(|t| !is_trivia(&t.token));
        if let (Some(first), Some(last)) = (first, last) {
            let start = current[first].span.start;
            let from = offsets.of(start);
            let to = offsets.of(current[last].span.end);
            out.push(Statement {
                sql: sql[from..to.max(from)].to_string(),
                line: start.line as u32,
            });
        }
        current.clear();
    };
    let mut iter = tokens.iter().peekable();
    while let Some(tok) = iter.next() {
        if tok.token == Token::SemiColon && depth == 0 {
            flush(&mut current, &mut out);
            significant = 0;
            compound = false;
            creates_routine = None;
            continue;
        }
        current.push(tok);
        if !is_trivia(&tok.token) {
            significant += 1;
            if significant == 1 {
                compound = false;
                creates_routine = None;
            }
        }
        let Some(kw) = keyword(&tok.token) else { continue };
        if !compound && matches!(kw, Keyword::BEGIN | Keyword::AS) {
            compound = *creates_routine.get_or_insert_with(|| opens_compound_body(&current));
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
    fn a_five_megabyte_single_insert_splits_into_one_statement() {
        // Seed data as one INSERT on one line (a dump): the splitter used to
        // rescan the statement per token and never finished.
        let mut insert = String::from("INSERT INTO t (id, name, note) VALUES ");
        let mut i = 0u64;
        while insert.len() < 5 * 1024 * 1024 {
            if i > 0 {
                insert.push(',');
            }
            insert.push_str(&format!("({i}, 'name ✓ {i}', 'a; b AS c BEGIN')"));
            i += 1;
        }
        let sql = format!("CREATE TABLE t (id int, name text, note text);\n{insert};\nSELECT 1;\n");
        for engine in [Engine::Postgres, Engine::Sqlite, Engine::Mysql] {
            let s = split(&sql, engine);
            assert_eq!(s.len(), 3, "{engine:?}");
            assert_eq!((s[1].line, s[1].sql.len()), (2, insert.len()), "{engine:?}");
            assert!(
                s[1].sql == insert,
                "{engine:?}: the INSERT must come back byte for byte"
            );
            assert_eq!(
                s[2],
                Statement {
                    sql: "SELECT 1".into(),
                    line: 3
                }
            );
        }
    }

    #[test]
    fn many_statements_on_one_long_line_keep_their_text() {
        let sql: String = (0..20_000)
            .map(|i| format!("INSERT INTO t VALUES ({i}, 'é');"))
            .collect();
        let s = split(&sql, Engine::Postgres);
        assert_eq!(s.len(), 20_000);
        assert_eq!(s[19_999].sql, "INSERT INTO t VALUES (19999, 'é')");
        assert!(s.iter().all(|st| st.line == 1));
    }

    #[test]
    fn untokenizable_text_is_one_statement() {
        let s = texts("\n\nSELECT 'unterminated;", Engine::Postgres);
        assert_eq!(s, vec![("SELECT 'unterminated;".to_string(), 3)]);
    }
}
