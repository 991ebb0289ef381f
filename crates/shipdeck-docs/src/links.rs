//! External links (`--links`): every distinct http(s) URL of the pages
//! asked for concurrently, at most a few at a time per host, HEAD first and
//! GET when the server refuses HEAD (405, 501), each with a timeout and
//! redirects followed a bounded number of times. Answers are cached on
//! disk for a while, so a second run asks again only for the expired ones.
//! No credentials are ever sent: a URL's `user:password@` is dropped, and
//! there is no cookie store.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use shipdeck_base::error::Error;
use shipdeck_base::jobs::Progress;
use tokio::sync::Semaphore;

use crate::model::Reason;

/// What is wrong with a URL (`None`: nothing): the reason and a detail.
pub type Verdict = Option<(Reason, String)>;

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Per request, redirects included.
    pub timeout: Duration,
    /// Requests in flight at once, and per host.
    pub concurrency: usize,
    pub per_host: usize,
    pub max_redirects: usize,
    /// The cache file (`None`: no cache) and how long an answer stays good.
    pub cache: Option<PathBuf>,
    pub ttl: Duration,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            timeout: Duration::from_secs(20),
            concurrency: 16,
            per_host: 2,
            max_redirects: 5,
            cache: None,
            ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// At most this many distinct URLs are asked for in one run.
pub const MAX_URLS: usize = 5_000;
/// A cache file larger than this is ignored (and rewritten).
const MAX_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// A URL's answer: `None` when it is fine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub broken: Verdict,
    /// Unix seconds.
    pub checked_at: i64,
}

/// Checks `urls` (distinct); returns each one's problem, if any.
pub fn check(
    urls: &[String],
    opts: &LinkOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<HashMap<String, Verdict>> {
    let now = now();
    let mut cache = opts.cache.as_ref().map(read_cache).unwrap_or_default();
    let mut out = HashMap::new();
    let mut todo = Vec::new();
    for u in urls {
        match cache.get(&cache_key(u)) {
            Some(a) if now - a.checked_at < opts.ttl.as_secs() as i64 && now >= a.checked_at => {
                out.insert(u.clone(), a.broken.clone());
            }
            _ if todo.len() < MAX_URLS => todo.push(u.clone()),
            _ => {}
        }
    }
    let fresh = run_blocking(&todo, opts, progress)?;
    for (u, broken) in fresh {
        cache.insert(
            cache_key(&u),
            Answer {
                broken: broken.clone(),
                checked_at: now,
            },
        );
        out.insert(u, broken);
    }
    if let Some(p) = &opts.cache {
        cache.retain(|_, a| now - a.checked_at < opts.ttl.as_secs() as i64);
        write_cache(p, &cache);
    }
    Ok(out)
}

/// Runs the requests on a runtime of their own, in a thread of their own
/// (whatever runtime the caller is on), until done or cancelled.
fn run_blocking(
    urls: &[String],
    opts: &LinkOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<Vec<(String, Verdict)>> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Internal(format!("async runtime: {e}")))?;
            let token = progress.cancellation();
            rt.block_on(async {
                tokio::select! {
                    r = ask_all(urls, opts, progress) => r,
                    () = token.cancelled() => Err(Error::Cancelled),
                }
            })
        })
        .join()
        .unwrap_or_else(|_| Err(Error::Internal("the link-check thread stopped".into())))
    })
}

async fn ask_all(
    urls: &[String],
    opts: &LinkOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<Vec<(String, Verdict)>> {
    let client = reqwest::Client::builder()
        .user_agent(concat!("shipdeck-docs-check/", env!("CARGO_PKG_VERSION")))
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::limited(opts.max_redirects))
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let jobs: Vec<_> = urls
        .iter()
        .map(|u| {
            let host = reqwest::Url::parse(u)
                .ok()
                .and_then(|p| p.host_str().map(str::to_string))
                .unwrap_or_default();
            let sem = hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(opts.per_host.max(1))))
                .clone();
            (u.clone(), sem)
        })
        .collect();
    let total = jobs.len() as u64;
    let mut answers = futures::stream::iter(jobs)
        .map(|(u, sem)| {
            let client = &client;
            async move {
                let _permit = sem.acquire_owned().await.ok();
                let broken = ask(client, &u).await;
                (u, broken)
            }
        })
        .buffer_unordered(opts.concurrency.max(1));
    let mut out = Vec::new();
    while let Some(a) = answers.next().await {
        progress.checkpoint()?;
        progress.report(out.len() as u64 + 1, Some(total), "checking links");
        out.push(a);
    }
    Ok(out)
}

/// HEAD, then GET when the server does not do HEAD.
async fn ask(client: &reqwest::Client, raw: &str) -> Verdict {
    let Ok(mut url) = reqwest::Url::parse(raw) else {
        return Some((Reason::Unreachable, "not a valid URL".into()));
    };
    // Never send credentials written into a link.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let status = match client.head(url.clone()).send().await {
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => client.get(url).send().await.map(|r| r.status()),
        r => r.map(|r| r.status()),
    };
    match status {
        Ok(s) if s.is_success() => None,
        Ok(s) => Some((Reason::HttpStatus, format!("HTTP {}", s.as_u16()))),
        Err(e) if e.is_timeout() => Some((Reason::Unreachable, "timed out".into())),
        Err(e) if e.is_redirect() => Some((Reason::Unreachable, "too many redirects".into())),
        Err(e) if e.is_connect() => Some((Reason::Unreachable, "connection failed".into())),
        Err(_) => Some((Reason::Unreachable, "request failed".into())),
    }
}

/// The URL the cache files an answer under: without any credentials
/// written into it, so none reach the disk.
fn cache_key(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => raw.chars().take(2000).collect(),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn read_cache(path: &PathBuf) -> BTreeMap<String, Answer> {
    let fits = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_CACHE_BYTES);
    fits.then(|| std::fs::read(path).ok())
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Best effort: a cache that cannot be written only costs the next run time.
fn write_cache(path: &PathBuf, cache: &BTreeMap<String, Answer>) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_vec(cache) {
        let tmp = path.with_extension("json.tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}
