//! A small vanilla web app written into a folder, and the real bundlers
//! that build it: Vite from `ui/node_modules`, esbuild, webpack and Rollup
//! from the bundlers `scripts/setup.sh` installs. The app has two entries
//! (`main`, `about`), a module both import, a dynamic import, CSS, and the
//! npm package `dupe` in two versions (`node_modules/dupe` 1.0.0 and
//! `node_modules/other/node_modules/dupe` 2.0.0).

#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn write_app(root: &Path) {
    write(
        root,
        "package.json",
        r#"{"name":"app","private":true,"type":"module"}"#,
    );
    write(
        root,
        "index.html",
        r#"<!doctype html><html><head><link rel="stylesheet" href="/src/main.css"></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>"#,
    );
    write(
        root,
        "about.html",
        r#"<!doctype html><html><body><div id="app"></div><script type="module" src="/src/about.js"></script></body></html>"#,
    );
    write(
        root,
        "src/main.css",
        "#app { color: rebeccapurple; padding: 1rem; }\n",
    );
    write(
        root,
        "src/shared.js",
        "import { pad } from \"dupe\";\nexport function greet(name) { const el = document.createElement(\"p\"); el.textContent = pad(\"hello \" + name, 40); document.body.append(el); return el; }\n",
    );
    write(
        root,
        "src/main.js",
        "import { greet } from \"./shared.js\";\ngreet(\"main\");\ndocument.querySelector(\"#app\").addEventListener(\"click\", async () => { const m = await import(\"./lazy.js\"); m.lazy(); });\n",
    );
    write(
        root,
        "src/lazy.js",
        "export function lazy() { console.log(\"lazy loaded, a chunk of its own\"); }\n",
    );
    write(
        root,
        "src/about.js",
        "import { greet } from \"./shared.js\";\nimport { shout } from \"other\";\ngreet(shout(\"about\"));\n",
    );
    write(
        root,
        "node_modules/dupe/package.json",
        r#"{"name":"dupe","version":"1.0.0","type":"module","main":"index.js"}"#,
    );
    write(
        root,
        "node_modules/dupe/index.js",
        "export function pad(s, n) { let out = String(s); while (out.length < n) { out = out + \" ~ version one padding ~ \"; } return out.slice(0, n); }\n",
    );
    write(
        root,
        "node_modules/other/package.json",
        r#"{"name":"other","version":"3.1.0","type":"module","main":"index.js"}"#,
    );
    write(
        root,
        "node_modules/other/index.js",
        "import { pad } from \"dupe\";\nexport function shout(s) { return pad(String(s).toUpperCase() + \"!\", 24); }\n",
    );
    write(
        root,
        "node_modules/other/node_modules/dupe/package.json",
        r#"{"name":"dupe","version":"2.0.0","type":"module","main":"index.js"}"#,
    );
    write(
        root,
        "node_modules/other/node_modules/dupe/index.js",
        "export function pad(s, n) { const fill = \" = version two pads differently = \"; let out = String(s); while (out.length < n) { out += fill; } return out.substring(0, n); }\n",
    );
}

/// Vite's command line, from the workspace's `ui/node_modules`.
pub fn vite() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("ui/node_modules/vite/bin/vite.js"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "no ui/node_modules/vite above {}: run scripts/setup.sh",
                here.display()
            )
        })
}

/// The bundlers `scripts/setup.sh` installs.
pub fn bundlers() -> PathBuf {
    let tools = std::env::var_os("SHIPDECK_TOOLS").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/shipdeck-tools"),
        PathBuf::from,
    );
    let p = tools.join("bundlers/node_modules");
    assert!(
        p.join(".bin/esbuild").exists(),
        "{} missing: run scripts/setup.sh",
        p.display()
    );
    p
}

/// Runs `cmd` in `dir`, asserting success; its stdout and stderr.
pub fn run(dir: &Path, cmd: &mut Command) -> String {
    let out = cmd
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// The vanilla app built by Vite with a manifest and hidden source maps
/// (`.map` files beside the chunks, no reference in them, so the files are
/// exactly the code Vite measures). Vite's printed output.
pub fn vite_build(root: &Path) -> String {
    write(
        root,
        "vite.config.js",
        r#"export default { build: { manifest: true, sourcemap: "hidden", rollupOptions: { input: { main: "index.html", about: "about.html" } } } };"#,
    );
    run(root, Command::new("node").arg(vite()).arg("build"))
}

/// Vite's printed table: file → (raw kB, gzip kB) as printed.
pub fn vite_printed(out: &str) -> Vec<(String, f64, f64)> {
    out.lines()
        .filter_map(|l| {
            let mut cols = l.split('│');
            let first = cols.next()?.trim();
            let (file, raw) = first.split_once(char::is_whitespace)?;
            let raw: f64 = raw.trim().strip_suffix("kB")?.trim().parse().ok()?;
            let gzip: f64 = cols
                .next()?
                .trim()
                .strip_prefix("gzip:")?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()?;
            Some((file.trim_start_matches("dist/").to_string(), raw, gzip))
        })
        .collect()
}

pub fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().len()
}
