//! Gzip sizes as the JavaScript build tools compute them (level 9).
//!
//! Next.js (`gzip-size`), and the other tools that print gzip figures, run
//! Node's `zlib` at level 9. Node bundles Chromium's zlib, whose deflate
//! hashes four bytes at a time (its own hash) where stock zlib hashes three:
//! it finds other matches, so its output length differs from stock zlib's,
//! from zlib-ng's and from zlib-rs's (the workspace's flate2 backend) by a few
//! bytes on a small file and by up to half a percent on a large chunk —
//! enough to change a printed "57.7 kB" into "58.0 kB". Measured on the
//! chunks of a real `next build`: Node's `zlib.gzipSync(level 9)` and
//! `gzip-size`'s streaming agree byte for byte; flate2 (zlib-rs) and stock
//! zlib 1.2/1.3 agree with neither.
//!
//! So sizes are computed by Node itself when a `node` binary is found (the
//! figures then equal the ones the tool printed), and by flate2 otherwise,
//! with a warning saying the figures may differ slightly.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::write::GzEncoder;
use flate2::Compression;
use shipdeck_base::jobs::Progress;

/// Files larger than this are not gzipped (their size is left out).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The length of `data` gzipped at level 9 by flate2 (see the module notes:
/// close to, but not always equal to, what Node computes).
pub fn gzip_len(data: &[u8]) -> u64 {
    let mut enc = GzEncoder::new(Counter(0), Compression::new(9));
    // Writing into a counter cannot fail.
    let _ = enc.write_all(data);
    enc.finish().map_or(0, |c| c.0)
}

/// A writer that only counts.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Which compressor produced a set of sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Node's zlib: the figures the JavaScript tools print.
    Node,
    /// flate2, when no `node` was found.
    Builtin,
}

/// The `node` binary: `SHIPDECK_NODE`, else the first `node` on `PATH`.
pub fn find_node() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHIPDECK_NODE") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("node"), d.join("node.exe")])
        .find(|p| p.is_file())
}

/// Reads one absolute path per stdin line and prints `index size` (or
/// `index -1` when the file cannot be read) per file, in any order: gzip
/// runs on Node's thread pool, the way `gzip-size` calls it.
const NODE_SCRIPT: &str = r"
const fs = require('fs'), zlib = require('zlib'), rl = require('readline');
const files = [];
rl.createInterface({ input: process.stdin }).on('line', (l) => files.push(l)).on('close', async () => {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      let n = -1;
      try {
        n = (await new Promise((ok, no) => zlib.gzip(fs.readFileSync(files[i]), { level: 9 }, (e, b) => e ? no(e) : ok(b)))).length;
      } catch (e) {}
      process.stdout.write(i + ' ' + n + '\n');
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});
";

/// The gzip size of each file (`None`: unreadable or over the limit), by
/// Node when `node` is given, else by flate2 on all cores.
pub fn sizes(
    files: &[PathBuf],
    node: Option<&Path>,
    progress: &Progress,
) -> shipdeck_base::error::Result<(Vec<Option<u64>>, Engine)> {
    if let Some(node) = node {
        if let Some(v) = by_node(node, files, progress)? {
            return Ok((v, Engine::Node));
        }
    }
    Ok((builtin(files, progress)?, Engine::Builtin))
}

/// `None` when Node could not be run (the caller falls back to flate2).
fn by_node(
    node: &Path,
    files: &[PathBuf],
    progress: &Progress,
) -> shipdeck_base::error::Result<Option<Vec<Option<u64>>>> {
    let mut out = vec![None; files.len()];
    if files.is_empty() {
        return Ok(Some(out));
    }
    let Ok(mut child) = Command::new(node)
        .arg("-e")
        .arg(NODE_SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    let mut list = String::new();
    for f in files {
        list.push_str(&f.to_string_lossy());
        list.push('\n');
    }
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(list.as_bytes());
        }
    });
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Ok(None);
    };
    let mut done = 0u64;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if progress.checkpoint().is_err() {
            let _ = child.kill();
            let _ = child.wait();
            progress.checkpoint()?;
        }
        let mut it = line.split(' ');
        let (Some(Ok(i)), Some(Ok(n))) = (
            it.next().map(str::parse::<usize>),
            it.next().map(str::parse::<i64>),
        ) else {
            continue;
        };
        if let (Some(slot), Ok(n)) = (out.get_mut(i), u64::try_from(n)) {
            *slot = Some(n);
        }
        done += 1;
        progress.report(done, Some(files.len() as u64), "gzip");
    }
    let _ = writer.join();
    let ok = child.wait().is_ok_and(|s| s.success());
    Ok(ok.then_some(out))
}

fn builtin(files: &[PathBuf], progress: &Progress) -> shipdeck_base::error::Result<Vec<Option<u64>>> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![None; files.len()]);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= files.len() || progress.is_cancelled() {
                    break;
                }
                let n = read_capped(&files[i]).map(|d| gzip_len(&d));
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = n;
                progress.report(i as u64 + 1, Some(files.len() as u64), "gzip");
            });
        }
    });
    progress.checkpoint()?;
    Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

fn read_capped(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut data = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut data).ok()?;
    (data.len() as u64 <= MAX_FILE_BYTES).then_some(data)
}
