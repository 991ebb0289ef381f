//! Rendering: one minijinja environment per generation, with the case
//! filters, no autoescape, strict undefined values, bounded work (fuel) and
//! bounded output. Without the multi-template feature a template can
//! include, import or extend nothing: it reads only itself and the values.

use std::io::Write;

use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::error::{BlueprintError, Result};

/// The instructions one template may run.
const FUEL: u64 = 2_000_000;
/// At most this many bytes of output per template.
pub const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

/// The environment every template renders in.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_keep_trailing_newline(true);
    env.add_filter("snake_case", |s: String| s.to_snake_case());
    env.add_filter("kebab_case", |s: String| s.to_kebab_case());
    env.add_filter("pascal_case", |s: String| s.to_upper_camel_case());
    env.add_filter("camel_case", |s: String| s.to_lower_camel_case());
    env.add_filter("upper", |s: String| s.to_uppercase());
    env
}

/// A writer that refuses bytes past a limit, so a runaway loop stops there.
struct Bounded {
    buf: Vec<u8>,
    limit: usize,
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.limit {
            return Err(std::io::Error::other("output over the limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders `source` (named `file` in errors) with `ctx`.
pub(crate) fn render(env: &Environment<'_>, file: &str, source: &str, ctx: &Value) -> Result<String> {
    let fail = |message: String| BlueprintError::Render {
        file: file.to_string(),
        message,
    };
    let tmpl = env
        .template_from_named_str(file, source)
        .map_err(|e| fail(describe(&e)))?;
    let mut out = Bounded {
        buf: Vec::new(),
        limit: MAX_OUTPUT_BYTES,
    };
    if let Err(e) = tmpl.render_captured_to(ctx, &mut out) {
        // The only write that fails is the one past the limit.
        if e.kind() == minijinja::ErrorKind::WriteFailure {
            return Err(BlueprintError::TooLarge {
                what: format!("the output of {file}"),
                limit: MAX_OUTPUT_BYTES,
            });
        }
        return Err(fail(describe(&e)));
    }
    String::from_utf8(out.buf).map_err(|e| fail(e.to_string()))
}

/// The error with its line, without the template dump the debug form adds.
fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("line {line}: {e}"),
        None => e.to_string(),
    }
}
