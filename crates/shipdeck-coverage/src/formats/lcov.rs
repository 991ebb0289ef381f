//! lcov tracefiles (`lcov.info`, `*.lcov`). The format is one `KEY:value`
//! record per line, so it is read line by line here rather than with a
//! library. Lines: the sums of `LH`/`LF` (counted from `DA` when a section
//! omits them); branches: `BRH`/`BRF` (or `BRDA`), null when no file has one.
//!
//! Tracefiles run to hundreds of megabytes, so `DA` records (nearly all of
//! a file) take a fast path: collected in order and built into the line
//! map in one pass at `end_of_record`, rather than inserted one by one.

use std::collections::BTreeMap;

use crate::error::{bad, Result};
use crate::model::{Counts, FileCov, Parsed};

pub fn looks_like(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with("TN:") || l.starts_with("SF:"))
}

#[derive(Default)]
struct Section {
    file: Option<String>,
    cov: FileCov,
    /// `DA` records in file order: (line, hits).
    da: Vec<(u32, u64)>,
    /// `BRDA` records in file order: (line, taken).
    brda: Vec<(u32, u64)>,
    lf_lh: Option<(u64, u64)>,
    brf_brh: Option<(u64, u64)>,
}

#[derive(Default)]
struct Totals {
    lines: (u64, u64),
    branches: Option<(u64, u64)>,
}

pub fn parse(path: &str, text: &str) -> Result<Parsed> {
    let mut out = Parsed::new("lcov");
    let mut totals = Totals::default();
    let mut sec = Section::default();
    for (i, raw) in text.lines().enumerate() {
        match fast(raw.as_bytes()) {
            Fast::Da(rec) => {
                sec.da.push(rec);
                continue;
            }
            Fast::Brda(rec) => {
                sec.brda.push(rec);
                continue;
            }
            Fast::Skip => continue,
            Fast::General => {}
        }
        let line = raw.trim();
        let at = |m: &str| bad(path, format!("line {}: {m}", i + 1));
        if let Some(v) = line.strip_prefix("DA:") {
            sec.da.push(da(v).map_err(|m| at(&m))?);
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if line == "end_of_record" {
            finish(std::mem::take(&mut sec), &mut out, &mut totals);
            continue;
        }
        let (key, value) = line.split_once(':').ok_or_else(|| at("not a KEY:value record"))?;
        record(&mut sec, key, value).map_err(|m| at(&m))?;
    }
    if sec.file.is_some() {
        finish(sec, &mut out, &mut totals);
    }
    out.lines = Counts::new(totals.lines.1, totals.lines.0);
    out.branches = totals.branches.map(|(f, h)| Counts::new(h, f));
    Ok(out)
}

fn count(key: &str, s: &str) -> std::result::Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("{key}: {s:?} is not a count"))
}

enum Fast {
    Da((u32, u64)),
    Brda((u32, u64)),
    /// A function record (`FN`, `FNDA`, `FNF`, `FNH`, `FNL`, `FNA`), unused.
    Skip,
    /// Anything else, or a record the fast path does not read exactly.
    General,
}

/// The records that make up nearly all of a tracefile, read from the
/// bytes in their usual exact form; anything else (spaces, signs,
/// overflow, `\r`) goes to the general path, which reads or reports it.
fn fast(b: &[u8]) -> Fast {
    if let Some(v) = b.strip_prefix(b"DA:") {
        return da_bytes(v).map_or(Fast::General, Fast::Da);
    }
    if let Some(v) = b.strip_prefix(b"BRDA:") {
        return brda_bytes(v).map_or(Fast::General, Fast::Brda);
    }
    if let Some(v) = b.strip_prefix(b"FN") {
        let function = matches!(v.first(), Some(b':'))
            || [&b"DA:"[..], b"F:", b"H:", b"L:", b"A:"]
                .iter()
                .any(|k| v.starts_with(k));
        if function {
            return Fast::Skip;
        }
    }
    Fast::General
}

/// `line,hits` or `line,hits,checksum`.
fn da_bytes(v: &[u8]) -> Option<(u32, u64)> {
    let (line, rest) = digits(v)?;
    let (hits, rest) = digits(rest.strip_prefix(b",")?)?;
    if !(rest.is_empty() || rest[0] == b',') {
        return None;
    }
    Some((u32::try_from(line).ok()?, hits))
}

