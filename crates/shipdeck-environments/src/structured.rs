//! JSON and YAML sources, flattened to environment variables the way most
//! config loaders map them (ASP.NET, Spring relaxed binding, Pydantic's
//! `env_nested_delimiter`): nested keys join with `__`, each part in
//! UPPER_SNAKE (`database: {maxConns: 5}` → `DATABASE__MAX_CONNS`), list
//! items by index (`hosts: [a]` → `HOSTS__0`). Scalars become strings:
//! numbers as written, `true`/`false`, null → empty.
//!
//! Every key keeps the line it is written on. JSON validity is judged by
//! serde_json (what an app would use); keys and lines come from
//! jsonc-parser's AST, which records positions and keeps numbers as written
//! — and, being lenient, still recovers the keys of a file serde_json
//! rejects. YAML comes from yaml-rust2's event stream, whose markers carry
//! lines; anchors, aliases and `<<` merge keys are resolved.

use std::collections::{HashMap, HashSet};

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{Check, Entry, Problem, Syntax};

/// Deeper nesting than this is not configuration; it is cut off (and the
/// parsers stay off the stack's edge).
const MAX_DEPTH: usize = 64;

/// One flattened key relative to the node it was found in, its value and
/// line.
type Flat = Vec<(String, String, u32)>;

pub fn parse_json(text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Vec::new();
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        problems.push(Problem {
            check: Check::ParseError,
            line: e.line().max(1) as u32,
            key: None,
            message: format!("invalid JSON: {e}"),
        });
    }
    if bracket_depth(text) > MAX_DEPTH {
        return (Vec::new(), problems);
    }
    let lines = LineIndex::new(text);
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default());
    let mut flat = Flat::new();
    match parsed {
        Ok(result) => match result.value {
            Some(Value::Object(obj)) => {
                for prop in obj.properties {
                    let line = lines.line(prop.range.start);
                    json_node(
                        &segment(&prop_name(&prop.name)),
                        &prop.value,
                        line,
                        &lines,
                        &mut flat,
                    );
                }
            }
            Some(_) => problems.push(Problem {
                check: Check::ParseError,
                line: 1,
                key: None,
                message: "the top level is not an object of keys".into(),
            }),
            None => {}
        },
        Err(e) if problems.is_empty() => problems.push(Problem {
            check: Check::ParseError,
            line: e.line_display().max(1) as u32,
            key: None,
            message: format!("invalid JSON: {}", e.kind()),
        }),
        Err(_) => {}
    }
    (to_entries(flat), problems)
}

fn prop_name(name: &ObjectPropName) -> String {
    match name {
        ObjectPropName::String(s) => s.value.to_string(),
        ObjectPropName::Word(w) => w.value.to_string(),
    }
}

fn json_node(key: &str, value: &Value, line: u32, lines: &LineIndex, out: &mut Flat) {
    match value {
        Value::StringLit(s) => out.push((key.into(), s.value.to_string(), line)),
        Value::NumberLit(n) => out.push((key.into(), n.value.to_string(), line)),
        Value::BooleanLit(b) => out.push((key.into(), b.value.to_string(), line)),
        Value::NullKeyword(_) => out.push((key.into(), String::new(), line)),
        Value::Object(obj) => {
            for prop in &obj.properties {
                let child = format!("{key}__{}", segment(&prop_name(&prop.name)));
                json_node(&child, &prop.value, lines.line(prop.range.start), lines, out);
            }
        }
        Value::Array(arr) => {
            for (i, item) in arr.elements.iter().enumerate() {
                let line = lines.line(item.range().start);
                json_node(&format!("{key}__{i}"), item, line, lines, out);
            }
        }
    }
}

/// Brackets opened at once, strings ignored only roughly: an upper bound.
fn bracket_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub fn parse_yaml(text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut events = Events::default();
    let mut problems = Vec::new();
    // Events before a syntax error are kept: what came before it still counts.
    if let Err(e) = Parser::new_from_str(text).load(&mut events, true) {
        problems.push(Problem {
            check: Check::ParseError,
            line: e.marker().line().max(1) as u32,
            key: None,
            message: format!("invalid YAML: {}", e.info()),
        });
    }
    let mut walker = Walker {
        events: &events.0,
        pos: 0,
        anchors: HashMap::new(),
    };
    let mut flat = Flat::new();
    while walker.pos < walker.events.len() {
        match &walker.events[walker.pos].0 {
            Event::MappingStart(..) => flat.extend(walker.node(0)),
            Event::SequenceStart(..) | Event::Scalar(..) | Event::Alias(_) => {
                let line = walker.line();
                let items = walker.node(0);
                // An empty document is a null scalar, not a problem.
                if !(items.len() == 1 && items[0].0.is_empty() && items[0].1.is_empty()) {
                    problems.push(Problem {
                        check: Check::ParseError,
                        line,
                        key: None,
                        message: "the top level is not a mapping of keys".into(),
                    });
                }
            }
            _ => walker.pos += 1,
        }
    }
    (to_entries(flat), problems)
}

