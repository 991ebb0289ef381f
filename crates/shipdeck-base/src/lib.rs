//! What every Shipdeck area builds on: the opened [`workspace`] and its
//! [`config`] (shipdeck.toml), credentials and redaction ([`secrets`]),
//! progress and cancellation ([`jobs`]), and the [`error::Error`] every area
//! returns. It knows no area: areas depend on it, never the other way.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod config;
pub mod db;
pub mod duration;
pub mod error;
pub mod jobs;
pub mod net;
pub mod plan_digest;
pub mod secrets;
pub mod tls;
pub mod workspace;

pub use error::{Error, ErrorPayload, Result};
