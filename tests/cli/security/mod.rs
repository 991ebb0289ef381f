//! `shipdeck security`: SARIF imports against real bandit and ESLint
//! output, secrets planted in real git history, vulnerable lockfiles
//! matched against a local OSV-compatible server.

mod sarif;
mod secrets;
pub(crate) mod vulns;
