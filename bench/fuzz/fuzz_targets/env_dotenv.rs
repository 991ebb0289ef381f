//! The environments reader for a `.env` file (quotes, multi-line values, `${VAR}` expansion, `export`): any bytes, read as the environment
//! loader reads them (lossy UTF-8), give entries and problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck_core::environments::parse_file;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // An earlier file defines one key, so `${VAR}` lookups take both paths.
    let parsed = parse_file(".env.production", &text, &|k| {
        (k == "HOST").then_some("db.internal")
    });
    for e in &parsed.entries {
        assert!(e.line >= 1, "entry {} on line 0", e.key);
    }
});
