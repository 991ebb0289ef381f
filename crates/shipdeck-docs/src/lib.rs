//! Shipdeck's docs check: every Markdown page of the workspace (`README*`,
//! `docs/**`, `[docs] check`) against the code it references — relative
//! links and code spans naming a path — and the git history of those
//! paths since the page last changed (a page is stale when one changed
//! after it), and its links: missing files and anchors. See
//! docs/docs-check.md.

pub mod check;
pub mod error;
pub mod find;
pub mod history;
pub mod links;
pub mod model;
pub mod parse;
pub mod slug;
pub mod target;

use std::collections::BTreeMap;

pub use check::check;
pub use error::DocsError;
pub use model::*;

/// What a failing check is made of (`[docs] fail_on`; default: both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn {
    pub stale: bool,
    pub broken: bool,
}

impl Default for FailOn {
    fn default() -> Self {
        FailOn {
            stale: true,
            broken: true,
        }
    }
}

/// What `docs check` reads.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `[docs] check`: globs of more pages, relative to the workspace.
    pub globs: Vec<String>,
    pub fail_on: FailOn,
    /// Recorded reviews by page path.
    pub reviews: BTreeMap<String, Review>,
    /// Check external http(s) links too (`--links`), this way.
    pub links: Option<links::LinkOptions>,
}

/// Pages larger than this are not read (listed as skipped).
pub const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;
