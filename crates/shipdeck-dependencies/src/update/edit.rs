//! Format-preserving manifest edits: one requirement changed, every other
//! byte kept. Cargo.toml and pyproject.toml through `toml_edit` (comments,
//! order and spacing survive); package.json by splicing the one string;
//! requirements*.txt by rewriting the specifier on its line.

use toml_edit::{DocumentMut, Item, Value};

use super::req::{rewrite, Flavor};
use crate::manifest::python::{normalize, split_requirement};

/// What an edit of one manifest found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// The requirement, before and after (`after` may equal `before`), and the new text.
    Changed { text: String, from: String, to: String },
    /// Cargo `workspace = true`: the root's `[workspace.dependencies]` holds it.
    Inherited,
    /// The manifest does not declare the package (in an editable form).
    Absent,
}

const CARGO_KINDS: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

/// Sets `value` to `new`, keeping its surrounding whitespace and comments.
fn set_string(value: &mut Value, new: &str) {
    let decor = value.decor().clone();
    *value = Value::from(new);
    *value.decor_mut() = decor;
}

/// The requirement string of a dependency entry (`"1.2"`, `{ version = "1.2" }`).
fn version_value(item: &mut Item) -> Option<&mut Value> {
    match item {
        Item::Value(Value::String(_)) => item.as_value_mut(),
        Item::Value(Value::InlineTable(t)) => t.get_mut("version"),
        Item::Table(t) => t.get_mut("version").and_then(Item::as_value_mut),
        _ => None,
    }
}

fn is_workspace_ref(item: &Item) -> bool {
    item.get("workspace").and_then(Item::as_bool) == Some(true)
}

fn cargo_name<'a>(key: &'a str, item: &'a Item) -> &'a str {
    item.get("package").and_then(Item::as_str).unwrap_or(key)
}

/// Edits every entry of `name` in one Cargo dependency table.
fn cargo_table(table: &mut toml_edit::Table, name: &str, change: &dyn Fn(&str) -> String) -> Option<Found> {
    let mut found = None;
    for (key, item) in table.iter_mut() {
        if cargo_name(key.get(), item) != name || item.get("git").is_some() {
            continue;
        }
        if is_workspace_ref(item) {
            found.get_or_insert(Found::Inherited);
            continue;
        }
        let Some(v) = version_value(item) else { continue };
        let Some(before) = v.as_str().map(String::from) else {
            continue;
        };
        let after = change(&before);
        set_string(v, &after);
        found = Some(Found::Req(before, after));
    }
    found
}

enum Found {
    Req(String, String),
    Inherited,
}

fn finish(doc: String, found: Option<Found>) -> Edited {
    match found {
        Some(Found::Req(from, to)) => Edited::Changed { text: doc, from, to },
        Some(Found::Inherited) => Edited::Inherited,
        None => Edited::Absent,
    }
}

fn merge(a: Option<Found>, b: Option<Found>) -> Option<Found> {
    match (a, b) {
        (Some(Found::Req(f, t)), _) | (_, Some(Found::Req(f, t))) => Some(Found::Req(f, t)),
        (a, b) => a.or(b),
    }
}

pub fn cargo(text: &str, name: &str, to: &str, bump_floor: bool) -> Result<Edited, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    let change = |req: &str| rewrite(Flavor::Cargo, req, to, bump_floor);
    let mut found = None;
    for kind in CARGO_KINDS {
        if let Some(t) = doc.get_mut(kind).and_then(Item::as_table_mut) {
            found = merge(found, cargo_table(t, name, &change));
        }
    }
    if let Some(targets) = doc.get_mut("target").and_then(Item::as_table_mut) {
        for (_, target) in targets.iter_mut() {
            for kind in CARGO_KINDS {
                if let Some(t) = target.get_mut(kind).and_then(Item::as_table_mut) {
                    found = merge(found, cargo_table(t, name, &change));
                }
            }
        }
    }
    if let Some(ws) = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(Item::as_table_mut)
    {
        found = merge(found, cargo_table(ws, name, &change));
    }
    Ok(finish(doc.to_string(), found))
}

