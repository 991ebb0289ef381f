//! An OSV-compatible API: `POST /v1/querybatch` (at most 1,000 queries a
//! request, answers in query order, `next_page_token` followed), then
//! `GET /v1/vulns/{id}` once per distinct id, a few at a time. Requests
//! carry no credentials (an address with a user or password is refused),
//! follow no redirect off the API's origin, end at a timeout, and read at
//! most a fixed size of answer.

use std::collections::BTreeSet;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;
use url::Url;

use super::matching::name_key;
use super::osv::Advisory;
use super::source::{ApiSource, Found};
use super::Ecosystem;
use crate::error::SecurityError;

/// Queries in one `querybatch` request (the API's own limit).
pub const MAX_BATCH: usize = 1000;
/// Rounds of `next_page_token` followed before giving up.
pub const MAX_PAGES: usize = 50;

/// One (ecosystem, name, version) to ask about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Query {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
}

#[derive(Serialize)]
struct BatchRequest<'a> {
    queries: Vec<QueryBody<'a>>,
}

#[derive(Serialize)]
struct QueryBody<'a> {
    package: PackageBody<'a>,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_token: Option<&'a str>,
}

#[derive(Serialize)]
struct PackageBody<'a> {
    name: &'a str,
    ecosystem: &'a str,
}

#[derive(Deserialize)]
struct BatchAnswer {
    results: Vec<BatchResult>,
}

#[derive(Deserialize, Default)]
struct BatchResult {
    #[serde(default)]
    vulns: Vec<VulnRef>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct VulnRef {
    id: String,
}

/// The API's origin, for messages (never its path or query).
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Checks the address: http(s), no user or password in it.
pub fn base_url(raw: &str) -> Result<Url> {
    let bad = |reason: &str| SecurityError::OsvBadUrl {
        url: without_userinfo(raw),
        reason: reason.into(),
    };
    let mut url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http and https are supported").into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("an address with a user or password would send credentials").into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("the address takes no query or fragment").into());
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// `raw` for messages: at most 200 characters, anything between `://` and
/// `@` (a user and password) masked.
fn without_userinfo(raw: &str) -> String {
    let short: String = raw.chars().take(200).collect();
    match (short.find("://"), short.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => format!("{}***{}", &short[..s + 3], &short[at..]),
        _ => short,
    }
}

/// Asks the API about every query; blocks on a runtime of its own (in a
/// thread of its own, so it runs whatever runtime the caller is on).
pub fn fetch(src: &ApiSource, queries: &[Query], progress: &Progress) -> Result<Found> {
    let base = base_url(&src.url)?;
    if shipdeck_base::net::cleartext_to_remote(&base) {
        tracing::warn!(osv = %origin(&base), "OSV API over plain http: the package list crosses the network readable");
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| SecurityError::OsvUnreachable {
                    url: origin(&base),
                    reason: format!("cannot start the HTTP runtime: {e}"),
                })?;
            let token = progress.cancellation();
            rt.block_on(async {
                tokio::select! {
                    r = run(src, &base, queries, progress) => r,
                    () = token.cancelled() => Err(Error::Cancelled),
                }
            })
        })
        .join()
        .unwrap_or_else(|_| {
            Err(SecurityError::OsvUnreachable {
                url: origin(&base),
                reason: "the request thread stopped".into(),
            }
            .into())
        })
    })
}

async fn run(src: &ApiSource, base: &Url, queries: &[Query], progress: &Progress) -> Result<Found> {
    let client = shipdeck_base::net::client_builder()
        .timeout(src.timeout)
        .build()
        .map_err(|e| unreachable(base, &e))?;
    let ids = batches(&client, src, base, queries, progress).await?;
    let distinct: BTreeSet<String> = ids.iter().flatten().cloned().collect();
    let total = distinct.len() as u64;
    let mut found = Found::default();
    let mut fetches = futures::stream::iter(distinct.iter())
        .map(|id| record(&client, src, base, id))
        .buffer_unordered(src.concurrency.max(1));
    let mut done = 0u64;
    while let Some(answer) = fetches.next().await {
        progress.checkpoint()?;
        if let Some((id, adv)) = answer? {
            found.advisories.insert(id, adv);
        }
        done += 1;
        progress.report(done, Some(total), "fetching OSV advisories");
    }
    drop(fetches);
    for (q, ids) in queries.iter().zip(ids) {
        let key = (
            q.ecosystem,
            name_key(q.ecosystem, &q.name),
            Some(q.version.clone()),
        );
        found.ids.entry(key).or_default().extend(ids);
    }
    Ok(found)
}

