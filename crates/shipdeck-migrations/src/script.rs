//! A dry run's SQL as one script.

use super::run::{Direction, RunStep};
use super::Engine;

/// The exact SQL a dry run would execute, as a script a DBA can read (and
/// run by hand): each migration verbatim, inside `BEGIN`/`COMMIT` where
/// Shipdeck runs it in a transaction.
pub(crate) fn script(engine: Engine, direction: Direction, steps: &[RunStep]) -> String {
    let mut out = String::new();
    if steps.is_empty() {
        out.push_str("-- nothing to run\n");
    }
    for s in steps {
        let how = if s.transaction {
            "in a transaction"
        } else if engine == Engine::Mysql {
            "MariaDB/MySQL commits DDL at once"
        } else {
            "no transaction"
        };
        let dir = match direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        out.push_str(&format!("-- {} {} ({dir}, {how})\n", s.version, s.description));
        if s.transaction {
            out.push_str("BEGIN;\n");
        }
        out.push_str(s.sql.trim_end());
        out.push('\n');
        if s.transaction {
            out.push_str("COMMIT;\n");
        }
        out.push('\n');
    }
    out
}