/// The byte range of the version specifiers in a PEP 508 string
/// (`requests[socks] >=2.0,<3 ; python_version>'3'` → `>=2.0,<3`), and
/// the normalized name.
fn pep508_spec(s: &str) -> Option<(String, usize, usize)> {
    let (name, _) = split_requirement(s)?;
    let head_end = s.find(';').unwrap_or(s.len());
    let head = &s[..head_end];
    let name_end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(head.len());
    let mut start = name_end;
    if let Some(rest) = head[start..].trim_start().strip_prefix('[') {
        let close = rest.find(']')?;
        start = head.len() - rest.len() + close + 1;
    }
    let spec = &head[start..];
    let lead = spec.len() - spec.trim_start().len();
    let trimmed = spec.trim();
    let (start, end) = if trimmed.starts_with('(') && trimmed.ends_with(')') {
        (start + lead + 1, start + lead + trimmed.len() - 1)
    } else {
        (start + lead, start + lead + trimmed.len())
    };
    Some((name, start, end.max(start)))
}

/// `s` with its PEP 508 specifiers rewritten for `to`, when it names `norm`.
fn pep508_edit(s: &str, norm: &str, to: &str, bump_floor: bool) -> Option<(String, String, String)> {
    let (name, start, end) = pep508_spec(s)?;
    if name != norm {
        return None;
    }
    let before = s[start..end].trim().to_string();
    let after = rewrite(Flavor::Pep440, &before, to, bump_floor);
    Some((format!("{}{after}{}", &s[..start], &s[end..]), before, after))
}

fn pep508_array(arr: &mut toml_edit::Array, norm: &str, to: &str, bump_floor: bool) -> Option<Found> {
    let mut found = None;
    for v in arr.iter_mut() {
        let Some(s) = v.as_str() else { continue };
        if let Some((text, from, after)) = pep508_edit(s, norm, to, bump_floor) {
            set_string(v, &text);
            found = Some(Found::Req(from, after));
        }
    }
    found
}

fn poetry_table(table: &mut toml_edit::Table, norm: &str, to: &str, bump_floor: bool) -> Option<Found> {
    let mut found = None;
    for (key, item) in table.iter_mut() {
        if normalize(key.get()) != norm {
            continue;
        }
        let Some(v) = version_value(item) else { continue };
        let Some(before) = v.as_str().map(String::from) else {
            continue;
        };
        let after = rewrite(Flavor::Poetry, &before, to, bump_floor);
        set_string(v, &after);
        found = Some(Found::Req(before, after));
    }
    found
}

fn arrays_of(
    item: Option<&mut Item>,
    mut f: impl FnMut(&mut toml_edit::Array) -> Option<Found>,
) -> Option<Found> {
    let mut found = None;
    let table = item.and_then(Item::as_table_like_mut)?;
    for (_, list) in table.iter_mut() {
        if let Some(arr) = list.as_array_mut() {
            found = merge(found, f(arr));
        }
    }
    found
}

pub fn pyproject(text: &str, name: &str, to: &str, bump_floor: bool) -> Result<Edited, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    let norm = normalize(name);
    let mut found = None;
    if let Some(project) = doc.get_mut("project").and_then(Item::as_table_like_mut) {
        if let Some(arr) = project.get_mut("dependencies").and_then(Item::as_array_mut) {
            found = merge(found, pep508_array(arr, &norm, to, bump_floor));
        }
        found = merge(
            found,
            arrays_of(project.get_mut("optional-dependencies"), |a| {
                pep508_array(a, &norm, to, bump_floor)
            }),
        );
    }
    found = merge(
        found,
        arrays_of(doc.get_mut("dependency-groups"), |a| {
            pep508_array(a, &norm, to, bump_floor)
        }),
    );
    if let Some(poetry) = doc
        .get_mut("tool")
        .and_then(|t| t.get_mut("poetry"))
        .and_then(Item::as_table_mut)
    {
        for kind in ["dependencies", "dev-dependencies"] {
            if let Some(t) = poetry.get_mut(kind).and_then(Item::as_table_mut) {
                found = merge(found, poetry_table(t, &norm, to, bump_floor));
            }
        }
        if let Some(groups) = poetry.get_mut("group").and_then(Item::as_table_mut) {
            for (_, g) in groups.iter_mut() {
                if let Some(t) = g.get_mut("dependencies").and_then(Item::as_table_mut) {
                    found = merge(found, poetry_table(t, &norm, to, bump_floor));
                }
            }
        }
    }
    Ok(finish(doc.to_string(), found))
}

