//! Render's API: the deploy of the target release's commit, then the
//! rollback to it. The key goes to the configured origin only; a redirect
//! is never followed (it would be the only way to another origin).

use std::time::Duration;

use serde::Deserialize;

use crate::error::RollbackError;

#[derive(Deserialize)]
struct Item {
    deploy: Deploy,
}

#[derive(Deserialize)]
struct Deploy {
    id: String,
    commit: Option<Commit>,
}

#[derive(Deserialize)]
struct Commit {
    id: String,
}

/// Up to this many bytes of an answer are read.
const MAX_BODY: usize = 1 << 20;

fn client() -> Result<reqwest::Client, RollbackError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| RollbackError::Render {
            detail: e.to_string(),
        })
}

async fn body(resp: reqwest::Response, what: &str) -> Result<String, RollbackError> {
    let status = resp.status();
    if status.is_redirection() {
        return Err(RollbackError::Render {
            detail: format!("{what} answered {status} (a redirect); the key is not sent on"),
        });
    }
    let bytes = resp.bytes().await.map_err(|e| RollbackError::Render {
        detail: e.to_string(),
    })?;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_BODY)]).into_owned();
    if !status.is_success() {
        let shown: String = text.chars().take(300).collect();
        return Err(RollbackError::Render {
            detail: format!(
                "{what} answered {status}: {}",
                shipdeck_base::secrets::redact(&shown)
            ),
        });
    }
    Ok(text)
}

/// Rolls `service` back to its deploy of `commit`; returns a line saying
/// what Render answered.
pub async fn rollback(api: &str, service: &str, key: &str, commit: &str) -> Result<String, RollbackError> {
    if service.is_empty() || !service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(RollbackError::Render {
            detail: format!("{service:?} is not a service id (srv-…)"),
        });
    }
    let base = url::Url::parse(api).map_err(|e| RollbackError::Render {
        detail: format!("api_url {api:?}: {e}"),
    })?;
    let local = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if base.scheme() != "https" && !(base.scheme() == "http" && local) {
        return Err(RollbackError::Render {
            detail: format!(
                "api_url {api} is not https: the key would cross the network in the clear; it was not sent"
            ),
        });
    }
    let client = client()?;
    let list = base
        .join(&format!("v1/services/{service}/deploys?limit=100"))
        .map_err(|e| RollbackError::Render {
            detail: e.to_string(),
        })?;
    let resp = client
        .get(list)
        .bearer_auth(key)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| RollbackError::Render {
            detail: shipdeck_base::secrets::redact(&e.to_string()).into_owned(),
        })?;
    let text = body(resp, "the deploys list").await?;
    let items: Vec<Item> = serde_json::from_str(&text).map_err(|e| RollbackError::Render {
        detail: format!("the deploys list is not what Render sends: {e}"),
    })?;
    let deploy = items
        .into_iter()
        .map(|i| i.deploy)
        .find(|d| d.commit.as_ref().is_some_and(|c| c.id == commit))
        .ok_or_else(|| RollbackError::Render {
            detail: format!("no deploy of commit {commit} among the service's last 100 deploys"),
        })?;
    let post = base
        .join(&format!("v1/services/{service}/rollback"))
        .map_err(|e| RollbackError::Render {
            detail: e.to_string(),
        })?;
    let resp = client
        .post(post)
        .bearer_auth(key)
        .json(&serde_json::json!({ "deployId": deploy.id }))
        .send()
        .await
        .map_err(|e| RollbackError::Render {
            detail: shipdeck_base::secrets::redact(&e.to_string()).into_owned(),
        })?;
    body(resp, "the rollback").await?;
    Ok(format!("Render rolls {service} back to deploy {}", deploy.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_plain_http_api_on_another_machine_never_gets_the_key() {
        let e = rollback("http://render.example", "srv-x", "rnd_key", "abc")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not https"), "{e}");
    }

    #[tokio::test]
    async fn a_service_id_that_is_not_one_is_refused() {
        let e = rollback("https://api.render.com", "../admin", "rnd_key", "abc")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not a service id"), "{e}");
    }
}
