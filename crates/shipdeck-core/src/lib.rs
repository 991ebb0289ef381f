//! Shipdeck's API layer: the one crate the desktop app (`src-tauri`) and the
//! CLI (`src/main.rs`) call, through [`api::Shipdeck`]. It opens workspaces,
//! calls one area per action, records jobs, events and audit entries in the
//! [`store`], and turns errors into the `{code, message, hint}` payload. The
//! areas' behaviour lives in their own crates (see docs/ARCHITECTURE.md).
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod api;
pub mod bindings;
pub mod charts;
pub mod demo;
pub mod docs;
pub mod doctor;
pub mod jobs;
pub mod logs;
pub mod store;

// The areas and the base, under the names the faces and tests use.
pub use shipdeck_advisor as advisor;
pub use shipdeck_base::{config, db, duration, error, net, plan_digest, secrets, tls, workspace};
pub use shipdeck_benchmarks as benchmarks;
pub use shipdeck_blueprints as blueprints;
pub use shipdeck_bundle as bundle;
pub use shipdeck_coverage as coverage;
pub use shipdeck_dependencies as dependencies;
pub use shipdeck_docs as docs_check;
pub use shipdeck_environments as environments;
pub use shipdeck_migrations as migrations;
pub use shipdeck_readiness as readiness;
pub use shipdeck_releases as releases;
pub use shipdeck_rollback as rollback;
pub use shipdeck_security as security;

pub use api::{CredentialInfo, DatabaseChoice, Paths, Shipdeck};
pub use error::{Error, ErrorPayload, Result};
