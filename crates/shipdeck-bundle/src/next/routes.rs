//! Which routes `next build` lists, and how it marks them: static (○),
//! SSG (●, with the paths prerendered) or dynamic (ƒ), read from
//! `server/pages-manifest.json`, `app-path-routes-manifest.json` and
//! `prerender-manifest.json`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::next::read::Ordered;

/// A route of `prerender-manifest.json`'s `routes`.
#[derive(Debug, Default, Deserialize)]
pub struct Prerendered {
    #[serde(default, rename = "srcRoute")]
    pub src_route: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PrerenderManifest {
    #[serde(default)]
    pub routes: Ordered<Prerendered>,
    #[serde(default, rename = "dynamicRoutes")]
    pub dynamic_routes: Ordered<serde::de::IgnoredAny>,
}

/// Next.js's `normalizeAppPath`: `/(shop)/cart/page` → `/cart`, dropping
/// route groups, parallel-route slots (`@modal`) and the final `page` or
/// `route` segment.
pub fn normalize_app_path(key: &str) -> String {
    let segs: Vec<&str> = key.split('/').collect();
    let last = segs.len().saturating_sub(1);
    let mut out = String::new();
    for (i, s) in segs.iter().enumerate() {
        let group = s.starts_with('(') && s.ends_with(')');
        if s.is_empty() || group || s.starts_with('@') || (i == last && (*s == "page" || *s == "route")) {
            continue;
        }
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The Pages Router routes: every entry of `build-manifest.json` plus the
/// API routes of `server/pages-manifest.json` (they load no client
/// JavaScript and so have no build-manifest entry), without `/_document`,
/// `/_error`, and `/_app` unless the project has its own; then `/404` when
/// neither router has a not-found page of its own. Sorted.
pub fn pages_list(
    build_keys: &[&str],
    pages_manifest: Option<&Ordered<String>>,
    custom_app: bool,
    app_has_not_found: bool,
) -> Vec<String> {
    let mut set: BTreeSet<String> = build_keys.iter().map(|s| s.to_string()).collect();
    if let Some(pm) = pages_manifest {
        set.extend(
            pm.keys()
                .filter(|k| *k == "/api" || k.starts_with("/api/"))
                .map(str::to_string),
        );
    }
    set.retain(|k| !(k == "/_document" || k == "/_error" || (!custom_app && k == "/_app")));
    if !set.contains("/404") && !app_has_not_found && !build_keys.is_empty() {
        set.insert("/404".into());
    }
    sorted(set)
}

/// Sorted the way `next build` sorts its table (`localeCompare`, the root
/// collation): punctuation before digits before letters, letters without
/// regard to case first, then lowercase before uppercase. Hand-written for
/// the characters routes hold; other characters sort by code point after
/// letters.
pub fn sorted(set: BTreeSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.into_iter().collect();
    v.sort_by(|a, b| compare(a, b));
    v
}

/// The order of [`sorted`].
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let primary = |s: &str| s.chars().map(weight).collect::<Vec<u32>>();
    let tertiary = |s: &str| s.chars().map(|c| u8::from(c.is_uppercase())).collect::<Vec<u8>>();
    primary(a)
        .cmp(&primary(b))
        .then_with(|| tertiary(a).cmp(&tertiary(b)))
        .then_with(|| a.cmp(b))
}

fn weight(c: char) -> u32 {
    const PUNCT: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
    if let Some(i) = PUNCT.find(c) {
        return i as u32;
    }
    match c {
        '0'..='9' => 100 + (c as u32 - '0' as u32),
        'a'..='z' => 200 + (c as u32 - 'a' as u32),
        'A'..='Z' => 200 + (c as u32 - 'A' as u32),
        _ => 1000 + c as u32,
    }
}

/// The App Router routes (`app-path-routes-manifest.json`'s values), without
/// `/favicon.ico`. Sorted.
pub fn app_list(app_paths: &Ordered<String>) -> Vec<String> {
    let set: BTreeSet<String> = app_paths
        .0
        .iter()
        .map(|(_, v)| v.clone())
        .filter(|v| v != "/favicon.ico")
        .collect();
    sorted(set)
}

/// `static`, `ssg` or `dynamic` (`None` for `/_app`, which has no mark).
pub fn kind(
    route: &str,
    router: &str,
    pages_manifest: Option<&Ordered<String>>,
    pre: &PrerenderManifest,
) -> Option<String> {
    if router == "pages" {
        if route == "/_app" {
            return None;
        }
        if route == "/api" || route.starts_with("/api/") {
            return Some("dynamic".into());
        }
        if pages_manifest
            .and_then(|m| m.get(route))
            .is_some_and(|f| f.ends_with(".html"))
        {
            return Some("static".into());
        }
        if route == "/404" {
            return Some("static".into());
        }
        if pre.dynamic_routes.get(route).is_some() || pre.routes.get(route).is_some() {
            return Some("ssg".into());
        }
        return Some("dynamic".into());
    }
    if pre.dynamic_routes.get(route).is_some() {
        Some("ssg".into())
    } else if pre.routes.get(route).is_some() {
        Some("static".into())
    } else {
        Some("dynamic".into())
    }
}

/// The paths prerendered from a dynamic route, in manifest order.
pub fn prerendered(route: &str, pre: &PrerenderManifest) -> Vec<String> {
    pre.routes
        .0
        .iter()
        .filter(|(k, r)| k != route && r.src_route.as_deref() == Some(route))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Whether the project has its own `pages/_app` (Next.js looks in `pages`,
/// else `src/pages`, with the default page extensions).
pub fn has_custom_app(project: &Path) -> bool {
    let dir = [project.join("pages"), project.join("src/pages")]
        .into_iter()
        .find(|d| d.is_dir());
    dir.is_some_and(|d| {
        ["tsx", "ts", "jsx", "js"]
            .iter()
            .any(|e| d.join(format!("_app.{e}")).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::{normalize_app_path, sorted};

    #[test]
    fn routes_sort_as_next_build_lists_them() {
        let set = [
            "/404",
            "/_app",
            "/",
            "/about",
            "/About",
            "/api/x",
            "/[slug]",
            "/blog-post",
            "/blog/[id]",
            "/9",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(
            sorted(set),
            [
                "/",
                "/_app",
                "/[slug]",
                "/404",
                "/9",
                "/about",
                "/About",
                "/api/x",
                "/blog-post",
                "/blog/[id]"
            ]
        );
    }

    #[test]
    fn app_keys_normalize_like_next() {
        for (k, r) in [
            ("/page", "/"),
            ("/(shop)/cart/page", "/cart"),
            ("/@modal/(.)photo/[id]/page", "/(.)photo/[id]"),
            ("/api/hello/route", "/api/hello"),
            ("/layout", "/layout"),
            ("/_not-found/page", "/_not-found"),
        ] {
            assert_eq!(normalize_app_path(k), r, "{k}");
        }
    }
}
