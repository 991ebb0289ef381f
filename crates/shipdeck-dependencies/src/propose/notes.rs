//! Release notes of a dependency's upstream repository, read from its
//! forge's releases API (GitHub, GitLab, Gitea) without credentials: the
//! workspace's token is for the workspace's forge only, so it is never
//! sent here. Bounded: one page of releases, a capped answer, a timeout.

use std::cmp::Ordering;
use std::time::Duration;

use serde_json::Value;
use shipdeck_base::config::ReleaseConfig;
use shipdeck_releases::forge::{Forge, ForgeKind};
use shipdeck_releases::publish::path_segment;

use crate::run::repository_url;

/// Releases read per package (one page, newest first).
pub const MAX_RELEASES: usize = 10;
/// The largest releases answer read.
const MAX_ANSWER: usize = 2 << 20;

/// One upstream release within the bump's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub tag: String,
    pub title: String,
    /// As the forge has it (unsanitized, unbounded: the body bounds it).
    pub body: String,
    pub url: Option<String>,
}

/// What could be learnt of one bump's release notes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    /// Releases in (from, to], newest first.
    pub releases: Vec<Note>,
    /// The releases page, to link when nothing (or not all) could be read.
    pub page: Option<String>,
}

/// The forge of an upstream repository URL: a known forge by host name
/// (the Releases area's rule; github.com → api.github.com), or a host the
/// user declared (`host[:port]` → kind) with its API under the
/// repository's own scheme and host.
pub fn upstream(repository: &str, declared: &[(String, ForgeKind)]) -> Option<Forge> {
    let url = repository_url(repository)?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str()?),
        None => url.host_str()?.to_string(),
    };
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let kind = declared
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(&host))
        .map(|(_, k)| *k);
    // github.com/o/r/tree/main/pkg → o/r; GitLab groups nest, up to `/-/`.
    let path_len = match kind {
        Some(ForgeKind::Gitlab) => segs.iter().position(|s| *s == "-").unwrap_or(segs.len()),
        None if host.contains("gitlab") => segs.iter().position(|s| *s == "-").unwrap_or(segs.len()),
        _ => segs.len().min(2),
    };
    let path = segs[..path_len].join("/");
    let web = format!("{}://{host}/{path}", url.scheme());
    let config = match kind {
        Some(k) => ReleaseConfig {
            forge: Some(kind_name(k).into()),
            forge_api: Some(format!("{}://{host}{}", url.scheme(), api_suffix(k))),
            ..ReleaseConfig::default()
        },
        None => ReleaseConfig::default(),
    };
    let mut forge = Forge::detect(&web, &config).ok().flatten()?;
    forge.web = web;
    Some(forge)
}

fn kind_name(k: ForgeKind) -> &'static str {
    match k {
        ForgeKind::Github => "github",
        ForgeKind::Gitlab => "gitlab",
        ForgeKind::Gitea => "gitea",
    }
}

fn api_suffix(k: ForgeKind) -> &'static str {
    match k {
        ForgeKind::Github => "/api/v3",
        ForgeKind::Gitlab => "/api/v4",
        ForgeKind::Gitea => "/api/v1",
    }
}

/// `host[:port]=kind` pairs separated by commas (`git.corp=gitlab`);
/// entries that do not read are skipped.
pub fn parse_declared(s: &str) -> Vec<(String, ForgeKind)> {
    s.split(',')
        .filter_map(|pair| {
            let (host, kind) = pair.trim().split_once('=')?;
            let kind = match kind.trim() {
                "github" => ForgeKind::Github,
                "gitlab" => ForgeKind::Gitlab,
                "gitea" | "forgejo" => ForgeKind::Gitea,
                _ => return None,
            };
            let host = host.trim();
            (!host.is_empty()).then(|| (host.to_ascii_lowercase(), kind))
        })
        .collect()
}

/// The web page listing the forge's releases.
pub fn releases_page(f: &Forge) -> String {
    match f.kind {
        ForgeKind::Gitlab => format!("{}/-/releases", f.web),
        _ => format!("{}/releases", f.web),
    }
}

