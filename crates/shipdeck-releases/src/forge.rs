//! The forge behind a remote (GitHub, GitLab, Gitea/Forgejo): web links for
//! the changelog and the API for releases.

use serde::Serialize;
use ts_rs::TS;

use super::error::ReleaseError;
use shipdeck_base::config::ReleaseConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    Github,
    Gitlab,
    Gitea,
}

/// A repository on a forge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Forge {
    pub kind: ForgeKind,
    /// `https://github.com/owner/repo` (no `.git`).
    pub web: String,
    /// `owner/repo` (GitLab: the full group path).
    pub path: String,
    pub api: String,
}

/// `https://host/owner/repo(.git)`, `git@host:owner/repo(.git)`,
/// `ssh://git@host[:port]/owner/repo(.git)` → (host, path). Credentials in
/// an https URL are dropped.
pub fn parse_remote_url(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (host, path) = if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
        rest.split_once('/')?
    } else if let Some(rest) = url.strip_prefix("ssh://") {
        let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
        let (host, path) = rest.split_once('/')?;
        (host.split(':').next()?, path)
    } else if let Some((user_host, path)) = url.split_once(':') {
        if user_host.contains('/') || path.starts_with("//") {
            return None;
        }
        (user_host.rsplit_once('@').map_or(user_host, |(_, h)| h), path)
    } else {
        return None;
    };
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    (!host.is_empty() && path.contains('/')).then(|| (host.to_string(), path.to_string()))
}

impl Forge {
    /// The forge of `remote_url`, by `release.forge` or by host name.
    pub fn detect(remote_url: &str, config: &ReleaseConfig) -> Result<Option<Forge>, ReleaseError> {
        let Some((host, path)) = parse_remote_url(remote_url) else {
            return Ok(None);
        };
        let kind = match config.forge.as_deref() {
            Some("github") => ForgeKind::Github,
            Some("gitlab") => ForgeKind::Gitlab,
            Some("gitea") | Some("forgejo") => ForgeKind::Gitea,
            Some(other) => {
                return Err(ReleaseError::Config(format!(
                    "release.forge = {other:?}: use github, gitlab or gitea"
                )))
            }
            None if host.contains("github") => ForgeKind::Github,
            None if host.contains("gitlab") => ForgeKind::Gitlab,
            None if host.contains("gitea") || host.contains("codeberg") || host.contains("forgejo") => {
                ForgeKind::Gitea
            }
            None => return Ok(None),
        };
        let api = config.forge_api.clone().unwrap_or_else(|| match kind {
            ForgeKind::Github if host == "github.com" => "https://api.github.com".into(),
            ForgeKind::Github => format!("https://{host}/api/v3"),
            ForgeKind::Gitlab => format!("https://{host}/api/v4"),
            ForgeKind::Gitea => format!("https://{host}/api/v1"),
        });
        Ok(Some(Forge {
            kind,
            web: format!("https://{host}/{path}"),
            path,
            api: api.trim_end_matches('/').to_string(),
        }))
    }

    pub fn compare_url(&self, from: &str, to: &str) -> String {
        match self.kind {
            ForgeKind::Gitlab => format!("{}/-/compare/{from}...{to}", self.web),
            _ => format!("{}/compare/{from}...{to}", self.web),
        }
    }

    pub fn tag_url(&self, tag: &str) -> String {
        match self.kind {
            ForgeKind::Gitlab => format!("{}/-/tags/{tag}", self.web),
            ForgeKind::Github => format!("{}/releases/tag/{tag}", self.web),
            ForgeKind::Gitea => format!("{}/releases/tag/{tag}", self.web),
        }
    }

    pub fn commit_url(&self, sha: &str) -> String {
        match self.kind {
            ForgeKind::Gitlab => format!("{}/-/commit/{sha}", self.web),
            _ => format!("{}/commit/{sha}", self.web),
        }
    }

    /// Pull/merge requests and issues share numbers on GitHub and Gitea;
    /// the number links to the pull request page, which redirects.
    pub fn ref_url(&self, n: u64) -> String {
        match self.kind {
            ForgeKind::Github => format!("{}/pull/{n}", self.web),
            ForgeKind::Gitlab => format!("{}/-/merge_requests/{n}", self.web),
            ForgeKind::Gitea => format!("{}/pulls/{n}", self.web),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls() {
        for url in [
            "https://github.com/acme/orbit.git",
            "https://x-access-token:secret@github.com/acme/orbit",
            "git@github.com:acme/orbit.git",
            "ssh://git@github.com:22/acme/orbit.git",
        ] {
            assert_eq!(
                parse_remote_url(url),
                Some(("github.com".into(), "acme/orbit".into())),
                "{url}"
            );
        }
        assert_eq!(
            parse_remote_url("https://gitlab.com/group/sub/proj.git")
                .unwrap()
                .1,
            "group/sub/proj"
        );
        assert_eq!(parse_remote_url("/srv/git/orbit.git"), None);
        assert_eq!(parse_remote_url("file:///srv/git/orbit.git"), None);
    }

    #[test]
    fn links_per_forge() {
        let c = ReleaseConfig::default();
        let gh = Forge::detect("git@github.com:acme/orbit.git", &c)
            .unwrap()
            .unwrap();
        assert_eq!(
            gh.compare_url("v1.0.0", "v1.1.0"),
            "https://github.com/acme/orbit/compare/v1.0.0...v1.1.0"
        );
        assert_eq!(gh.ref_url(7), "https://github.com/acme/orbit/pull/7");
        assert_eq!(gh.api, "https://api.github.com");
        let gl = Forge::detect("https://gitlab.example.com/g/orbit.git", &c)
            .unwrap()
            .unwrap();
        assert_eq!(
            gl.compare_url("a", "b"),
            "https://gitlab.example.com/g/orbit/-/compare/a...b"
        );
        assert_eq!(gl.api, "https://gitlab.example.com/api/v4");
        let gt = Forge::detect("https://codeberg.org/acme/orbit", &c)
            .unwrap()
            .unwrap();
        assert_eq!(gt.kind, ForgeKind::Gitea);
        assert_eq!(gt.ref_url(3), "https://codeberg.org/acme/orbit/pulls/3");
        assert!(Forge::detect("https://git.internal/acme/orbit", &c)
            .unwrap()
            .is_none());
        let forced = ReleaseConfig {
            forge: Some("gitea".into()),
            forge_api: Some("http://127.0.0.1:9/api/v1/".into()),
            ..Default::default()
        };
        let f = Forge::detect("https://git.internal/acme/orbit", &forced)
            .unwrap()
            .unwrap();
        assert_eq!(
            (f.kind, f.api.as_str()),
            (ForgeKind::Gitea, "http://127.0.0.1:9/api/v1")
        );
    }
}
