//! YAML read into a JSON value through the parser's events, so that
//! nesting is bounded and aliases are refused while reading (a lockfile
//! never uses them; expanding them can grow a small file without end).

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser};

/// Deeper than any lockfile nests.
const MAX_DEPTH: usize = 64;

enum Open {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// The first document of `text`, scalars as strings.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| format!("not YAML: {e}"))?;
        let value = match event {
            Event::StreamEnd | Event::DocumentEnd if stack.is_empty() => return Ok(Value::Null),
            Event::Alias(_) => {
                return Err(format!("line {}: YAML aliases are not read", mark.line()));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("line {}: nested too deeply", mark.line()));
                }
                stack.push(match event {
                    Event::MappingStart(..) => Open::Map(Map::new(), None),
                    _ => Open::Seq(Vec::new()),
                });
                continue;
            }
            Event::Scalar(s, ..) => Value::String(s),
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(m, _)) => Value::Object(m),
                _ => return Err("not YAML: unbalanced mapping".into()),
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(s)) => Value::Array(s),
                _ => return Err("not YAML: unbalanced sequence".into()),
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(map, key)) => match key.take() {
                None => match value {
                    Value::String(k) => *key = Some(k),
                    _ => return Err(format!("line {}: a key that is not a scalar", mark.line())),
                },
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maps_sequences_and_quoted_keys() {
        let v = parse("a:\n  '/x@1.0.0(y@2)':\n    b: [1, two]\n'@s/c': ~\n").unwrap();
        assert_eq!(v["a"]["/x@1.0.0(y@2)"]["b"][1], "two");
        assert_eq!(v["@s/c"], "~");
    }

    #[test]
    fn refuses_aliases_deep_nesting_and_garbage() {
        assert!(parse("a: &x [1]\nb: *x\n").unwrap_err().contains("aliases"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&deep).unwrap_err().contains("deeply"));
        assert!(parse("a: [\n").is_err());
        assert!(parse("{ [1]: 2 }").is_err());
    }
}
