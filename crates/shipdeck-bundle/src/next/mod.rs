//! Next.js builds: per route Size and First Load JS as `next build` prints
//! them (Next.js ≤ 15, see [`classic`]), or as
//! `.next/diagnostics/route-bundle-stats.json` states them (Next.js 16 with
//! Turbopack, see [`v16`]); every JavaScript and CSS file of `static/`
//! with the routes that load it.

pub mod classic;
pub mod files;
pub mod pretty;
pub mod read;
pub mod routes;
pub mod v16;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use shipdeck_base::jobs::Progress;

use crate::detect::Found;
use crate::error::bad;
use crate::gzip::{self, Engine};
use crate::model::{BundleReport, Chunk, RouteSize, Shared};
use classic::{AppBuildManifest, BuildManifest, Router};
use files::Sizes;
use read::{json, Ordered};
use routes::PrerenderManifest;

pub use pretty::pretty_bytes;

type Res<T> = shipdeck_base::error::Result<T>;

/// A Next.js build, read: the report, and each router's "First Load JS
/// shared by all" (`next build` prints one per router; the report's
/// `shared` is the App Router's when it has routes, else the Pages
/// Router's).
#[derive(Debug, Clone)]
pub struct NextBuild {
    pub report: BundleReport,
    pub shared_app: Option<Shared>,
    pub shared_pages: Option<Shared>,
}

pub fn analyze(root: &Path, found: &Found, progress: &Progress) -> Res<BundleReport> {
    Ok(read(root, found, gzip::find_node().as_deref(), progress)?.report)
}

/// Reads the build at `found.dir`, gzip sizes by `node` when given.
pub fn read(root: &Path, found: &Found, node: Option<&Path>, progress: &Progress) -> Res<NextBuild> {
    let dir = &found.dir;
    let shown = shipdeck_base::workspace::relative(root, dir);
    let mut warnings = Vec::new();
    let mut build = match v16::read(dir, &shown)? {
        Some(stats) => read_v16(dir, &shown, &stats, node, &mut warnings, progress)?,
        None => read_classic(dir, &shown, &found.project, node, &mut warnings, progress)?,
    };
    let pre: PrerenderManifest = json(dir, "prerender-manifest.json", &shown)?.unwrap_or_default();
    let pages_manifest: Option<Ordered<String>> = json(dir, "server/pages-manifest.json", &shown)?;
    for r in &mut build.report.routes {
        if r.kind.is_none() {
            r.kind = routes::kind(&r.route, &r.router, pages_manifest.as_ref(), &pre);
        }
        r.prerendered = routes::prerendered(&r.route, &pre);
    }
    build.report.version = version(dir, &found.project, &shown);
    build.report.dir = shown;
    build.report.warnings.extend(warnings);
    Ok(build)
}

fn empty_report() -> BundleReport {
    BundleReport {
        framework: "next".into(),
        version: None,
        routes: Vec::new(),
        shared: Shared::default(),
        dir: String::new(),
        chunks: Vec::new(),
        packages: Vec::new(),
        duplicates: Vec::new(),
        budgets: Vec::new(),
        passed: true,
        warnings: Vec::new(),
        base: None,
    }
}

fn measure(
    dir: &Path,
    mut names: BTreeSet<String>,
    node: Option<&Path>,
    warnings: &mut Vec<String>,
    progress: &Progress,
) -> Res<Sizes> {
    names.extend(files::walk_static(dir, warnings));
    progress.report(0, None, "measuring chunks");
    let sizes = files::measure(dir, &names, node, warnings, progress)?;
    if sizes.engine == Some(Engine::Builtin) {
        warnings.push(
            "gzip sizes computed without Node.js (none found): they can differ from what next build prints by a few bytes per file"
                .into(),
        );
    }
    Ok(sizes)
}

fn read_classic(
    dir: &Path,
    shown: &str,
    project: &Path,
    node: Option<&Path>,
    warnings: &mut Vec<String>,
    progress: &Progress,
) -> Res<NextBuild> {
    let build: BuildManifest = json(dir, "build-manifest.json", shown)?
        .ok_or_else(|| bad(shown, "build-manifest.json is missing"))?;
    let app: Option<AppBuildManifest> = json(dir, "app-build-manifest.json", shown)?;
    let pages_manifest: Option<Ordered<String>> = json(dir, "server/pages-manifest.json", shown)?;
    let app_paths: Option<Ordered<String>> = json(dir, "app-path-routes-manifest.json", shown)?;
    progress.checkpoint()?;
    let sizes = measure(
        dir,
        classic::all_files(&build, app.as_ref()),
        node,
        warnings,
        progress,
    )?;
    let mut out = NextBuild {
        report: empty_report(),
        shared_app: None,
        shared_pages: None,
    };
    let mut loads: Vec<(String, Vec<String>)> = Vec::new();
    let app_routes = match (&app, &app_paths) {
        (Some(_), Some(p)) => routes::app_list(p),
        (Some(a), None) => routes::app_list(&app_keys(&a.pages)),
        (None, Some(p)) if !p.0.is_empty() => {
            warnings.push(
                "this build has no app-build-manifest.json (Next.js 16 with webpack): App Router routes are not measured; build with Turbopack for diagnostics/route-bundle-stats.json"
                    .into(),
            );
            Vec::new()
        }
        _ => Vec::new(),
    };
    let mut missing = BTreeSet::new();
    if let (Some(a), false) = (&app, app_routes.is_empty()) {
        let router = Router::app(&a.pages, &sizes);
        for r in &app_routes {
            push_route(&mut out.report.routes, &router, r, r, &mut missing, warnings);
            loads.push((r.clone(), router.loads(r)));
        }
        out.shared_app = Some(router.shared());
    }
    let build_keys: Vec<&str> = build.pages.keys().collect();
    let pages = routes::pages_list(
        &build_keys,
        pages_manifest.as_ref(),
        routes::has_custom_app(project),
        app_routes.iter().any(|r| r == "/_not-found"),
    );
    if !pages.is_empty() {
        let router = Router::pages(&build.pages, &sizes);
        for r in &pages {
            let entry = if r == "/404" && build.pages.get("/404").is_none() {
                "/_error"
            } else {
                r
            };
            push_route(&mut out.report.routes, &router, r, entry, &mut missing, warnings);
            loads.push((r.clone(), router.loads(entry)));
        }
        out.shared_pages = Some(router.shared());
    }
    out.report.shared = out
        .shared_app
        .clone()
        .or_else(|| out.shared_pages.clone())
        .unwrap_or_default();
    out.report.chunks = chunks(&sizes, &loads);
    Ok(out)
}

