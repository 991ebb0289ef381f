//! The migration linter: any migration text, in every dialect, inside a
//! transaction or not, lints without a panic (what sqlparser cannot parse
//! is a `syntax-error` finding), and every finding has a position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck_core::migrations::lint::lint_sql;
use shipdeck_core::migrations::Engine;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let in_transaction = data.len() % 2 == 0;
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::Mysql] {
        for f in lint_sql(sql, engine, in_transaction) {
            assert!(
                f.line >= 1 && f.column >= 1,
                "{} at {}:{}",
                f.rule,
                f.line,
                f.column
            );
        }
    }
});
