//! Black-box tests of the `shipdeck` binary: real git repositories built
//! with git2, the real keyring (run under `make test`, which provides a
//! private Secret Service), real PostgreSQL and MariaDB on 127.0.0.1.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

mod activity;
mod advisor;
mod area_names;
mod bench;
mod blueprint;
mod bundle;
mod bundle_next;
mod config_paths;
mod coverage;
mod coverage_history;
mod demo;
mod deps;
mod deps_propose;
mod docs;
mod docs_check;
mod doctor;
mod env;
mod errors;
mod identity;
mod migrate;
mod ready;
mod ready_artifacts;
mod ready_report;
mod release;
mod rollback;
mod secret;
mod security;
mod store;
mod util;
mod workspace;
