//! Turns a migration's text into statements ready for the rules: each one
//! located in the file, tokenized once, inspected at token level for what
//! sqlparser's AST does not keep, and parsed.

use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Word};

use crate::split::split;
use crate::Engine;

/// A 1-based position in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub fn from_location(l: Location) -> Option<Loc> {
        (l.line > 0).then(|| Loc {
            line: u32::try_from(l.line).unwrap_or(u32::MAX),
            column: u32::try_from(l.column.max(1)).unwrap_or(u32::MAX),
        })
    }
}

/// What the tokens say that the AST does not (or that exists only when the
/// parser cannot read the statement).
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// The first words of the statement (`ALTER`, `TABLE`, `users`).
    pub head: Vec<Word>,
    /// Where the first `CONCURRENTLY` keyword is.
    pub concurrently: Option<Loc>,
    /// `DROP INDEX CONCURRENTLY …`: sqlparser 0.64 has no syntax for it, so
    /// the keyword is taken out before parsing and remembered here.
    pub drop_index_concurrently: bool,
    /// SQLite `PRAGMA name [= value]`, lower-cased (sqlparser rejects
    /// `ON`/`OFF` values, so pragmas are read from the tokens).
    pub pragma: Option<(String, Option<String>)>,
}

impl Facts {
    pub fn keyword(&self, i: usize) -> Keyword {
        self.head.get(i).map_or(Keyword::NoKeyword, |w| {
            if w.quote_style.is_none() {
                w.keyword
            } else {
                Keyword::NoKeyword
            }
        })
    }

    /// `ALTER TABLE users`, for messages.
    pub fn head_text(&self) -> String {
        let mut out = String::new();
        for (i, w) in self.head.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if w.keyword != Keyword::NoKeyword && w.quote_style.is_none() {
                out.push_str(&w.value.to_ascii_uppercase());
            } else {
                out.push_str(&w.to_string());
            }
        }
        out
    }
}

/// Why a statement could not be parsed.
#[derive(Debug)]
pub(crate) struct ParseFailure {
    pub message: String,
    pub at: Option<Loc>,
}

/// One statement of the file.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Where the statement starts.
    pub start: Loc,
    pub facts: Facts,
    /// The parsed statement(s); empty when it is deliberately not parsed
    /// (PostgreSQL `DO` blocks, SQLite pragmas).
    pub parsed: Result<Vec<Statement>, ParseFailure>,
}

/// Splits, locates, tokenizes and parses every statement of `sql`.
pub(crate) fn prepare(sql: &str, engine: Engine) -> Vec<Prepared> {
    let dialect = engine.dialect();
    let mut cursor = 0usize;
    let mut out = Vec::new();
    for stmt in split(sql, engine) {
        // The statement's text is a verbatim slice of the file, so its byte
        // offset (and from it the column) is where it next occurs.
        let offset = sql
            .get(cursor..)
            .and_then(|rest| rest.find(stmt.sql.as_str()))
            .map(|i| cursor + i);
        let column = match offset {
            Some(off) => {
                cursor = off + stmt.sql.len();
                let line_start = sql[..off].rfind('\n').map_or(0, |i| i + 1);
                1 + u32::try_from(sql[line_start..off].chars().count()).unwrap_or(0)
            }
            None => 1,
        };
        let start = Loc {
            line: stmt.line.max(1),
            column,
        };
        out.push(prepare_one(&stmt.sql, start, engine, dialect.as_ref()));
    }
    out
}

fn shift(l: &mut Location, start: Loc) {
    if l.line == 1 {
        l.column += u64::from(start.column) - 1;
    }
    if l.line > 0 {
        l.line += u64::from(start.line) - 1;
    }
}

