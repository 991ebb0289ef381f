//! The advisor's predicate extractor: a query text from pg_stat_statements,
//! the slow log or `queries/**/*.sql` is parsed, walked for tables, aliases
//! and filtered columns, masked and counted without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck_core::advisor::predicates;
use shipdeck_core::migrations::Engine;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    // Counted on every text, as the advisor does before it plans one.
    let _ = predicates::placeholder_count(sql);
    for engine in [Engine::Sqlite, Engine::Postgres, Engine::Mysql] {
        let _ = predicates::mask_literals(sql, engine);
        let Ok(stmt) = predicates::parse(sql, engine) else {
            continue;
        };
        let _ = predicates::tables(&stmt);
        let _ = predicates::relations(&stmt);
        // Once with no catalog (every column kept) and once with a catalog
        // (columns matched against it), the two paths the advisor takes.
        let _ = predicates::table_uses(&stmt, &|_| Vec::new());
        let mut uses = predicates::table_uses(&stmt, &|_| vec!["id".to_string(), "a".to_string()]);
        for u in &mut uses {
            u.order_by_selectivity(&|c| Some(c.len() as f64));
            let _ = u.candidates();
        }
    }
});