/// The ids the API names for each query, in query order.
async fn batches(
    client: &reqwest::Client,
    src: &ApiSource,
    base: &Url,
    queries: &[Query],
    progress: &Progress,
) -> Result<Vec<BTreeSet<String>>> {
    let endpoint = join(base, "v1/querybatch");
    let mut ids = vec![BTreeSet::new(); queries.len()];
    let mut pending: Vec<(usize, Option<String>)> = (0..queries.len()).map(|i| (i, None)).collect();
    for _round in 0..=MAX_PAGES {
        if pending.is_empty() {
            return Ok(ids);
        }
        let mut next = Vec::new();
        let chunks = pending.len().div_ceil(MAX_BATCH);
        for (n, chunk) in pending.chunks(MAX_BATCH).enumerate() {
            progress.checkpoint()?;
            progress.report(n as u64, Some(chunks as u64), "querying OSV");
            let body = BatchRequest {
                queries: chunk
                    .iter()
                    .map(|(i, token)| QueryBody {
                        package: PackageBody {
                            name: &queries[*i].name,
                            ecosystem: queries[*i].ecosystem.osv_name(),
                        },
                        version: &queries[*i].version,
                        page_token: token.as_deref(),
                    })
                    .collect(),
            };
            let req = client.post(endpoint.clone()).json(&body);
            let bytes = send(req, base, src.max_batch_bytes)
                .await?
                .ok_or_else(|| bad_answer(base, "querybatch: HTTP 404"))?;
            let answer: BatchAnswer =
                serde_json::from_slice(&bytes).map_err(|e| bad_answer(base, &format!("querybatch: {e}")))?;
            if answer.results.len() != chunk.len() {
                let why = format!(
                    "querybatch: {} answers to {} queries",
                    answer.results.len(),
                    chunk.len()
                );
                return Err(bad_answer(base, &why).into());
            }
            for ((i, _), result) in chunk.iter().zip(answer.results) {
                for v in result.vulns {
                    check_id(base, &v.id)?;
                    ids[*i].insert(v.id);
                }
                if let Some(t) = result.next_page_token.filter(|t| !t.is_empty()) {
                    next.push((*i, Some(t)));
                }
            }
        }
        pending = next;
    }
    Err(bad_answer(base, &format!("querybatch: more than {MAX_PAGES} pages")).into())
}

/// One advisory record; `None` when the API no longer has it (404).
async fn record(
    client: &reqwest::Client,
    src: &ApiSource,
    base: &Url,
    id: &str,
) -> Result<Option<(String, Advisory)>> {
    let url = join(base, &format!("v1/vulns/{id}"));
    let Some(bytes) = send(client.get(url), base, src.max_record_bytes).await? else {
        tracing::warn!(id, "OSV API has no record for an id it named");
        return Ok(None);
    };
    let adv: Advisory =
        serde_json::from_slice(&bytes).map_err(|e| bad_answer(base, &format!("record {id}: {e}")))?;
    Ok(Some((id.to_string(), adv)))
}

/// Ids go into a URL path: OSV's ids are letters, digits, `-`, `_`, `.`
/// and `:`; anything else is not an OSV answer.
fn check_id(base: &Url, id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id != "."
        && id != ".."
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        let shown: String = id.chars().take(40).collect();
        Err(bad_answer(base, &format!("querybatch: {shown:?} is not an advisory id")).into())
    }
}

fn join(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    u.set_path(&format!("{}/{path}", base.path().trim_end_matches('/')));
    u
}

/// Sends `req` and reads at most `limit` bytes of a 2xx answer; `None` for
/// a 404.
async fn send(req: reqwest::RequestBuilder, base: &Url, limit: u64) -> Result<Option<Vec<u8>>> {
    let mut resp = req.send().await.map_err(|e| unreachable(base, &e))?;
    let status = resp.status();
    if status.is_redirection() {
        let loc = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        let note = shipdeck_base::net::redirect_note(status.as_u16(), loc, base);
        return Err(bad_answer(base, &format!("{note}, not followed")).into());
    }
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(bad_answer(base, &format!("HTTP {}", status.as_u16())).into());
    }
    let too_big = || bad_answer(base, &format!("an answer larger than {} MiB", limit >> 20));
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_big().into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| unreachable(base, &e))? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_big().into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

fn unreachable(base: &Url, e: &reqwest::Error) -> SecurityError {
    let reason = if e.is_timeout() {
        "no answer in time".to_string()
    } else {
        // Without its URL: the message names the origin only.
        let mut text = format!("{}", DisplayChain(e));
        text.truncate(300);
        text
    };
    SecurityError::OsvUnreachable {
        url: origin(base),
        reason,
    }
}

fn bad_answer(base: &Url, reason: &str) -> SecurityError {
    SecurityError::OsvBadAnswer {
        url: origin(base),
        reason: reason.to_string(),
    }
}

/// An error and its sources, without the request URL.
struct DisplayChain<'a>(&'a reqwest::Error);

impl std::fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kind = "request failed";
        if self.0.is_connect() {
            kind = "cannot connect";
        } else if self.0.is_body() || self.0.is_decode() {
            kind = "the answer broke off";
        }
        write!(f, "{kind}")?;
        let mut src = std::error::Error::source(self.0);
        while let Some(s) = src {
            write!(f, ": {s}")?;
            src = s.source();
        }
        Ok(())
    }
}
