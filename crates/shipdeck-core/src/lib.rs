//! Shipdeck's core: every piece of behaviour, with no GUI dependency. The
//! desktop app (`src-tauri`) and the CLI (`src/main.rs`) are thin faces over
//! [`api::Shipdeck`].
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod advisor;
pub mod api;
pub mod bench;
pub mod bindings;
pub mod charts;
pub mod config;
pub mod db;
pub mod demo;
pub mod docs;
pub mod doctor;
pub mod duration;
pub mod environments;
pub mod error;
pub mod jobs;
pub mod logs;
pub mod migrations;
pub mod net;
pub mod plan_digest;
pub mod releases;
pub mod secrets;
pub mod store;
pub mod tls;
pub mod workspace;

pub use api::{CredentialInfo, DatabaseChoice, Paths, Shipdeck};
pub use error::{Error, ErrorPayload, Result};