pub fn requirements(text: &str, name: &str, to: &str) -> Edited {
    let norm = normalize(name);
    let mut found = None;
    let mut out = String::with_capacity(text.len() + 8);
    for line in text.split_inclusive('\n') {
        let body_end = line
            .find(" #")
            .unwrap_or(line.trim_end_matches(['\n', '\r']).len());
        let body = &line[..body_end];
        let skip =
            body.trim().is_empty() || body.trim_start().starts_with(['#', '-']) || body.contains("://");
        match (!skip).then(|| pep508_edit(body, &norm, to, true)).flatten() {
            Some((new, from, after)) => {
                out.push_str(&new);
                out.push_str(&line[body_end..]);
                found = Some(Found::Req(from, after));
            }
            None => out.push_str(line),
        }
    }
    finish(out, found)
}

/// package.json: the requirement string of `name` in `dependencies`,
/// `devDependencies` or `optionalDependencies`, spliced in place. serde_json
/// reads the document (and checks the result); the byte positions come
/// from [`json::string_span`], because no JSON crate in the tree gives
/// spans back and rewriting the whole file would lose its formatting.
pub fn package_json(text: &str, name: &str, to: &str, bump_floor: bool) -> Result<Edited, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for kind in ["dependencies", "devDependencies", "optionalDependencies"] {
        let Some(before) = doc.get(kind).and_then(|d| d.get(name)).and_then(|v| v.as_str()) else {
            continue;
        };
        if before.starts_with("npm:") || before.contains(':') || before.contains('/') {
            return Ok(Edited::Absent);
        }
        let after = rewrite(Flavor::Npm, before, to, bump_floor);
        let (start, end) = json::string_span(text, kind, name).ok_or("the entry could not be located")?;
        let quoted = serde_json::to_string(&after).map_err(|e| e.to_string())?;
        let new = format!(
            "{}{}{}",
            &text[..start],
            &quoted[1..quoted.len() - 1],
            &text[end..]
        );
        let check: serde_json::Value = serde_json::from_str(&new).map_err(|e| e.to_string())?;
        if check.get(kind).and_then(|d| d.get(name)).and_then(|v| v.as_str()) != Some(after.as_str()) {
            return Err("the edited entry does not read back".into());
        }
        return Ok(Edited::Changed {
            text: new,
            from: before.to_string(),
            to: after,
        });
    }
    Ok(Edited::Absent)
}

mod json {
    //! Just enough of a JSON scanner to find where one string value sits:
    //! top-level object → key → object → key → string.

