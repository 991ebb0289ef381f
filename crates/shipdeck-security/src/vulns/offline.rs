//! OSV's offline exports: `OSV_DIR/<Ecosystem>/all.zip`, one `<ID>.json`
//! record per entry, folders spelled as OSV spells the ecosystems. Only the
//! records about a package of the workspace are kept. Bounded: entries
//! counted, each entry read to a fixed size whatever its header claims, and
//! all of them to a fixed total, so a crafted archive (zip bomb) stops the
//! scan with an error instead of filling memory.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

use super::osv::{Advisory, Packages};
use super::source::Found;
use super::Ecosystem;
use crate::error::SecurityError;

/// Entries one export may hold (npm's, the largest, holds a few hundred
/// thousand).
pub const MAX_ENTRIES: usize = 2_000_000;
/// Largest record read.
pub const MAX_ENTRY_BYTES: u64 = 8 << 20;
/// All records of one export together, once decompressed.
pub const MAX_TOTAL_BYTES: u64 = 8 << 30;

/// Reads the export of every ecosystem of `wanted`; a missing one is an
/// error (skipping it would report that ecosystem clean).
pub fn load(dir: &Path, wanted: &BTreeSet<(Ecosystem, String)>, progress: &Progress) -> Result<Found> {
    let mut found = Found::default();
    let ecosystems: BTreeSet<Ecosystem> = wanted.iter().map(|(e, _)| *e).collect();
    for eco in ecosystems {
        let path = dir.join(eco.osv_name()).join("all.zip");
        read_export(&path, eco, wanted, &mut found, progress)?;
    }
    Ok(found)
}

fn bad(path: &Path, reason: impl Into<String>) -> SecurityError {
    SecurityError::OsvOffline {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn read_export(
    path: &Path,
    eco: Ecosystem,
    wanted: &BTreeSet<(Ecosystem, String)>,
    found: &mut Found,
    progress: &Progress,
) -> Result<()> {
    let file = File::open(path).map_err(|e| bad(path, format!("cannot open: {e}")))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| bad(path, format!("not a zip archive: {e}")))?;
    let total = zip.len();
    if total > MAX_ENTRIES {
        return Err(bad(path, format!("{total} entries, more than {MAX_ENTRIES}")).into());
    }
    let mut read_bytes = 0u64;
    for i in 0..total {
        if i % 512 == 0 {
            progress.checkpoint()?;
            progress.report(
                i as u64,
                Some(total as u64),
                format!("reading {} advisories", eco.osv_name()),
            );
        }
        let mut entry = zip
            .by_index(i)
            .map_err(|e| bad(path, format!("entry {i}: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if entry.is_dir() || !name.ends_with(".json") {
            continue;
        }
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(bad(
                path,
                format!("{name} is larger than {} MiB", MAX_ENTRY_BYTES >> 20),
            )
            .into());
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| bad(path, format!("{name}: {e}")))?;
        if buf.len() as u64 > MAX_ENTRY_BYTES {
            return Err(bad(
                path,
                format!("{name} is larger than {} MiB", MAX_ENTRY_BYTES >> 20),
            )
            .into());
        }
        read_bytes += buf.len() as u64;
        if read_bytes > MAX_TOTAL_BYTES {
            return Err(bad(
                path,
                format!("more than {} GiB of records", MAX_TOTAL_BYTES >> 30),
            )
            .into());
        }
        keep_if_wanted(path, &name, &buf, eco, wanted, found)?;
    }
    progress.report(
        total as u64,
        Some(total as u64),
        format!("read {} advisories", eco.osv_name()),
    );
    Ok(())
}

/// Reads the record's packages first; the whole record only when one is a
/// package of the workspace.
fn keep_if_wanted(
    path: &Path,
    name: &str,
    buf: &[u8],
    eco: Ecosystem,
    wanted: &BTreeSet<(Ecosystem, String)>,
    found: &mut Found,
) -> Result<()> {
    let invalid = |e: serde_json::Error| bad(path, format!("{name}: not an OSV record: {e}"));
    let head: Packages = serde_json::from_slice(buf).map_err(invalid)?;
    let relevant = head.affected.iter().filter_map(|a| a.package.as_ref()).any(|p| {
        p.ecosystem == eco.osv_name() && wanted.contains(&(eco, super::matching::name_key(eco, &p.name)))
    });
    if relevant {
        let adv: Advisory = serde_json::from_slice(buf).map_err(invalid)?;
        if adv.id.is_empty() {
            return Err(bad(path, format!("{name}: a record without id")).into());
        }
        found.add_by_name(adv, wanted);
    }
    Ok(())
}