/// The releases of `f` whose version is in (`from`, `to`]; an error (as a
/// sentence) when they could not be read.
pub async fn read(client: &reqwest::Client, f: &Forge, from: &str, to: &str) -> Result<Vec<Note>, String> {
    let url = match f.kind {
        ForgeKind::Github => format!("{}/repos/{}/releases?per_page={MAX_RELEASES}", f.api, f.path),
        ForgeKind::Gitlab => format!(
            "{}/projects/{}/releases?per_page={MAX_RELEASES}",
            f.api,
            path_segment(&f.path)
        ),
        ForgeKind::Gitea => format!("{}/repos/{}/releases?limit={MAX_RELEASES}", f.api, f.path),
    };
    let mut response = client.get(&url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status().as_u16()));
    }
    let mut raw = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if raw.len() + chunk.len() > MAX_ANSWER {
            return Err(format!("more than {MAX_ANSWER} bytes"));
        }
        raw.extend_from_slice(&chunk);
    }
    let list: Vec<Value> = serde_json::from_slice(&raw).map_err(|e| e.to_string())?;
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(list
        .iter()
        .take(MAX_RELEASES)
        .filter(|r| {
            let tag = text(r, "tag_name");
            version_of_tag(&tag).is_some_and(|v| {
                compare(v, from) == Some(Ordering::Greater) && compare(v, to).is_some_and(Ordering::is_le)
            })
        })
        .map(|r| Note {
            tag: text(r, "tag_name"),
            title: text(r, "name"),
            body: if f.kind == ForgeKind::Gitlab {
                text(r, "description")
            } else {
                text(r, "body")
            },
            url: r
                .get("html_url")
                .or_else(|| r.get("_links").and_then(|l| l.get("self")))
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect())
}

/// The client for upstream forges: no credentials, redirects only within
/// one origin, a timeout per request.
pub fn client(timeout: Duration) -> Option<reqwest::Client> {
    shipdeck_base::tls::ensure_ca_loaded();
    shipdeck_base::net::client_builder().timeout(timeout).build().ok()
}

/// The version a release tag names: `v1.2.3`, `1.2.3`, `pkg@1.2.3`,
/// `pkg-v1.2.3`: from the first digit that starts the tag or follows a
/// separator.
pub fn version_of_tag(tag: &str) -> Option<&str> {
    let bytes = tag.as_bytes();
    let start = (0..bytes.len()).find(|&i| {
        bytes[i].is_ascii_digit()
            && (i == 0 || matches!(bytes[i - 1], b'v' | b'V' | b'-' | b'@' | b'/' | b'_'))
    })?;
    let rest = &tag[start..];
    Some(rest.split_whitespace().next().unwrap_or(rest))
}

/// Orders two versions as semver does (`1.2` read as `1.2.0`), else as
/// PEP 440 does; `None` when they cannot be compared.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (loose_semver(a), loose_semver(b)) {
        return Some(x.cmp(&y));
    }
    let pep = |s: &str| s.parse::<pep440_rs::Version>().ok();
    Some(pep(a)?.cmp(&pep(b)?))
}

fn loose_semver(s: &str) -> Option<semver::Version> {
    if let Ok(v) = semver::Version::parse(s) {
        return Some(v);
    }
    // `1.2` or `1`, with any pre-release or build after: pad the core.
    let (core, rest) = s.split_at(s.find(['-', '+']).unwrap_or(s.len()));
    let dots = core.matches('.').count();
    if dots >= 2 || core.is_empty() {
        return None;
    }
    semver::Version::parse(&format!("{core}{}{rest}", ".0".repeat(2 - dots))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_versions() {
        assert_eq!(version_of_tag("v4.17.21"), Some("4.17.21"));
        assert_eq!(version_of_tag("lodash@4.17.21"), Some("4.17.21"));
        assert_eq!(version_of_tag("core-v2.0.0-rc.1"), Some("2.0.0-rc.1"));
        assert_eq!(version_of_tag("release 3"), None);
        assert_eq!(compare("1.2", "1.2.0"), Some(Ordering::Equal));
        assert_eq!(compare("1.10.0", "1.9.9"), Some(Ordering::Greater));
        assert_eq!(compare("2.0.0rc1", "2.0.0"), Some(Ordering::Less));
    }

    #[test]
    fn upstream_forges() {
        let gh = upstream("git+https://github.com/lodash/lodash.git", &[]).unwrap();
        assert_eq!(
            (gh.kind, gh.api.as_str()),
            (ForgeKind::Github, "https://api.github.com")
        );
        let mono = upstream("https://github.com/babel/babel/tree/main/packages/core", &[]).unwrap();
        assert_eq!(mono.path, "babel/babel");
        let gl = upstream("https://gitlab.com/g/sub/proj/-/tree/main", &[]).unwrap();
        assert_eq!(
            (gl.path.as_str(), gl.api.as_str()),
            ("g/sub/proj", "https://gitlab.com/api/v4")
        );
        assert!(upstream("https://git.example/a/b", &[]).is_none());
        let declared = parse_declared("127.0.0.1:8080=gitea, bad, x=svn");
        assert_eq!(declared, vec![("127.0.0.1:8080".to_string(), ForgeKind::Gitea)]);
        let local = upstream("http://127.0.0.1:8080/acme/left-pad", &declared).unwrap();
        assert_eq!(local.api, "http://127.0.0.1:8080/api/v1");
        assert_eq!(
            releases_page(&local),
            "http://127.0.0.1:8080/acme/left-pad/releases"
        );
    }
}
