//! Suppression comments:
//!
//! - `-- shipdeck:lint-ignore rule-a, rule-b` on the line before a statement
//!   silences those rules for that statement;
//! - `-- shipdeck:lint-ignore-file rule-a` anywhere silences them for the
//!   whole file;
//! - squawk's `-- squawk-ignore …` and `-- squawk-ignore-file …` work the
//!   same way, so files shared with squawk users keep working (its old
//!   `require-timeout-settings` id stands for both timeout rules).
//!
//! Without rule ids, a directive silences every rule. Several directive
//! lines in a row all apply to the statement after them.

use std::collections::{HashMap, HashSet};

use super::catalog::Rule;
use super::source;
use crate::Engine;

/// The rules a directive names; empty means all.
#[derive(Debug, Default, Clone)]
struct Rules {
    all: bool,
    ids: Vec<Rule>,
}

impl Rules {
    fn parse(list: &str) -> Rules {
        let mut ids = Vec::new();
        for id in list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            if id == "require-timeout-settings" {
                ids.extend([Rule::RequireLockTimeout, Rule::RequireStatementTimeout]);
            } else if let Some(rule) = Rule::from_id(id) {
                ids.push(rule);
            }
        }
        // Only a directive that names nothing at all silences everything: one
        // naming only unknown ids silences nothing.
        Rules {
            all: list.trim().is_empty(),
            ids,
        }
    }

    fn contains(&self, rule: Rule) -> bool {
        self.all || self.ids.contains(&rule)
    }

    fn merge(&mut self, other: Rules) {
        self.all |= other.all;
        self.ids.extend(other.ids);
    }
}

/// The suppressions of one file.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    file: Rules,
    /// Target line → rules silenced for the statement starting there (or a
    /// finding reported on it).
    lines: HashMap<u32, Rules>,
}

enum Directive {
    File(Rules),
    Next(Rules),
}

fn directive(comment: &str) -> Option<Directive> {
    let text = comment.trim();
    for (prefix, file) in [
        ("shipdeck:lint-ignore-file", true),
        ("shipdeck:lint-ignore", false),
        ("squawk-ignore-file", true),
        ("squawk-ignore", false),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if !rest.is_empty() && !rest.starts_with(|c: char| c.is_whitespace()) {
                continue;
            }
            let rules = Rules::parse(rest);
            return Some(if file {
                Directive::File(rules)
            } else {
                Directive::Next(rules)
            });
        }
    }
    None
}

impl Suppressions {
    /// Reads the directives of `sql`. Cheap when there are none: the file is
    /// only tokenized again if it mentions a directive.
    pub fn read(sql: &str, engine: Engine) -> Suppressions {
        let mut out = Suppressions::default();
        if !sql.contains("lint-ignore") && !sql.contains("squawk-ignore") {
            return out;
        }
        let Some(comments) = source::comments(sql, engine) else {
            return out;
        };
        let mut next: Vec<(u32, Rules)> = Vec::new();
        for (line, text) in comments {
            match directive(&text) {
                Some(Directive::File(rules)) => out.file.merge(rules),
                Some(Directive::Next(rules)) => next.push((line, rules)),
                None => {}
            }
        }
        let directive_lines: HashSet<u32> = next.iter().map(|(l, _)| *l).collect();
        for (line, rules) in next {
            let mut target = line.saturating_add(1);
            while directive_lines.contains(&target) {
                target = target.saturating_add(1);
            }
            out.lines.entry(target).or_default().merge(rules);
        }
        out
    }

    /// Whether `rule`, reported on `line` in the statement starting on
    /// `stmt_line`, is silenced.
    pub fn silences(&self, rule: Rule, line: u32, stmt_line: u32) -> bool {
        self.file.contains(rule)
            || [line, stmt_line]
                .iter()
                .any(|l| self.lines.get(l).is_some_and(|r| r.contains(rule)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let s = Suppressions::read(
            "-- shipdeck:lint-ignore ban-drop-column, renaming-column\n-- squawk-ignore ban-drop-table\nALTER TABLE t DROP COLUMN a;\n/* squawk-ignore-file require-timeout-settings */\n-- shipdeck:lint-ignored nothing\nSELECT 1;",
            Engine::Postgres,
        );
        assert!(s.silences(Rule::BanDropColumn, 3, 3));
        assert!(s.silences(Rule::BanDropTable, 3, 3));
        assert!(!s.silences(Rule::BanDropColumn, 6, 6));
        assert!(s.silences(Rule::RequireLockTimeout, 6, 6));
        assert!(s.silences(Rule::RequireStatementTimeout, 1, 1));
        assert!(!s.silences(Rule::RenamingTable, 3, 3));
    }

    #[test]
    fn empty_directive_silences_everything() {
        let s = Suppressions::read("-- shipdeck:lint-ignore\nDROP TABLE t;", Engine::Sqlite);
        assert!(s.silences(Rule::BanDropTable, 2, 2));
        let s = Suppressions::read(
            "-- shipdeck:lint-ignore unknown-rule\nDROP TABLE t;",
            Engine::Sqlite,
        );
        assert!(!s.silences(Rule::BanDropTable, 2, 2));
    }
}
