//! Publishing a cut release: push the branch and its release tags, then
//! create the forge release (GitHub, GitLab, Gitea) with the changelog
//! section as notes. Push credentials: the configured token for https
//! remotes, else git's credential helper, else the SSH agent.

use std::time::Duration;

use git2::{Cred, CredentialType, PushOptions, RemoteCallbacks, Repository};
use serde::Serialize;
use ts_rs::TS;

use super::error::ReleaseError;
use super::forge::{Forge, ForgeKind};
use super::plan::Context;
use shipdeck_base::config::Config;
use shipdeck_base::error::Result;
use shipdeck_base::secrets::redact;

/// A release tag at HEAD, ready to publish.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PendingRelease {
    pub package: String,
    pub tag: String,
    pub version: String,
    pub prerelease: bool,
    /// The changelog section (from the tag's message) used as notes.
    pub notes: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ForgeRelease {
    pub tag: String,
    /// The release page; `null` when the forge did not return one.
    pub url: Option<String>,
    /// False when it existed already.
    pub created: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PublishResult {
    pub dry_run: bool,
    pub remote: String,
    /// Refs pushed (or to push, on a dry run).
    pub refs: Vec<String>,
    pub releases: Vec<PendingRelease>,
    pub forge: Option<Forge>,
    pub forge_releases: Vec<ForgeRelease>,
}

/// The release tags pointing at HEAD, with their notes.
pub fn pending(
    repo: &Repository,
    root: &std::path::Path,
    config: Option<&Config>,
) -> Result<(Vec<PendingRelease>, Option<Forge>, String)> {
    let ctx = Context::new(repo, root, config)?;
    let head = repo.head()?.peel_to_commit()?.id();
    let mut out = Vec::new();
    for pkg in &ctx.packages {
        let re = pkg.tag_regex()?;
        for name in shipdeck_git::tags_at(repo, head)?.iter() {
            let Some(caps) = re.captures(name) else { continue };
            let obj = repo.revparse_single(&format!("refs/tags/{name}"))?;
            let message = obj.as_tag().and_then(|t| t.message()).unwrap_or("");
            // "Release <pkg> <version>\n\n<section>": the notes are the
            // section without its heading (the release has its own title).
            let section = message.split_once("\n\n").map_or("", |(_, s)| s);
            let notes = section
                .split_once('\n')
                .map_or("", |(_, rest)| rest)
                .trim()
                .to_string();
            let version = caps["version"].to_string();
            out.push(PendingRelease {
                package: pkg.name.clone(),
                prerelease: version.contains('-'),
                tag: name.to_string(),
                version,
                notes: notes.chars().filter(|c| *c != '\r').collect(),
            });
        }
    }
    if out.is_empty() {
        return Err(ReleaseError::NotAReleaseCommit.into());
    }
    let remote = ctx
        .config
        .release
        .remote
        .clone()
        .unwrap_or_else(|| "origin".into());
    Ok((out, ctx.forge, remote))
}

/// Where git pushes for a remote: `remote.<name>.pushurl` when set, else
/// its `url`.
pub fn push_target(repo: &Repository, remote_name: &str) -> Result<String> {
    let remote = repo
        .find_remote(remote_name)
        .map_err(|_| ReleaseError::NoRemote {
            name: remote_name.to_string(),
        })?;
    Ok(remote
        .pushurl()
        .or(remote.url())
        .ok_or_else(|| ReleaseError::NoRemote {
            name: remote_name.to_string(),
        })?
        .to_string())
}

/// Pushes the current branch and `tags` to `remote_name`.
pub fn push(
    repo: &Repository,
    remote_name: &str,
    tags: &[String],
    token: Option<&str>,
) -> Result<Vec<String>> {
    let head = repo.head()?;
    let branch = head.name().ok_or(ReleaseError::DetachedHead)?.to_string();
    if !branch.starts_with("refs/heads/") {
        return Err(ReleaseError::DetachedHead.into());
    }
    let mut refspecs = vec![format!("{branch}:{branch}")];
    refspecs.extend(tags.iter().map(|t| format!("refs/tags/{t}:refs/tags/{t}")));
    push_refs(repo, remote_name, &refspecs, token)?;
    Ok(refspecs
        .into_iter()
        .map(|r| r.split(':').next().unwrap_or_default().to_string())
        .collect())
}

/// Pushes `refspecs` to `remote_name` with the push credentials: `token`
/// for https (never over plain http to another machine), else git's
/// credential helper, else the SSH agent. A ref the remote refuses is
/// `release.push_rejected`.
pub fn push_refs(
    repo: &Repository,
    remote_name: &str,
    refspecs: &[String],
    token: Option<&str>,
) -> Result<()> {
    shipdeck_base::tls::ensure_ca_loaded();
    let mut remote = repo.remote_anonymous(&push_target(repo, remote_name)?)?;
    let git_config = repo.config()?;
    let mut attempts = 0;
    let mut rejected: Vec<String> = Vec::new();
    {
        let mut callbacks = RemoteCallbacks::new();
        callbacks.credentials(|url, username, allowed| {
            attempts += 1;
            if attempts > 3 {
                return Err(git2::Error::from_str(
                    "authentication failed (tried the token, the credential helper and the SSH agent)",
                ));
            }
            if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
                // The token never goes over plain http to another machine;
                // git's own credential helper decides for itself.
                let cleartext =
                    reqwest::Url::parse(url).is_ok_and(|u| shipdeck_base::net::cleartext_to_remote(&u));
                if let (Some(t), 1, false) = (token, attempts, cleartext) {
                    return Cred::userpass_plaintext(username.unwrap_or("x-access-token"), t);
                }
                return Cred::credential_helper(&git_config, url, username);
            }
            if allowed.contains(CredentialType::SSH_KEY) {
                return Cred::ssh_key_from_agent(username.unwrap_or("git"));
            }
            Cred::default()
        });
        callbacks.push_update_reference(|name, status| {
            if let Some(msg) = status {
                rejected.push(format!("{name}: {msg}"));
            }
            Ok(())
        });
        let mut opts = PushOptions::new();
        opts.remote_callbacks(callbacks);
        remote
            .push(refspecs, Some(&mut opts))
            .map_err(|e| ReleaseError::PushRejected {
                detail: redact(e.message()).into_owned(),
            })?;
    }
    if !rejected.is_empty() {
        return Err(ReleaseError::PushRejected {
            detail: rejected.join("; "),
        }
        .into());
    }
    Ok(())
}