    struct Scan<'a> {
        b: &'a [u8],
        s: &'a str,
        i: usize,
    }

    impl Scan<'_> {
        fn ws(&mut self) {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }

        fn eat(&mut self, c: u8) -> Option<()> {
            self.ws();
            (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
        }

        /// A string token; the range of its content (inside the quotes).
        fn string(&mut self) -> Option<(usize, usize)> {
            self.eat(b'"')?;
            let start = self.i;
            while self.i < self.b.len() {
                match self.b[self.i] {
                    b'\\' => self.i += 2,
                    b'"' => {
                        self.i += 1;
                        return Some((start, self.i - 1));
                    }
                    _ => self.i += 1,
                }
            }
            None
        }

        fn key(&mut self) -> Option<String> {
            let (s, e) = self.string()?;
            serde_json::from_str(&self.s[s - 1..=e]).ok()
        }

        /// Skips one value of any kind.
        fn value(&mut self, depth: usize) -> Option<()> {
            self.ws();
            match *self.b.get(self.i)? {
                b'"' => self.string().map(|_| ()),
                open @ (b'{' | b'[') => {
                    if depth > 256 {
                        return None;
                    }
                    self.i += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    loop {
                        if self.eat(close).is_some() {
                            return Some(());
                        }
                        if open == b'{' {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        self.value(depth + 1)?;
                        if self.eat(b',').is_none() {
                            return self.eat(close);
                        }
                    }
                }
                _ => {
                    while self.i < self.b.len() && !b",}] \t\r\n".contains(&self.b[self.i]) {
                        self.i += 1;
                    }
                    Some(())
                }
            }
        }

        /// Positions the scanner at the value of `key` in the object here.
        fn find(&mut self, key: &str) -> Option<()> {
            self.eat(b'{')?;
            loop {
                let k = self.key()?;
                self.eat(b':')?;
                if k == key {
                    return Some(());
                }
                self.value(1)?;
                self.eat(b',')?;
            }
        }
    }

    /// The byte range of the content of the string at `outer.inner`.
    pub fn string_span(text: &str, outer: &str, inner: &str) -> Option<(usize, usize)> {
        let mut s = Scan {
            b: text.as_bytes(),
            s: text,
            i: 0,
        };
        s.find(outer)?;
        s.find(inner)?;
        s.string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_keeps_comments_and_follows_renames() {
        let text = "[package]\nname = \"a\"\n\n[dependencies]\n# pinned for msrv\nitoa = \"1.0.1\" # fast\nr = { package = \"rand\", version = \"0.7\", features = [\"x\"] }\n\n[target.'cfg(unix)'.dependencies]\nlibc = { workspace = true }\n";
        let Edited::Changed { text: out, from, to } = cargo(text, "itoa", "2.0.1", false).unwrap() else {
            panic!()
        };
        assert_eq!((from.as_str(), to.as_str()), ("1.0.1", "2.0.1"));
        assert_eq!(out, text.replace("\"1.0.1\"", "\"2.0.1\""));
        let Edited::Changed { text: out, .. } = cargo(text, "rand", "0.8.5", false).unwrap() else {
            panic!()
        };
        assert_eq!(out, text.replace("\"0.7\"", "\"0.8\""));
        assert_eq!(cargo(text, "libc", "1.0.0", false).unwrap(), Edited::Inherited);
        assert_eq!(cargo(text, "serde", "1.0.0", false).unwrap(), Edited::Absent);
    }

    #[test]
    fn pyproject_lists_and_poetry_tables() {
        let text = "[project]\ndependencies = [\n  \"Requests[socks] >=2.0,<3 ; python_version>'3'\", # http\n  \"attrs==21.1.0\",\n]\n[tool.poetry.dependencies]\npython = \"^3.9\"\nidna = { version = \"^2.8\", optional = true }\n";
        let Edited::Changed { text: out, .. } = pyproject(text, "requests", "3.1.0", false).unwrap() else {
            panic!()
        };
        assert_eq!(out, text.replace(">=2.0,<3 ;", ">=2.0,<4 ;"));
        let Edited::Changed { text: out, .. } = pyproject(text, "attrs", "23.2.0", false).unwrap() else {
            panic!()
        };
        assert_eq!(out, text.replace("attrs==21.1.0", "attrs==23.2.0"));
        let Edited::Changed { text: out, .. } = pyproject(text, "IDNA", "3.7", false).unwrap() else {
            panic!()
        };
        assert_eq!(out, text.replace("^2.8", "^3.7"));
    }

    #[test]
    fn package_json_changes_one_string_only() {
        let text = "{\n  \"name\": \"x\",\n  \"scripts\": {\"a\": \"left-pad\"},\n  \"dependencies\":   {\n    \"left-pad\" : \"^1.1.0\",\n    \"ms\": \"~0.7.1\"\n  }\n}\n";
        let Edited::Changed { text: out, from, to } = package_json(text, "ms", "2.1.3", false).unwrap()
        else {
            panic!()
        };
        assert_eq!((from.as_str(), to.as_str()), ("~0.7.1", "~2.1.3"));
        assert_eq!(out, text.replace("~0.7.1", "~2.1.3"));
        let Edited::Changed { text: out, .. } = package_json(text, "left-pad", "2.0.0", false).unwrap()
        else {
            panic!()
        };
        assert_eq!(out, text.replace("^1.1.0", "^2.0.0"));
        assert_eq!(
            package_json(text, "chalk", "1.0.0", false).unwrap(),
            Edited::Absent
        );
        assert!(package_json("{", "ms", "1.0.0", false).is_err());
    }

    #[test]
    fn requirements_lines_keep_their_comments() {
        let text = "# top\n-r base.txt\nsix==1.15.0  # pinned\nurllib3>=1.25\n";
        let Edited::Changed { text: out, .. } = requirements(text, "six", "1.16.0") else {
            panic!()
        };
        assert_eq!(out, text.replace("six==1.15.0", "six==1.16.0"));
        let Edited::Changed { text: out, .. } = requirements(text, "urllib3", "2.2.1") else {
            panic!()
        };
        assert_eq!(out, text.replace(">=1.25", ">=2.2"));
    }
}