fn prepare_one(
    text: &str,
    start: Loc,
    engine: Engine,
    dialect: &dyn sqlparser::dialect::Dialect,
) -> Prepared {
    let mut tokens: Vec<TokenWithSpan> = Vec::new();
    let tokenized =
        Tokenizer::new(dialect, text).tokenize_with_location_into_buf_with_mapper(&mut tokens, |mut t| {
            shift(&mut t.span.start, start);
            shift(&mut t.span.end, start);
            t
        });
    if let Err(e) = tokenized {
        let mut at = e.location;
        shift(&mut at, start);
        return Prepared {
            start,
            facts: Facts::default(),
            parsed: Err(ParseFailure {
                message: e.message,
                at: Loc::from_location(at),
            }),
        };
    }

    let mut facts = Facts::default();
    let mut remove = None;
    let mut significant = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        if matches!(t.token, Token::Whitespace(_)) {
            continue;
        }
        significant += 1;
        if let Token::Word(w) = &t.token {
            if facts.head.len() < 3 && significant == facts.head.len() + 1 {
                facts.head.push(w.clone());
            }
            if w.keyword == Keyword::CONCURRENTLY && w.quote_style.is_none() && facts.concurrently.is_none() {
                facts.concurrently = Loc::from_location(t.span.start);
                if significant == 3 && facts.keyword(0) == Keyword::DROP && facts.keyword(1) == Keyword::INDEX
                {
                    facts.drop_index_concurrently = true;
                    remove = Some(i);
                }
            }
        }
        if significant > 3 && facts.concurrently.is_some() {
            break;
        }
    }

    // Statements sqlparser cannot read but that hold nothing to lint.
    if engine == Engine::Postgres && facts.keyword(0) == Keyword::DO {
        return Prepared {
            start,
            facts,
            parsed: Ok(Vec::new()),
        };
    }
    if engine == Engine::Sqlite && facts.keyword(0) == Keyword::PRAGMA {
        facts.pragma = Some(read_pragma(&tokens));
        return Prepared {
            start,
            facts,
            parsed: Ok(Vec::new()),
        };
    }

    if let Some(i) = remove {
        tokens.remove(i);
    }
    if engine == Engine::Postgres {
        strip_routine_options(&mut tokens);
    }
    let parsed = Parser::new(dialect)
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .map_err(|e| ParseFailure {
            message: parser_message(&e),
            at: None,
        });
    Prepared { start, facts, parsed }
}