/// The client for `forge`'s API, once it is sure the token may go there.
pub fn client(forge: &Forge) -> std::result::Result<reqwest::Client, ReleaseError> {
    // An unparsable address fails at the request, as before.
    let cleartext =
        reqwest::Url::parse(&forge.api).is_ok_and(|u| shipdeck_base::net::cleartext_to_remote(&u));
    if cleartext {
        return Err(ReleaseError::CleartextToken {
            api: redact(&forge.api).into_owned(),
        });
    }
    shipdeck_base::net::client_builder()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| ReleaseError::ForgeUnreachable {
            detail: e.to_string(),
        })
}

/// A redirect the client did not follow (it left the forge's origin).
pub fn redirected(response: &reqwest::Response) -> Option<ReleaseError> {
    let status = response.status();
    status.is_redirection().then(|| {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok());
        ReleaseError::ForgeRedirected {
            note: shipdeck_base::net::redirect_note(status.as_u16(), location, response.url()),
        }
    })
}

/// `s` percent-encoded as one URL path segment (GitLab's `group%2Fproject`).
pub fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The header that carries `token` to `forge`'s API: each forge has its own.
pub fn auth_header(kind: ForgeKind, token: &str) -> (&'static str, String) {
    match kind {
        ForgeKind::Github => ("Authorization", format!("Bearer {token}")),
        ForgeKind::Gitlab => ("PRIVATE-TOKEN", token.to_string()),
        ForgeKind::Gitea => ("Authorization", format!("token {token}")),
    }
}