/// `line,block,branch,taken` (taken a count or `-`, never evaluated).
fn brda_bytes(v: &[u8]) -> Option<(u32, u64)> {
    let (line, rest) = digits(v)?;
    let (_, rest) = digits(rest.strip_prefix(b",")?)?;
    let (_, rest) = digits(rest.strip_prefix(b",")?)?;
    let rest = rest.strip_prefix(b",")?;
    let taken = if rest == b"-" {
        0
    } else {
        let (t, tail) = digits(rest)?;
        if !tail.is_empty() {
            return None;
        }
        t
    };
    Some((u32::try_from(line).ok()?, taken))
}

/// A run of ASCII digits at the start of `b` (at least one, no overflow)
/// and what follows it.
fn digits(b: &[u8]) -> Option<(u64, &[u8])> {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 19 {
        return None;
    }
    let v = b[..n].iter().fold(0u64, |acc, c| acc * 10 + u64::from(c - b'0'));
    Some((v, &b[n..]))
}

/// `DA:line,hits[,checksum]`.
fn da(value: &str) -> std::result::Result<(u32, u64), String> {
    let mut parts = value.split(',');
    let l = line_of(parts.next().unwrap_or(""))?;
    let h = count("DA", parts.next().unwrap_or(""))?;
    Ok((l, h))
}

fn record(sec: &mut Section, key: &str, value: &str) -> std::result::Result<(), String> {
    let num = |s: &str| count(key, s);
    match key {
        "SF" => sec.file = Some(value.to_string()),
        "BRDA" => {
            let mut parts = value.split(',');
            let (Some(l), Some(_), Some(_), Some(taken), None) = (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) else {
                return Err("BRDA needs line,block,branch,taken".into());
            };
            let l = line_of(l)?;
            let taken = if taken == "-" { 0 } else { num(taken)? };
            sec.brda.push((l, taken));
        }
        "LF" => sec.lf_lh = Some((num(value)?, sec.lf_lh.map_or(0, |x| x.1))),
        "LH" => sec.lf_lh = Some((sec.lf_lh.map_or(0, |x| x.0), num(value)?)),
        "BRF" => sec.brf_brh = Some((num(value)?, sec.brf_brh.map_or(0, |x| x.1))),
        "BRH" => sec.brf_brh = Some((sec.brf_brh.map_or(0, |x| x.0), num(value)?)),
        _ => {}
    }
    Ok(())
}

fn line_of(s: &str) -> std::result::Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| format!("{s:?} is not a line number"))
}

/// The `DA` records as a line map, hits of a line listed twice added up.
fn line_map(mut da: Vec<(u32, u64)>) -> BTreeMap<u32, u64> {
    // Stable and linear on the usual already-sorted input.
    da.sort_by_key(|&(l, _)| l);
    da.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 = kept.1.saturating_add(next.1);
        }
        same
    });
    // Sorted, distinct keys: built in one pass.
    da.into_iter().collect()
}

/// The `BRDA` records as branch outcomes: per line, numbered in file order.
fn branch_map(mut brda: Vec<(u32, u64)>) -> BTreeMap<(u32, u32), u64> {
    brda.sort_by_key(|&(l, _)| l);
    let mut prev = None;
    let mut n = 0u32;
    brda.into_iter()
        .map(|(l, taken)| {
            n = if prev == Some(l) { n.saturating_add(1) } else { 0 };
            prev = Some(l);
            ((l, n), taken)
        })
        .collect()
}

fn finish(mut sec: Section, out: &mut Parsed, totals: &mut Totals) {
    sec.cov.lines = line_map(std::mem::take(&mut sec.da));
    sec.cov.branches = branch_map(std::mem::take(&mut sec.brda));
    let (lf, lh) = sec.lf_lh.unwrap_or_else(|| {
        let (c, t) = sec.cov.line_counts();
        (t, c)
    });
    totals.lines.0 += lf;
    totals.lines.1 += lh;
    let br = sec.brf_brh.or_else(|| {
        (!sec.cov.branches.is_empty()).then(|| {
            let hit = sec.cov.branches.values().filter(|h| **h > 0).count() as u64;
            (sec.cov.branches.len() as u64, hit)
        })
    });
    // `BRF:0` (cargo-llvm-cov writes it for every file) states no branch
    // either: the report has branch data only when some file has a branch.
    if let Some((f, h)) = br.filter(|(f, _)| *f > 0) {
        let t = totals.branches.get_or_insert((0, 0));
        t.0 += f;
        t.1 += h;
    }
    if let Some(file) = sec.file {
        crate::model::merge_into(&mut out.files, file, sec.cov);
    }
}