#[derive(Default)]
struct Events(Vec<(Event, Marker)>);

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.0.push((ev, mark));
    }
}

struct Walker<'e> {
    events: &'e [(Event, Marker)],
    pos: usize,
    anchors: HashMap<usize, Flat>,
}

impl Walker<'_> {
    fn line(&self) -> u32 {
        self.events
            .get(self.pos)
            .map_or(1, |(_, m)| m.line().max(1) as u32)
    }

    /// Reads the node at `pos`; returns its keys relative to it (`""` for
    /// a scalar).
    fn node(&mut self, depth: usize) -> Flat {
        let Some((event, mark)) = self.events.get(self.pos) else {
            return Flat::new();
        };
        let line = mark.line().max(1) as u32;
        self.pos += 1;
        if depth > MAX_DEPTH {
            self.pos -= 1;
            self.skip();
            return Flat::new();
        }
        let (flat, anchor) = match event {
            Event::Scalar(value, style, anchor, _) => {
                let null =
                    *style == TScalarStyle::Plain && matches!(value.as_str(), "~" | "null" | "Null" | "NULL");
                let v = if null { String::new() } else { value.clone() };
                (vec![(String::new(), v, line)], *anchor)
            }
            Event::Alias(id) => (self.anchors.get(id).cloned().unwrap_or_default(), 0),
            Event::SequenceStart(anchor, _) => {
                let mut flat = Flat::new();
                let mut i = 0;
                while !self.at_end(&Event::SequenceEnd) {
                    for (k, v, l) in self.node(depth + 1) {
                        flat.push((join(&i.to_string(), &k), v, l));
                    }
                    i += 1;
                }
                self.pos += 1;
                (flat, *anchor)
            }
            Event::MappingStart(anchor, _) => (self.mapping(depth), *anchor),
            _ => (Flat::new(), 0),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, flat.clone());
        }
        flat
    }

    fn mapping(&mut self, depth: usize) -> Flat {
        let mut explicit = Flat::new();
        let mut merged = Flat::new();
        while !self.at_end(&Event::MappingEnd) {
            let key = match &self.events[self.pos].0 {
                Event::Scalar(k, ..) => Some(k.clone()),
                _ => None,
            };
            let Some(key) = key else {
                // A complex key (a list or mapping as key): not config.
                self.skip();
                self.skip();
                continue;
            };
            let key_line = self.line();
            self.pos += 1;
            if key == "<<" {
                let list = matches!(self.events.get(self.pos), Some((Event::SequenceStart(..), _)));
                if list {
                    self.pos += 1;
                    while !self.at_end(&Event::SequenceEnd) {
                        merged.extend(self.node(depth + 1));
                    }
                    self.pos += 1;
                } else {
                    merged.extend(self.node(depth + 1));
                }
                continue;
            }
            for (k, v, l) in self.node(depth + 1) {
                let line = if k.is_empty() { key_line } else { l };
                explicit.push((join(&segment(&key), &k), v, line));
            }
        }
        self.pos += 1;
        // Explicit keys win over merged ones; among merges, the first wins.
        let mut seen: HashSet<String> = explicit.iter().map(|(k, ..)| k.clone()).collect();
        let mut out: Flat = merged
            .into_iter()
            .filter(|(k, ..)| seen.insert(k.clone()))
            .collect();
        out.extend(explicit);
        out
    }

    /// True (without consuming) at `end` or when the events run out.
    fn at_end(&self, end: &Event) -> bool {
        self.events
            .get(self.pos)
            .is_none_or(|(e, _)| e == end || *e == Event::StreamEnd)
    }

    /// Steps over one node, however deep, without recursion.
    fn skip(&mut self) {
        let mut open = 0usize;
        while let Some((e, _)) = self.events.get(self.pos) {
            self.pos += 1;
            match e {
                Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open = open.saturating_sub(1),
                Event::StreamEnd => return,
                _ => {}
            }
            if open == 0 {
                return;
            }
        }
    }
}

fn join(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_string()
    } else {
        format!("{head}__{rest}")
    }
}

