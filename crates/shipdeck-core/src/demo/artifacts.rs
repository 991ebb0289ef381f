//! What a release candidate comes with, so the readiness gate's artifact
//! checks have data in the demo: an architecture page that references the
//! code it describes (fresh: committed after the code's last change), the
//! README pointing to it, a committed lcov report of the Rust crates
//! (thresholds met) and the web app's Vite build output (`web/dist`,
//! ignored by git as a build output is, within its budget).

use std::collections::BTreeMap;

use git2::{ObjectType, Oid};

use super::Builder;
use crate::error::{Error, Result};

pub const ARCHITECTURE: &str = "# Architecture\n\n\
Orbit is two Rust crates and a web app.\n\n\
- [`crates/core/src/lib.rs`](../crates/core/src/lib.rs): the domain model; authentication in \
`crates/core/src/auth.rs`, persistence in `crates/core/src/db.rs`.\n\
- [`crates/api/src/routes.rs`](../crates/api/src/routes.rs): the HTTP routes, started by \
`crates/api/src/main.rs`.\n\
- [`web/src/app.js`](../web/src/app.js): the browser app, built by Vite into `web/dist`.\n\
- [`migrations/`](../migrations/): the SQLite schema, applied in order.\n\n\
See the [README](../README.md) for the layout.\n";

pub const README_MORE: &str = "\nHow the parts fit: [docs/architecture.md](docs/architecture.md).\n";

/// The Rust sources the coverage report measures.
const MEASURED: &[&str] = &[
    "crates/core/src/lib.rs",
    "crates/core/src/auth.rs",
    "crates/core/src/db.rs",
    "crates/api/src/main.rs",
    "crates/api/src/cli.rs",
    "crates/api/src/routes.rs",
];

/// A line the compiler turns into code: not blank, not a comment, an
/// attribute, a module or import line or a lone brace.
fn executable(line: &str) -> bool {
    let t = line.trim();
    !(t.is_empty()
        || t.starts_with("//")
        || t.starts_with('#')
        || t.starts_with("mod ")
        || t.starts_with("pub mod ")
        || t.starts_with("use ")
        || t == "}"
        || t == "{")
}

/// An lcov record of `file` (its `text`): every executable line hit but
/// every ninth, as `cargo llvm-cov --lcov` writes them.
fn lcov_record(file: &str, text: &str) -> String {
    let mut out = format!("SF:{file}\n");
    let (mut found, mut hit) = (0, 0);
    for (i, _) in text.lines().enumerate().filter(|(_, l)| executable(l)) {
        found += 1;
        let hits = if found % 9 == 0 { 0 } else { 1 + (i % 4) };
        if hits > 0 {
            hit += 1;
        }
        out.push_str(&format!("DA:{},{hits}\n", i + 1));
    }
    out.push_str(&format!("LF:{found}\nLH:{hit}\nend_of_record\n"));
    out
}

/// The first eight hex digits of the content's git blob id: a stable
/// content hash for asset names, as bundlers put one there.
fn content_hash(bytes: &[u8]) -> String {
    let id = Oid::hash_object(ObjectType::Blob, bytes).map_or_else(|_| "0".repeat(40), |o| o.to_string());
    id[..8].to_string()
}

/// The app's code joined into one module, comments and blank lines out.
fn bundle_js(app: &str) -> String {
    app.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("")
}

const VENDOR_JS: &str = "const s=1e3,m=60*s,h=60*m,d=24*h;export function ms(v){if(typeof v===\"number\")\
{const a=Math.abs(v);return a>=d?Math.round(v/d)+\"d\":a>=h?Math.round(v/h)+\"h\":a>=m?Math.round(v/m)+\"m\":\
a>=s?Math.round(v/s)+\"s\":v+\"ms\"}const r=/^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?$/i.exec(String(v));\
if(!r)return NaN;const n=parseFloat(r[1]);return n*({ms:1,s,m,h,d}[(r[2]||\"ms\").toLowerCase()])}\n";

const APP_CSS: &str = "body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1b1f24}\
header{display:flex;gap:1rem;padding:.75rem 1.5rem;border-bottom:1px solid #d0d7de}\
main{max-width:72rem;margin:0 auto;padding:1.5rem}table{width:100%;border-collapse:collapse}\
td,th{padding:.4rem .6rem;border-bottom:1px solid #eaeef2;text-align:left}\n";