/// Removes the options of `CREATE FUNCTION`/`CREATE PROCEDURE` that
/// sqlparser 0.64 cannot read — `COST n`, `ROWS n`, `[NOT] LEAKPROOF`,
/// `SUPPORT name`, `WINDOW` — so that a function PostgreSQL (and squawk)
/// accepts is linted instead of reported as a syntax error. They change
/// planning, not locking, so no rule needs them. Only options at the top
/// level are removed: the body is one dollar-quoted token, and a `BEGIN
/// ATOMIC` or `RETURN` body ends the search.
fn strip_routine_options(tokens: &mut Vec<TokenWithSpan>) {
    let word = |t: &TokenWithSpan| match &t.token {
        Token::Word(w) if w.quote_style.is_none() => w.keyword,
        _ => Keyword::NoKeyword,
    };
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let head: Vec<Keyword> = significant.iter().take(5).map(|&i| word(&tokens[i])).collect();
    if head.first() != Some(&Keyword::CREATE)
        || !head
            .iter()
            .any(|k| matches!(k, Keyword::FUNCTION | Keyword::PROCEDURE))
    {
        return;
    }
    let mut drop = vec![false; tokens.len()];
    let mut depth = 0usize;
    let mut k = 0;
    while k < significant.len() {
        let i = significant[k];
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 {
            k += 1;
            continue;
        }
        let next = significant.get(k + 1).map(|&j| &tokens[j]);
        let taken = match word(&tokens[i]) {
            Keyword::BEGIN | Keyword::RETURN => break,
            Keyword::COST | Keyword::ROWS if next.is_some_and(|t| matches!(t.token, Token::Number(..))) => 2,
            Keyword::NOT if next.is_some_and(|t| word(t) == Keyword::LEAKPROOF) => 2,
            Keyword::LEAKPROOF | Keyword::WINDOW => 1,
            Keyword::SUPPORT if next.is_some_and(|t| matches!(t.token, Token::Word(_))) => {
                // `SUPPORT schema.fn`: the name and its dotted parts.
                let mut n = 2;
                while significant
                    .get(k + n)
                    .is_some_and(|&j| tokens[j].token == Token::Period)
                    && significant
                        .get(k + n + 1)
                        .is_some_and(|&j| matches!(tokens[j].token, Token::Word(_)))
                {
                    n += 2;
                }
                n
            }
            _ => 0,
        };
        for &j in significant.iter().skip(k).take(taken) {
            drop[j] = true;
        }
        k += taken.max(1);
    }
    let mut i = 0;
    tokens.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// The parser's message without its `sql parser error: ` prefix.
fn parser_message(e: &sqlparser::parser::ParserError) -> String {
    use sqlparser::parser::ParserError;
    match e {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => "the statement is nested too deeply".to_string(),
    }
}

/// `PRAGMA [schema.]name [= value | (value)]` → (name, value), lower-cased.
fn read_pragma(tokens: &[TokenWithSpan]) -> (String, Option<String>) {
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .skip(1);
    let mut name = String::new();
    let mut value = None;
    while let Some(t) = words.next() {
        match &t.token {
            Token::Word(w) => name = w.value.to_ascii_lowercase(),
            Token::Period => continue,
            Token::Eq | Token::LParen => {
                value = words.next().map(|v| match &v.token {
                    Token::Word(w) => w.value.to_ascii_lowercase(),
                    Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s.to_ascii_lowercase(),
                    other => other.to_string().to_ascii_lowercase(),
                });
                break;
            }
            _ => break,
        }
    }
    (name, value)
}

/// The comments of a file with the line each one ends on, for suppression
/// directives. `None` if the file cannot be tokenized.
pub(crate) fn comments(sql: &str, engine: Engine) -> Option<Vec<(u32, String)>> {
    let dialect = engine.dialect();
    let tokens = Tokenizer::new(dialect.as_ref(), sql)
        .with_unescape(false)
        .tokenize_with_location()
        .ok()?;
    Some(
        tokens
            .into_iter()
            .filter_map(|t| match t.token {
                Token::Whitespace(sqlparser::tokenizer::Whitespace::SingleLineComment {
                    comment, ..
                }) => Some((u32::try_from(t.span.start.line).unwrap_or(u32::MAX), comment)),
                Token::Whitespace(sqlparser::tokenizer::Whitespace::MultiLineComment(comment)) => {
                    Some((u32::try_from(t.span.end.line).unwrap_or(u32::MAX), comment))
                }
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_located_in_the_file() {
        let p = prepare(
            "-- x\nSELECT 1;  ALTER TABLE t\n  DROP COLUMN a;",
            Engine::Postgres,
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].start, Loc { line: 2, column: 1 });
        assert_eq!(p[1].start, Loc { line: 2, column: 12 });
        assert_eq!(p[1].facts.head_text(), "ALTER TABLE t");
        let Ok(stmts) = &p[1].parsed else {
            panic!("{:?}", p[1].parsed)
        };
        use sqlparser::ast::Spanned;
        let Statement::AlterTable(at) = &stmts[0] else {
            panic!()
        };
        assert_eq!(
            Loc::from_location(at.operations[0].span().start),
            Some(Loc { line: 3, column: 15 })
        );
    }

    #[test]
    fn drop_index_concurrently_is_parsed() {
        let p = prepare("DROP INDEX CONCURRENTLY IF EXISTS i;", Engine::Postgres);
        assert!(p[0].facts.drop_index_concurrently);
        assert_eq!(p[0].facts.concurrently, Some(Loc { line: 1, column: 12 }));
        assert!(matches!(&p[0].parsed, Ok(s) if s.len() == 1));
    }

    #[test]
    fn pragmas_and_do_blocks_are_not_parsed() {
        let p = prepare("PRAGMA main.foreign_keys = OFF;", Engine::Sqlite);
        assert_eq!(
            p[0].facts.pragma,
            Some(("foreign_keys".into(), Some("off".into())))
        );
        let p = prepare("DO $$ BEGIN PERFORM 1; END $$;", Engine::Postgres);
        assert!(matches!(&p[0].parsed, Ok(s) if s.is_empty()));
    }

    #[test]
    fn postgres_function_options_sqlparser_lacks_are_tolerated() {
        let sql = "CREATE OR REPLACE FUNCTION f(a int) RETURNS SETOF int AS $$ SELECT a $$\n\
                   LANGUAGE sql STABLE NOT LEAKPROOF COST 100 ROWS 10 SUPPORT pg_catalog.my_support PARALLEL SAFE;\n\
                   SELECT 1 FROM t WINDOW w AS (ROWS 5 PRECEDING);";
        let p = prepare(sql, Engine::Postgres);
        assert!(matches!(&p[0].parsed, Ok(s) if s.len() == 1), "{:?}", p[0].parsed);
        // Only routines lose these words: elsewhere they mean something.
        assert!(p[1].parsed.is_ok(), "{:?}", p[1].parsed);
    }

    #[test]
    fn tokenizer_errors_are_located() {
        // An unterminated quote makes the whole file one statement (split's
        // fallback); the error still points at the quote.
        let p = prepare("SELECT 1;\n  SELECT 'open", Engine::Postgres);
        let Err(f) = &p[0].parsed else {
            panic!("{:?}", p[0].parsed)
        };
        assert_eq!(f.at, Some(Loc { line: 2, column: 10 }));
    }
}