/// One key part in UPPER_SNAKE: `maxConns` → `MAX_CONNS`, `cache-ttl` →
/// `CACHE_TTL`; `API_KEY` and `A__B` stay.
pub fn segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else if c == '_' {
            out.push('_');
            prev_lower = false;
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out
}

fn to_entries(mut flat: Flat) -> Vec<Entry> {
    flat.sort_by_key(|(_, _, line)| *line);
    flat.into_iter()
        .map(|(key, value, line)| Entry {
            key,
            value,
            line,
            syntax: Syntax::default(),
        })
        .collect()
}

/// Byte offset → 1-based line.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(entries: &[Entry]) -> Vec<(&str, &str, u32)> {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
            .collect()
    }

    #[test]
    fn json_flattens_with_lines_and_numbers_as_written() {
        let text = "{\n  \"PORT\": 8080,\n  \"database\": {\n    \"url\": \"postgres://db/app\",\n    \"maxConns\": 1.50\n  },\n  \"debug\": false,\n  \"sentry\": null,\n  \"hosts\": [\"a\", \"b\"]\n}\n";
        let (entries, problems) = parse_json(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            flat(&entries),
            vec![
                ("PORT", "8080", 2),
                ("DATABASE__URL", "postgres://db/app", 4),
                ("DATABASE__MAX_CONNS", "1.50", 5),
                ("DEBUG", "false", 7),
                ("SENTRY", "", 8),
                ("HOSTS__0", "a", 9),
                ("HOSTS__1", "b", 9),
            ]
        );
    }

    #[test]
    fn invalid_json_is_reported_at_its_line_and_keys_are_recovered() {
        let text = "{\n  \"A\": 1,\n  \"B\": 2,\n}\n";
        let (entries, problems) = parse_json(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].check, problems[0].line), (Check::ParseError, 4));
        assert_eq!(flat(&entries), vec![("A", "1", 2), ("B", "2", 3)]);
        let (_, problems) = parse_json("[1, 2]");
        assert_eq!(problems[0].message, "the top level is not an object of keys");
    }

    #[test]
    fn yaml_flattens_with_lines_anchors_and_merges() {
        let text = "\u{feff}# orbit\ndefaults: &defaults\n  adapter: postgres\n  pool: 5\nproduction:\n  <<: *defaults\n  pool: 20\n  apiTimeoutMs: 3000\nempty: ~\nquoted: \"~\"\nlist:\n  - one\n  - two\n";
        let (entries, problems) = parse_yaml(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            flat(&entries),
            vec![
                ("DEFAULTS__ADAPTER", "postgres", 3),
                ("PRODUCTION__ADAPTER", "postgres", 3),
                ("DEFAULTS__POOL", "5", 4),
                ("PRODUCTION__POOL", "20", 7),
                ("PRODUCTION__API_TIMEOUT_MS", "3000", 8),
                ("EMPTY", "", 9),
                ("QUOTED", "~", 10),
                ("LIST__0", "one", 12),
                ("LIST__1", "two", 13),
            ]
        );
    }

    #[test]
    fn invalid_yaml_keeps_what_came_before() {
        let text = "A: 1\nB: 2\nC: [unclosed\nD: 4\n";
        let (entries, problems) = parse_yaml(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].check, Check::ParseError);
        assert!(problems[0].line >= 3, "{problems:?}");
        assert_eq!(flat(&entries)[..2], [("A", "1", 1), ("B", "2", 2)]);
    }

    #[test]
    fn yaml_top_level_must_be_a_mapping() {
        let (_, problems) = parse_yaml("- a\n- b\n");
        assert_eq!(problems[0].message, "the top level is not a mapping of keys");
        let (entries, problems) = parse_yaml("");
        assert!(entries.is_empty() && problems.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        let _ = parse_yaml(&deep);
        let _ = parse_json(&format!("{{\"a\":{deep}}}"));
        let nested = (0..200).fold("x: 1".to_string(), |acc, i| format!("k{i}:\n{}", indent(&acc)));
        let _ = parse_yaml(&nested);
    }

    fn indent(s: &str) -> String {
        s.lines().map(|l| format!("  {l}\n")).collect()
    }

    #[test]
    fn segments() {
        assert_eq!(segment("maxConns"), "MAX_CONNS");
        assert_eq!(segment("cache-ttl"), "CACHE_TTL");
        assert_eq!(segment("API_KEY"), "API_KEY");
        assert_eq!(segment("v2Api"), "V2_API");
        assert_eq!(segment("A__B"), "A__B");
    }
}
