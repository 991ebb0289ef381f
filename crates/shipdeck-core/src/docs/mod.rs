//! Documentation generated from the workspace's live systems, committed
//! next to the code and checked for drift in CI.

pub mod domain_model;

pub use domain_model::Drift;

/// Where the domain model page goes when `[docs] domain_model` is not set.
pub const DEFAULT_DOMAIN_MODEL: &str = "docs/domain-model.md";
