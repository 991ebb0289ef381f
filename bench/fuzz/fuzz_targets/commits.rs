//! The Conventional-Commit parser: any commit message (titles, bodies,
//! footers, reverts, `Release-As`) parses without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck_core::releases::commits::parse_message;

fuzz_target!(|data: &[u8]| {
    // The history reader hands the parser lossy UTF-8, as here.
    let message = String::from_utf8_lossy(data);
    let _ = parse_message(&message);
});
