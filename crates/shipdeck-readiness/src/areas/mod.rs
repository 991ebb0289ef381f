//! Each area's rules: the facts the API layer gathered for the area, in,
//! and the area's outcome (`pass`, `warn`, `fail`, `skipped`), out. Pure,
//! so every rule is tested here; docs/readiness.md lists them per area.

pub mod advisor;
pub mod benchmarks;
pub mod environments;
pub mod migrations;
pub mod releases;
