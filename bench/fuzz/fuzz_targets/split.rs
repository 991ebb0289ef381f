//! The migration splitter: any text, in every dialect, splits without a
//! panic into statements that are pieces of the text, each starting on a
//! line the text has.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck_core::migrations::split::split;
use shipdeck_core::migrations::Engine;

fuzz_target!(|data: &[u8]| {
    // Migrations that are not UTF-8 are refused before splitting.
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let lines = sql.split('\n').count() as u32;
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::Mysql] {
        for stmt in split(sql, engine) {
            assert!(!stmt.sql.trim().is_empty(), "empty statement from {engine:?}");
            assert!(
                sql.contains(&stmt.sql),
                "statement text not in the file ({engine:?})"
            );
            assert!(
                (1..=lines).contains(&stmt.line),
                "line {} outside 1..={lines} ({engine:?})",
                stmt.line
            );
        }
    }
});