/// Creates the forge release for `release`; an existing one is reported,
/// not an error.
pub async fn create_forge_release(
    forge: &Forge,
    token: &str,
    release: &PendingRelease,
) -> Result<ForgeRelease> {
    let client = client(forge)?;
    let title = if release.package.is_empty() {
        release.tag.clone()
    } else {
        format!("{} {}", release.package, release.version)
    };
    let auth = auth_header(forge.kind, token);
    let request = match forge.kind {
        ForgeKind::Github => client
            .post(format!("{}/repos/{}/releases", forge.api, forge.path))
            .header(auth.0, auth.1)
            .header("Accept", "application/vnd.github+json")
            .json(&serde_json::json!({
                "tag_name": release.tag, "name": title, "body": release.notes,
                "draft": false, "prerelease": release.prerelease,
            })),
        ForgeKind::Gitlab => client
            .post(format!("{}/projects/{}/releases", forge.api, path_segment(&forge.path)))
            .header(auth.0, auth.1)
            .json(&serde_json::json!({ "tag_name": release.tag, "name": title, "description": release.notes })),
        ForgeKind::Gitea => client
            .post(format!("{}/repos/{}/releases", forge.api, forge.path))
            .header(auth.0, auth.1)
            .json(&serde_json::json!({
                "tag_name": release.tag, "name": title, "body": release.notes, "prerelease": release.prerelease,
            })),
    };
    let response = request.send().await.map_err(|e| ReleaseError::ForgeUnreachable {
        detail: redact(&e.to_string()).into_owned(),
    })?;
    if let Some(e) = redirected(&response) {
        return Err(e.into());
    }
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    if status.is_success() {
        let url = body
            .get("html_url")
            .or_else(|| body.get("_links").and_then(|l| l.get("self")))
            .and_then(|u| u.as_str())
            .map(str::to_string);
        return Ok(ForgeRelease {
            tag: release.tag.clone(),
            url,
            created: true,
        });
    }
    let text = body.to_string();
    let exists = matches!(status.as_u16(), 409 | 422) && text.to_ascii_lowercase().contains("already");
    if exists {
        return Ok(ForgeRelease {
            tag: release.tag.clone(),
            url: None,
            created: false,
        });
    }
    Err(forge_error(status.as_u16(), &body).into())
}

/// A forge's refusal: its `message` (else the whole answer), cut to 300
/// characters, with anything that looks like a secret redacted.
pub(crate) fn forge_error(status: u16, body: &serde_json::Value) -> ReleaseError {
    let detail: String = body
        .get("message")
        .and_then(serde_json::Value::as_str)
        .map_or_else(|| body.to_string(), str::to_string)
        .chars()
        .take(300)
        .collect();
    ReleaseError::Forge {
        status,
        detail: redact(&detail).into_owned(),
    }
}

/// Marks a forge release as rolled back (title and a note on top).
pub async fn mark_superseded(forge: &Forge, token: &str, tag: &str, note: &str) -> Result<()> {
    let client = client(forge)?;
    let auth = auth_header(forge.kind, token);
    let get = match forge.kind {
        ForgeKind::Github | ForgeKind::Gitea => {
            format!("{}/repos/{}/releases/tags/{tag}", forge.api, forge.path)
        }
        ForgeKind::Gitlab => format!(
            "{}/projects/{}/releases/{}",
            forge.api,
            path_segment(&forge.path),
            path_segment(tag)
        ),
    };
    let unreachable = |e: reqwest::Error| ReleaseError::ForgeUnreachable {
        detail: redact(&e.to_string()).into_owned(),
    };
    let response = client
        .get(&get)
        .header(auth.0, &auth.1)
        .send()
        .await
        .map_err(unreachable)?;
    if let Some(e) = redirected(&response) {
        return Err(e.into());
    }
    let current: serde_json::Value = response.json().await.unwrap_or_default();
    let name = current.get("name").and_then(|n| n.as_str()).unwrap_or(tag);
    let body_key = if forge.kind == ForgeKind::Gitlab {
        "description"
    } else {
        "body"
    };
    let body = current.get(body_key).and_then(|b| b.as_str()).unwrap_or("");
    let update = serde_json::json!({ "name": format!("{name} (rolled back)"), body_key: format!("> {note}\n\n{body}") });
    let request = match forge.kind {
        ForgeKind::Gitlab => client.put(&get),
        _ => {
            let id = current
                .get("id")
                .and_then(|i| i.as_u64())
                .ok_or_else(|| ReleaseError::Forge {
                    status: 404,
                    detail: format!("no release for {tag}"),
                })?;
            client.patch(format!("{}/repos/{}/releases/{id}", forge.api, forge.path))
        }
    };
    let response = request
        .header(auth.0, &auth.1)
        .json(&update)
        .send()
        .await
        .map_err(unreachable)?;
    if let Some(e) = redirected(&response) {
        return Err(e.into());
    }
    if !response.status().is_success() {
        return Err(ReleaseError::Forge {
            status: response.status().as_u16(),
            detail: format!("could not mark {tag} as rolled back"),
        }
        .into());
    }
    Ok(())
}
