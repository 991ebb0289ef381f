//! Pull requests (GitHub, Gitea) and merge requests (GitLab) on the
//! workspace's forge: the open one from a branch is found and updated, else
//! one is created. The same client, token header and redirect refusal as
//! the forge releases ([`super::publish`]), so the rule of where the token
//! may go lives in one place.

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use super::error::ReleaseError;
use super::forge::{Forge, ForgeKind};
use super::publish::{auth_header, client, forge_error, path_segment, redirected};
use shipdeck_base::error::Result;
use shipdeck_base::secrets::redact;

/// What a pull request says and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestDraft {
    /// The branch with the changes (in the forge's repository).
    pub head: String,
    /// The branch it merges into.
    pub base: String,
    pub title: String,
    pub body: String,
    /// Added where the forge takes names (GitHub, GitLab); best effort.
    pub labels: Vec<String>,
}

/// A pull/merge request on the forge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PullRequest {
    /// GitHub/Gitea number, GitLab `iid`.
    pub number: Option<u64>,
    pub url: Option<String>,
    /// False when it was open already and was updated.
    pub created: bool,
}

/// GET/POST/PATCH/PUT one forge API call with the token; the answer's JSON.
async fn call(
    forge: &Forge,
    token: &str,
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Value> {
    let client = client(forge)?;
    let auth = auth_header(forge.kind, token);
    let mut request = client.request(method, url).header(auth.0, auth.1);
    if forge.kind == ForgeKind::Github {
        request = request.header("Accept", "application/vnd.github+json");
    }
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().await.map_err(|e| ReleaseError::ForgeUnreachable {
        detail: redact(&e.to_string()).into_owned(),
    })?;
    if let Some(e) = redirected(&response) {
        return Err(e.into());
    }
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(value);
    }
    Err(forge_error(status.as_u16(), &value).into())
}

fn project(forge: &Forge) -> String {
    format!("{}/projects/{}", forge.api, path_segment(&forge.path))
}

/// The number and page of an open request from `head`, if there is one.
pub async fn find_open_pull_request(forge: &Forge, token: &str, head: &str) -> Result<Option<PullRequest>> {
    let branch = path_segment(head);
    let url = match forge.kind {
        ForgeKind::Github => {
            let owner = forge.path.split('/').next().unwrap_or_default();
            format!(
                "{}/repos/{}/pulls?state=open&head={}",
                forge.api,
                forge.path,
                path_segment(&format!("{owner}:{head}"))
            )
        }
        ForgeKind::Gitlab => format!(
            "{}/merge_requests?state=opened&source_branch={branch}",
            project(forge)
        ),
        // Gitea's list has no head filter: the open ones, filtered here.
        ForgeKind::Gitea => format!("{}/repos/{}/pulls?state=open&limit=50", forge.api, forge.path),
    };
    let list = call(forge, token, reqwest::Method::GET, &url, None).await?;
    let found = list.as_array().into_iter().flatten().find(|pr| {
        let head_ref = match forge.kind {
            ForgeKind::Gitlab => pr.get("source_branch"),
            _ => pr.get("head").and_then(|h| h.get("ref")),
        };
        head_ref.and_then(Value::as_str) == Some(head)
    });
    Ok(found.map(|pr| read_pull(forge.kind, pr, false)))
}

fn read_pull(kind: ForgeKind, pr: &Value, created: bool) -> PullRequest {
    let (number, url) = match kind {
        ForgeKind::Gitlab => ("iid", "web_url"),
        _ => ("number", "html_url"),
    };
    PullRequest {
        number: pr.get(number).and_then(Value::as_u64),
        url: pr.get(url).and_then(Value::as_str).map(str::to_string),
        created,
    }
}

/// Updates `existing`'s title and body, or creates the request.
pub async fn open_or_update_pull_request(
    forge: &Forge,
    token: &str,
    draft: &PullRequestDraft,
    existing: Option<&PullRequest>,
) -> Result<PullRequest> {
    if let Some(pr) = existing.filter(|p| p.number.is_some()) {
        let n = pr.number.unwrap_or_default();
        let (method, url, body) = match forge.kind {
            ForgeKind::Gitlab => (
                reqwest::Method::PUT,
                format!("{}/merge_requests/{n}", project(forge)),
                json!({ "title": draft.title, "description": draft.body }),
            ),
            _ => (
                reqwest::Method::PATCH,
                format!("{}/repos/{}/pulls/{n}", forge.api, forge.path),
                json!({ "title": draft.title, "body": draft.body }),
            ),
        };
        let answer = call(forge, token, method, &url, Some(&body)).await?;
        let mut updated = read_pull(forge.kind, &answer, false);
        updated.number = updated.number.or(pr.number);
        updated.url = updated.url.or_else(|| pr.url.clone());
        return Ok(updated);
    }
    let (url, body) = match forge.kind {
        ForgeKind::Gitlab => (
            format!("{}/merge_requests", project(forge)),
            json!({
                "source_branch": draft.head, "target_branch": draft.base, "title": draft.title,
                "description": draft.body, "labels": draft.labels.join(","), "remove_source_branch": true,
            }),
        ),
        _ => (
            format!("{}/repos/{}/pulls", forge.api, forge.path),
            json!({ "head": draft.head, "base": draft.base, "title": draft.title, "body": draft.body }),
        ),
    };
    let answer = call(forge, token, reqwest::Method::POST, &url, Some(&body)).await?;
    let created = read_pull(forge.kind, &answer, true);
    if let (ForgeKind::Github, Some(n), false) = (forge.kind, created.number, draft.labels.is_empty()) {
        // Labels go through the issue of the pull request; a forge that
        // refuses them still has the request, so this is best effort.
        let url = format!("{}/repos/{}/issues/{n}/labels", forge.api, forge.path);
        let labels = json!({ "labels": draft.labels });
        if let Err(e) = call(forge, token, reqwest::Method::POST, &url, Some(&labels)).await {
            tracing::warn!(error = %e.payload().message, "pull request labels not added");
        }
    }
    Ok(created)
}
