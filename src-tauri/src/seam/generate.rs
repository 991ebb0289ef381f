//! The two checked-in files derived from the command table: the main
//! window's capability and the TypeScript call wrappers.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::spec::CommandSpec;

/// What the main window may use besides the app's own commands.
const PLUGIN_PERMISSIONS: &str = r#"    "dialog:allow-open",
    "dialog:allow-save",
    {
      "identifier": "opener:allow-open-url",
      "allow": [
        {
          "url": "https://*"
        }
      ]
    }"#;

/// `capabilities/main.json`: one `allow-…` per command, then the plugins.
pub fn capability_json(specs: &[CommandSpec]) -> String {
    let mut out = String::from(
        r#"{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "main",
  "description": "The main window: Shipdeck's own commands, the folder picker, and opening https links in the browser; nothing else.",
  "windows": [
    "main"
  ],
  "permissions": [
"#,
    );
    for spec in specs {
        let _ = writeln!(out, "    \"{}\",", spec.permission());
    }
    out.push_str(PLUGIN_PERMISSIONS);
    out.push_str("\n  ]\n}\n");
    out
}

const TS_HEADER: &str = "\
// Generated from src-tauri/src/commands/table.rs by `make bindings`; do not edit.
// src-tauri/tests/seam.rs fails when this file and the table disagree.
";

const TS_TYPES: &str = "
/** Invokes an app command with its named arguments. */
export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
/** Opens a channel that calls `onMessage` for each message the app sends. */
export type OpenChannel = <T>(onMessage: (message: T) => void) => unknown;
";

/// `ui/src/lib/bindings/app/commands.ts`: the list of command names and one
/// typed wrapper per command. It imports nothing from Tauri: `api.ts`
/// passes in how to invoke and how to open a channel.
pub fn typescript(specs: &[CommandSpec]) -> String {
    let mut out = String::from(TS_HEADER);
    let imports: BTreeSet<&(String, String)> = specs
        .iter()
        .flat_map(|s| s.args.iter().chain(&s.channel).map(|a| &a.ty).chain([&s.returns]))
        .flat_map(|t| &t.imports)
        .collect();
    for (name, stem) in imports {
        let _ = writeln!(out, "import type {{ {name} }} from \"../{stem}\";");
    }
    out.push_str(TS_TYPES);
    out.push_str("\n/** Every app command, in table order. */\nexport const COMMANDS = [\n");
    for spec in specs {
        let _ = writeln!(out, "  \"{}\",", spec.name);
    }
    out.push_str("] as const;\n\nexport type CommandName = (typeof COMMANDS)[number];\n");
    out.push_str("\n/** A typed wrapper for every app command. */\n");
    out.push_str("export function commands(invoke: Invoke, channel: OpenChannel) {\n  return {\n");
    for spec in specs {
        wrapper(&mut out, spec);
    }
    out.push_str("  };\n}\n");
    out
}

fn wrapper(out: &mut String, spec: &CommandSpec) {
    let doc: Vec<&str> = spec
        .doc
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if !doc.is_empty() {
        let _ = writeln!(out, "    /** {} */", doc.join(" "));
    }
    let mut params: Vec<String> = spec
        .args
        .iter()
        .map(|a| format!("{}: {}", a.key(), a.ty.ts))
        .collect();
    let mut keys: Vec<String> = spec.args.iter().map(|a| a.key()).collect();
    if let Some(c) = &spec.channel {
        params.push(format!("{}: (message: {}) => void", c.key(), c.ty.ts));
        keys.push(format!("{0}: channel<{1}>({0})", c.key(), c.ty.ts));
    }
    // `()` is `null` in ts-rs; the wrapper resolves to nothing.
    let returns = if spec.returns.ts == "null" {
        "void"
    } else {
        &spec.returns.ts
    };
    let args = if keys.is_empty() {
        String::new()
    } else {
        format!(", {{ {} }}", keys.join(", "))
    };
    let _ = writeln!(
        out,
        "    {}: ({}): Promise<{returns}> =>\n      invoke<{returns}>(\"{}\"{args}),",
        spec.ts_name(),
        params.join(", "),
        spec.name,
    );
}
