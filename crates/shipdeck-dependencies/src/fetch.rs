//! GET with the project's HTTP rules (`shipdeck_base::net`: no redirect that
//! leaves the origin), a bounded body, a timeout, a bounded number of
//! requests at once per host, and a disk cache revalidated with
//! ETag/Last-Modified (a 304 answers with the cached body). A caller may
//! reduce an answer to the fields it reads before it is kept and returned,
//! so a revalidated run reads and parses small documents.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use url::Url;

use crate::error::DepsError;

pub struct Fetcher {
    client: reqwest::Client,
    cache: Option<PathBuf>,
    limit: u64,
    timeout: Duration,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A registry document: its body and content type.
pub struct Doc {
    pub body: Vec<u8>,
    pub content_type: String,
}

#[derive(Serialize, Deserialize, Default)]
struct CacheMeta {
    etag: Option<String>,
    last_modified: Option<String>,
    content_type: String,
}

/// Rewrites a registry answer (body, content type) into the smaller
/// document of the same shape that is kept and returned; `None` keeps the
/// answer as it came (the caller's parser then reports what is wrong).
pub type Reduce = fn(&[u8], &str) -> Option<Vec<u8>>;

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl Fetcher {
    pub fn new(
        cache: Option<PathBuf>,
        limit: u64,
        timeout: Duration,
        per_host: usize,
        reuse_connections: bool,
    ) -> Result<Self, DepsError> {
        let mut builder = shipdeck_base::net::client_builder().timeout(timeout);
        if !reuse_connections {
            builder = builder.pool_max_idle_per_host(0);
        }
        let client = builder.build().map_err(|e| DepsError::Unreachable {
            origin: "(client)".into(),
            detail: e.to_string(),
        })?;
        Ok(Self {
            client,
            cache,
            limit,
            timeout,
            per_host: per_host.max(1),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    fn slot(&self, url: &Url) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(origin(url))
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    fn cache_paths(&self, url: &Url, accept: &str) -> Option<(PathBuf, PathBuf)> {
        let dir = self.cache.as_ref()?;
        let key = hex::encode(Sha256::digest(format!("{url}\n{accept}")));
        Some((dir.join(format!("{key}.body")), dir.join(format!("{key}.json"))))
    }

    /// `Ok(None)` when the registry has no such document (404/410).
    pub async fn get(
        &self,
        url: &Url,
        accept: &'static str,
        token: Option<&str>,
        name: &str,
    ) -> Result<Option<Doc>, DepsError> {
        self.get_reduced(url, accept, token, name, None).await
    }

    /// [`Fetcher::get`], the answer passed through `reduce` before it is
    /// kept and returned.
    pub async fn get_reduced(
        &self,
        url: &Url,
        accept: &'static str,
        token: Option<&str>,
        name: &str,
        reduce: Option<Reduce>,
    ) -> Result<Option<Doc>, DepsError> {
        let slot = self.slot(url);
        let _permit = slot.acquire().await.ok();
        let paths = self.cache_paths(url, accept);
        let cached = paths.as_ref().and_then(|(b, m)| {
            let meta: CacheMeta = serde_json::from_slice(&std::fs::read(m).ok()?).ok()?;
            Some((std::fs::read(b).ok()?, meta))
        });
        let mut req = self.client.get(url.clone()).header(ACCEPT, accept);
        if let Some(t) = token {
            let mut v =
                HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| DepsError::InvalidConfig {
                    path: ".npmrc".into(),
                    message: "a token holds characters a header cannot carry".into(),
                })?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        if let Some((_, meta)) = &cached {
            if let Some(e) = &meta.etag {
                req = req.header(IF_NONE_MATCH, e);
            }
            if let Some(l) = &meta.last_modified {
                req = req.header(IF_MODIFIED_SINCE, l);
            }
        }
        let resp = req.send().await.map_err(|e| self.transport(url, &e))?;
        let status = resp.status().as_u16();
        if status == 304 {
            if let Some((body, meta)) = cached {
                return Ok(Some(Doc {
                    body,
                    content_type: meta.content_type,
                }));
            }
        }
        if status == 404 || status == 410 {
            return Ok(None);
        }
        if (300..400).contains(&status) {
            let loc = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok());
            return Err(DepsError::Redirect {
                origin: origin(url),
                note: shipdeck_base::net::redirect_note(status, loc, url),
            });
        }
        if status != 200 {
            return Err(DepsError::RegistryStatus {
                origin: origin(url),
                name: name.to_string(),
                status,
            });
        }
        let header = |h| {
            resp.headers()
                .get(h)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let meta = CacheMeta {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
            content_type: header(CONTENT_TYPE).unwrap_or_default(),
        };
        let mut body = self.read_body(url, name, resp).await?;
        if let Some(small) = reduce.and_then(|r| r(&body, &meta.content_type)) {
            body = small;
        }
        if let Some((b, m)) = paths {
            store(&b, &m, &body, &meta);
        }
        Ok(Some(Doc {
            body,
            content_type: meta.content_type,
        }))
    }

    async fn read_body(
        &self,
        url: &Url,
        name: &str,
        mut resp: reqwest::Response,
    ) -> Result<Vec<u8>, DepsError> {
        let too_large = || DepsError::TooLarge {
            origin: origin(url),
            name: name.to_string(),
            limit: self.limit,
        };
        let announced = resp.content_length();
        if announced.is_some_and(|l| l > self.limit) {
            return Err(too_large());
        }
        // The announced size, when there is one, saves re-copying a
        // growing buffer (packuments run to megabytes); a lie costs nothing
        // more than a reallocation, the limit is still checked per chunk.
        let mut body = Vec::with_capacity(usize::try_from(announced.unwrap_or(0)).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(url, &e))? {
            if body.len() as u64 + chunk.len() as u64 > self.limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport(&self, url: &Url, e: &reqwest::Error) -> DepsError {
        if e.is_timeout() {
            DepsError::Timeout {
                origin: origin(url),
                seconds: self.timeout.as_secs().max(1),
            }
        } else {
            // reqwest's message names the URL; keep the origin only.
            let detail = if e.is_connect() {
                "connection failed"
            } else {
                "transfer failed"
            };
            DepsError::Unreachable {
                origin: origin(url),
                detail: detail.into(),
            }
        }
    }
}

/// Writes a cache entry; a failure only costs the next revalidation.
fn store(body_path: &PathBuf, meta_path: &PathBuf, body: &[u8], meta: &CacheMeta) {
    if meta.etag.is_none() && meta.last_modified.is_none() {
        return;
    }
    if let Some(dir) = body_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let tmp = body_path.with_extension("tmp");
    if std::fs::write(&tmp, body).is_ok() && std::fs::rename(&tmp, body_path).is_ok() {
        if let Ok(json) = serde_json::to_vec(meta) {
            let _ = std::fs::write(meta_path, json);
        }
    }
}
