//! Cobertura XML (`coverage.xml`, `cobertura*.xml`), read with quick-xml
//! (no DTD or external entity is ever loaded). Lines: the root's
//! `lines-covered` / `lines-valid`; branches: `branches-covered` /
//! `branches-valid`, null when `branches-valid` is 0 or absent. Each
//! `<class filename>`'s `<line>`s (outside `<method>`) form the line map.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::{bad, Result};
use crate::model::{Counts, FileCov, Parsed};

#[derive(Default)]
struct State {
    depth: usize,
    root: bool,
    in_source: bool,
    in_method: usize,
    file: Option<String>,
    root_lines: Option<(Option<u64>, Option<u64>)>,
    root_branches: (Option<u64>, Option<u64>),
}

pub fn parse(path: &str, text: &str) -> Result<Parsed> {
    let mut out = Parsed::new("cobertura");
    let mut st = State::default();
    let mut reader = Reader::from_str(text);
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| bad(path, format!("XML at byte {}: {e}", reader.error_position())))?;
        match ev {
            Event::Start(e) => {
                open(path, &e, &mut st, &mut out)?;
                st.depth += 1;
            }
            Event::Empty(e) => {
                open(path, &e, &mut st, &mut out)?;
                close(e.name().as_ref(), &mut st);
            }
            Event::End(e) => {
                st.depth = st.depth.saturating_sub(1);
                close(e.name().as_ref(), &mut st);
            }
            Event::Text(t) if st.in_source => {
                let s = t.xml_content(XmlVersion::Implicit1_0).trim().to_string();
                if !s.is_empty() {
                    out.sources.push(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !st.root || st.depth != 0 {
        return Err(bad(path, "not a complete Cobertura <coverage> document"));
    }
    totals(&st, &mut out);
    Ok(out)
}

fn totals(st: &State, out: &mut Parsed) {
    let (mut covered, mut total) = (0, 0);
    for f in out.files.values() {
        let (c, t) = f.line_counts();
        covered += c;
        total += t;
    }
    let (rc, rt) = st.root_lines.unwrap_or((None, None));
    out.lines = Counts::new(rc.unwrap_or(covered), rt.unwrap_or(total));
    out.branches = match st.root_branches {
        (Some(c), Some(t)) if t > 0 => Some(Counts::new(c, t)),
        _ => None,
    };
}

fn attr(path: &str, e: &BytesStart, key: &str) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|err| bad(path, format!("XML attribute: {err}")))?;
        if a.key.as_ref() == key {
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| bad(path, format!("XML attribute {key}: {err}")))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn count(path: &str, e: &BytesStart, key: &str) -> Result<Option<u64>> {
    attr(path, e, key)?
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| bad(path, format!("{key}={v:?} is not a count")))
        })
        .transpose()
}

fn open(path: &str, e: &BytesStart, st: &mut State, out: &mut Parsed) -> Result<()> {
    let name = e.name();
    let name = name.as_ref();
    if st.depth == 0 {
        if name != "coverage" {
            return Err(bad(path, "the root element is not <coverage>"));
        }
        st.root = true;
        st.root_lines = Some((count(path, e, "lines-covered")?, count(path, e, "lines-valid")?));
        st.root_branches = (
            count(path, e, "branches-covered")?,
            count(path, e, "branches-valid")?,
        );
        return Ok(());
    }
    match name {
        "source" => st.in_source = true,
        "method" => st.in_method += 1,
        "class" => {
            let file = attr(path, e, "filename")?.ok_or_else(|| bad(path, "<class> without filename"))?;
            out.files.entry(file.clone()).or_default();
            st.file = Some(file);
        }
        "line" if st.in_method == 0 => {
            if let Some(file) = &st.file {
                let cov = out.files.entry(file.clone()).or_default();
                line(path, e, cov)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn close(name: &str, st: &mut State) {
    match name {
        "source" => st.in_source = false,
        "method" => st.in_method = st.in_method.saturating_sub(1),
        "class" => st.file = None,
        _ => {}
    }
}

fn line(path: &str, e: &BytesStart, cov: &mut FileCov) -> Result<()> {
    let number = count(path, e, "number")?.ok_or_else(|| bad(path, "<line> without number"))?;
    let number = super::line_no(path, number)?;
    let hits = count(path, e, "hits")?.unwrap_or(0);
    let h = cov.lines.entry(number).or_default();
    *h = h.saturating_add(hits);
    // condition-coverage="50% (1/2)": the first `covered` outcomes ran.
    if let Some(cc) = attr(path, e, "condition-coverage")? {
        let inner = cc.split_once('(').and_then(|(_, r)| r.strip_suffix(')'));
        let (c, t) = inner
            .and_then(|s| s.split_once('/'))
            .and_then(|(c, t)| Some((c.trim().parse::<u32>().ok()?, t.trim().parse::<u32>().ok()?)))
            .ok_or_else(|| bad(path, format!("condition-coverage={cc:?} unreadable")))?;
        for i in 0..t.min(4096) {
            cov.branches.insert((number, i), u64::from(i < c));
        }
    }
    Ok(())
}