/// `web/dist` as `vite build` with `build.manifest` writes it for
/// `web/src/app.js` (text `app`): the page, its entry chunk, a vendor chunk
/// and a stylesheet, and `.vite/manifest.json` naming them.
pub fn vite_build(app: &str) -> Vec<(String, String)> {
    let entry = format!(
        "import{{ms}}from\"./vendor-{}.js\";{}\n",
        content_hash(VENDOR_JS.as_bytes()),
        bundle_js(app)
    );
    let (vendor_file, entry_file, css_file) = (
        format!("assets/vendor-{}.js", content_hash(VENDOR_JS.as_bytes())),
        format!("assets/index-{}.js", content_hash(entry.as_bytes())),
        format!("assets/index-{}.css", content_hash(APP_CSS.as_bytes())),
    );
    let manifest = serde_json::json!({
        "index.html": {
            "file": entry_file,
            "name": "index",
            "src": "index.html",
            "isEntry": true,
            "imports": ["_vendor.js"],
            "css": [css_file],
        },
        "_vendor.js": { "file": vendor_file, "name": "vendor" },
    });
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Orbit</title>\n\
         <script type=\"module\" crossorigin src=\"/{entry_file}\"></script>\n\
         <link rel=\"modulepreload\" crossorigin href=\"/{vendor_file}\">\n\
         <link rel=\"stylesheet\" crossorigin href=\"/{css_file}\">\n</head>\n<body><div id=\"app\"></div></body>\n</html>\n"
    );
    let manifest = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    vec![
        ("web/dist/.vite/manifest.json".into(), manifest),
        ("web/dist/index.html".into(), html),
        (format!("web/dist/{entry_file}"), entry),
        (format!("web/dist/{vendor_file}"), VENDOR_JS.into()),
        (format!("web/dist/{css_file}"), APP_CSS.into()),
    ]
}

impl Builder {
    fn read(&self, rel: &str) -> Result<String> {
        let path = self.root.join(rel);
        std::fs::read_to_string(&path).map_err(Error::io("read", path))
    }

    /// The two commits that close the unreleased tail: the coverage report
    /// of the code as it now is, then the architecture page (after every
    /// change it references, so it is fresh).
    pub(super) fn artifacts(&mut self) -> Result<()> {
        let mut sources = BTreeMap::new();
        for file in MEASURED {
            sources.insert(*file, self.read(file)?);
        }
        let lcov: String = sources.iter().map(|(f, t)| lcov_record(f, t)).collect();
        self.write("coverage/lcov.info", &format!("TN:\n{lcov}"))?;
        self.commit(
            "test: coverage report of the Rust crates",
            &["coverage/lcov.info".into()],
        )?;
        self.write("docs/architecture.md", ARCHITECTURE)?;
        let readme = self.read("README.md")?;
        self.write("README.md", &format!("{readme}{README_MORE}"))?;
        self.commit(
            "docs: describe the architecture",
            &["docs/architecture.md".into(), "README.md".into()],
        )?;
        Ok(())
    }

    /// The web app's build output (not committed: `/web/dist/` is ignored).
    pub(super) fn build_web(&mut self) -> Result<()> {
        let app = self.read("web/src/app.js")?;
        for (path, text) in vite_build(&app) {
            self.write(&path, &text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcov_records_every_executable_line_and_misses_one_in_nine() {
        let text = "//! Doc.\n\npub mod a;\n\n/// x\npub fn step_1() -> u32 {\n    1\n}\n";
        let r = lcov_record("crates/core/src/lib.rs", text);
        assert_eq!(
            r,
            "SF:crates/core/src/lib.rs\nDA:6,2\nDA:7,3\nLF:2\nLH:2\nend_of_record\n"
        );
        let long: String = (0..9).map(|i| format!("let x{i} = {i};\n")).collect();
        assert!(lcov_record("f.rs", &long).contains("LF:9\nLH:8\n"));
    }

    #[test]
    fn the_vite_build_names_its_assets_by_content_and_the_manifest_names_them() {
        let a = vite_build("export function step1() {\n  return 1;\n}\n");
        let b = vite_build("export function step2() {\n  return 2;\n}\n");
        let manifest: serde_json::Value = serde_json::from_str(&a[0].1).unwrap();
        let entry = manifest["index.html"]["file"].as_str().unwrap();
        assert!(a.iter().any(|(p, _)| p == &format!("web/dist/{entry}")));
        assert_eq!(manifest["index.html"]["isEntry"], true);
        assert_ne!(a[2].0, b[2].0, "a changed entry gets a new name");
        assert_eq!(a[3].0, b[3].0, "the vendor chunk keeps its name");
    }
}
