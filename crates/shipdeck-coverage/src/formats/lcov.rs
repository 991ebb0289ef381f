//! lcov tracefiles (`lcov.info`, `*.lcov`). The format is one `KEY:value`
//! record per line, so it is read line by line here rather than with a
//! library. Lines: the sums of `LH`/`LF` (counted from `DA` when a section
//! omits them); branches: `BRH`/`BRF` (or `BRDA`), null without either.

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
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let at = |m: &str| bad(path, format!("line {}: {m}", i + 1));
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

fn record(sec: &mut Section, key: &str, value: &str) -> std::result::Result<(), String> {
    let num = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("{key}: {s:?} is not a count"))
    };
    match key {
        "SF" => sec.file = Some(value.to_string()),
        "DA" => {
            let mut parts = value.split(',');
            let l = line_of(parts.next().unwrap_or(""))?;
            let h = num(parts.next().unwrap_or(""))?;
            let e = sec.cov.lines.entry(l).or_default();
            *e = e.saturating_add(h);
        }
        "BRDA" => {
            let parts: Vec<&str> = value.split(',').collect();
            if parts.len() != 4 {
                return Err("BRDA needs line,block,branch,taken".into());
            }
            let l = line_of(parts[0])?;
            let taken = if parts[3] == "-" { 0 } else { num(parts[3])? };
            sec.cov.push_branch(l, taken);
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

fn finish(sec: Section, out: &mut Parsed, totals: &mut Totals) {
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
    if let Some((f, h)) = br {
        let t = totals.branches.get_or_insert((0, 0));
        t.0 += f;
        t.1 += h;
    }
    if let Some(file) = sec.file {
        crate::model::merge_into(&mut out.files, file, sec.cov);
    }
}