fn push_route(
    routes: &mut Vec<RouteSize>,
    router: &Router,
    route: &str,
    entry: &str,
    missing: &mut BTreeSet<String>,
    warnings: &mut Vec<String>,
) {
    let before = missing.len();
    routes.push(router.route(route, entry, missing));
    if missing.len() > before {
        warnings.push(format!(
            "{route} ({}): some of its files could not be measured (next build prints no size for it); its figures leave them out",
            router.name
        ));
    }
}

/// Routes from App Router manifest keys, when `app-path-routes-manifest.json`
/// is absent: the keys of pages and route handlers, normalized.
fn app_keys(m: &classic::Manifest) -> Ordered<String> {
    Ordered(
        m.keys()
            .filter(|k| k.ends_with("/page") || k.ends_with("/route"))
            .map(|k| (k.to_string(), routes::normalize_app_path(k)))
            .collect(),
    )
}

fn read_v16(
    dir: &Path,
    shown: &str,
    stats: &[v16::RouteStats],
    node: Option<&Path>,
    warnings: &mut Vec<String>,
    progress: &Progress,
) -> Res<NextBuild> {
    let sizes = measure(dir, v16::files(stats), node, warnings, progress)?;
    let app_paths: Ordered<String> = json(dir, "app-path-routes-manifest.json", shown)?.unwrap_or_default();
    let app: BTreeSet<&str> = app_paths.0.iter().map(|(_, v)| v.as_str()).collect();
    let shared = v16::shared(stats, &sizes);
    let mut report = empty_report();
    let mut missing = BTreeSet::new();
    let mut loads = Vec::new();
    for s in stats {
        let router = if app.contains(s.route.as_str()) {
            "app"
        } else {
            "pages"
        };
        let before = missing.len();
        let r = v16::route(s, router, &shared, &sizes, &mut missing);
        let on_disk: u64 = s
            .first_load_chunk_paths
            .iter()
            .filter_map(|f| sizes.get(f))
            .map(|z| z.bytes)
            .sum();
        if missing.len() > before {
            warnings.push(format!(
                "{}: some of its chunks are missing; its gzip figure leaves them out",
                s.route
            ));
        } else if on_disk != r.first_load_js_bytes {
            warnings.push(format!(
                "{}: route-bundle-stats.json says {} bytes, its chunks hold {on_disk} (the build folder changed since)",
                s.route, r.first_load_js_bytes
            ));
        }
        loads.push((s.route.clone(), s.first_load_chunk_paths.clone()));
        report.routes.push(r);
    }
    report.routes.sort_by(|a, b| {
        (a.router != "app")
            .cmp(&(b.router != "app"))
            .then_with(|| routes::compare(&a.route, &b.route))
    });
    report.shared = shared;
    report.chunks = chunks(&sizes, &loads);
    Ok(NextBuild {
        report,
        shared_app: None,
        shared_pages: None,
    })
}

/// Every measured file, largest first, with the routes that load it.
fn chunks(sizes: &Sizes, loads: &[(String, Vec<String>)]) -> Vec<Chunk> {
    let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (route, files) in loads {
        for f in files {
            let v = by_file.entry(f.as_str()).or_default();
            if v.last() != Some(route) {
                v.push(route.clone());
            }
        }
    }
    let mut out: Vec<Chunk> = sizes
        .map
        .iter()
        .map(|(path, z)| Chunk {
            path: path.clone(),
            bytes: z.bytes,
            gzip_bytes: z.gzip,
            routes: by_file.get(path.as_str()).cloned().unwrap_or_default(),
            packages: Vec::new(),
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    out
}

#[derive(Deserialize)]
struct Framework {
    version: Option<String>,
}

/// `diagnostics/framework.json` (written by `next build` since 14), else the
/// project's `node_modules/next/package.json`.
fn version(dir: &Path, project: &Path, shown: &str) -> Option<String> {
    let from_build = json::<Framework>(dir, "diagnostics/framework.json", shown)
        .ok()
        .flatten();
    from_build
        .and_then(|f| f.version)
        .or_else(|| {
            json::<Framework>(project, "node_modules/next/package.json", shown)
                .ok()
                .flatten()
                .and_then(|f| f.version)
        })
        .map(|v| v.chars().filter(|c| !c.is_control()).take(64).collect())
}
