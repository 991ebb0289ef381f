//! Gzip sizes as the JavaScript build tools compute them (level 9).

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

/// The length of `data` gzipped at level 9.
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
