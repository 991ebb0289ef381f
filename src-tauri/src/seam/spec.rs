//! What the generators need to know about a command: its name, its
//! arguments and its result, as TypeScript types from `ts_rs`.

use std::collections::BTreeSet;

use ts_rs::{Config, TypeVisitor, TS};

/// As `shipdeck_core::bindings`: JSON numbers, not bigint.
pub(super) fn ts_config() -> Config {
    Config::new().with_large_int("number")
}

/// A TypeScript type and the generated files it needs imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsType {
    pub ts: String,
    /// `(name, file stem)` of each binding to import, e.g. `("AdvisorCheck", "AdvisorCheck")`.
    pub imports: BTreeSet<(String, String)>,
}

impl TsType {
    pub fn of<T: TS + 'static + ?Sized>(cfg: &Config) -> Self {
        let mut imports = BTreeSet::new();
        collect::<T>(cfg, &mut imports);
        TsType {
            ts: T::name(cfg),
            imports,
        }
    }
}

/// The type itself when it has its own file, else the types it wraps
/// (`Vec<T>`, `Option<T>`, …).
fn collect<T: TS + 'static + ?Sized>(cfg: &Config, into: &mut BTreeSet<(String, String)>) {
    if let Some(path) = T::output_path() {
        let stem = path.with_extension("").to_string_lossy().replace('\\', "/");
        into.insert((T::ident(cfg), stem));
        return;
    }
    struct Generics<'a>(&'a Config, &'a mut BTreeSet<(String, String)>);
    impl TypeVisitor for Generics<'_> {
        fn visit<G: TS + 'static + ?Sized>(&mut self) {
            collect::<G>(self.0, self.1);
        }
    }
    T::visit_generics(&mut Generics(cfg, into));
}

/// One argument: its Rust name (the IPC key is its camelCase form) and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgSpec {
    pub name: &'static str,
    pub ty: TsType,
}

impl ArgSpec {
    pub fn of<T: TS + 'static + ?Sized>(name: &'static str, cfg: &Config) -> Self {
        ArgSpec {
            name,
            ty: TsType::of::<T>(cfg),
        }
    }

    /// The key Tauri expects in the arguments object.
    pub fn key(&self) -> String {
        camel_case(self.name)
    }
}

/// One table entry.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The entry's doc comment, one line per `///`.
    pub doc: &'static str,
    pub args: Vec<ArgSpec>,
    /// The progress (or message) channel, always the last argument.
    pub channel: Option<ArgSpec>,
    pub returns: TsType,
}

impl CommandSpec {
    /// The wrapper's name in TypeScript (`releases_rollback` → `releasesRollback`).
    pub fn ts_name(&self) -> String {
        camel_case(self.name)
    }

    /// The permission that allows the command (`allow-release-rollback`).
    pub fn permission(&self) -> String {
        format!("allow-{}", self.name.replace('_', "-"))
    }
}

/// Tauri's rename of command arguments: `dry_run` → `dryRun`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_camel_cased_as_tauri_does() {
        assert_eq!(camel_case("dry_run"), "dryRun");
        assert_eq!(camel_case("duration_s"), "durationS");
        assert_eq!(camel_case("path"), "path");
    }

    #[test]
    fn wrapped_types_import_what_they_wrap() {
        let cfg = ts_config();
        let t = TsType::of::<Option<Vec<shipdeck_core::charts::Chart>>>(&cfg);
        assert_eq!(t.ts, "Array<Chart> | null");
        assert_eq!(
            t.imports.into_iter().collect::<Vec<_>>(),
            vec![("Chart".into(), "Chart".into())]
        );
        assert!(TsType::of::<String>(&cfg).imports.is_empty());
    }
}
