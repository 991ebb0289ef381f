//! How one connection task talks to the target: its own HTTP/1.1 connection
//! for `http://` ([`RawConn`], every request the same prebuilt bytes),
//! reqwest (rustls) for `https://`.

use std::sync::Arc;

use bytes::Bytes;
use hyper::Method;

use super::raw::{request_bytes, RawConn, Step};
use super::Target;
use shipdeck_base::error::{Error, Result};

/// Why an exchange produced no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The TCP (or TLS) connection could not be opened.
    Connect,
    /// The connection broke, or the answer was not HTTP.
    Exchange,
}

/// What the connection tasks of one run share: the request's bytes for
/// plain HTTP, the connection pool for HTTPS.
#[derive(Clone)]
pub(crate) enum Shared {
    Plain(Bytes),
    Tls(reqwest::Client),
}

impl Shared {
    pub(crate) fn new(target: &Target, connections: usize) -> Result<Self> {
        if !target.tls {
            return Ok(Self::Plain(request_bytes(target)));
        }
        // A benchmark measures the target itself: no redirect is followed.
        let client = shipdeck_base::net::client_builder()
            .pool_max_idle_per_host(connections)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::InvalidInput {
                field: "url",
                reason: format!("cannot set up TLS: {e}"),
            })?;
        Ok(Self::Tls(client))
    }
}

pub(crate) enum Client {
    Plain {
        target: Arc<Target>,
        request: Bytes,
        conn: Option<RawConn>,
    },
    Tls {
        target: Arc<Target>,
        client: reqwest::Client,
    },
}

impl Client {
    pub(crate) fn new(target: Arc<Target>, shared: &Shared) -> Self {
        match shared {
            Shared::Plain(request) => Self::Plain {
                target,
                request: request.clone(),
                conn: None,
            },
            Shared::Tls(client) => Self::Tls {
                target,
                client: client.clone(),
            },
        }
    }

    /// Opens the connection ahead of the first request (plain HTTP only;
    /// failures are left for the first request to report).
    pub(crate) async fn warm_up(&mut self) {
        if let Self::Plain { target, conn, .. } = self {
            if conn.is_none() {
                *conn = RawConn::connect(&target.addrs).await.ok();
            }
        }
    }

    /// Drops the connection after a failure; the next exchange reconnects.
    pub(crate) fn reset(&mut self) {
        if let Self::Plain { conn, .. } = self {
            *conn = None;
        }
    }

    /// Sends one request and reads the whole answer; returns its status.
    pub(crate) async fn exchange(&mut self) -> Result<u16, Failure> {
        match self {
            Self::Plain {
                target,
                request,
                conn,
            } => exchange_plain(target, request, conn).await,
            Self::Tls { target, client } => exchange_tls(target, client).await,
        }
    }
}

async fn exchange_plain(target: &Target, request: &[u8], slot: &mut Option<RawConn>) -> Result<u16, Failure> {
    let head = target.method == Method::HEAD;
    // A server may close a keep-alive connection between two requests
    // (`keepalive_requests`, idle timeouts): that is not a failure, reconnect
    // once and send on the new connection.
    for attempt in 0..2 {
        if slot.is_none() {
            *slot = Some(
                RawConn::connect(&target.addrs)
                    .await
                    .map_err(|_| Failure::Connect)?,
            );
        }
        let Some(conn) = slot.as_mut() else {
            return Err(Failure::Connect);
        };
        match conn.exchange(request, head).await {
            Ok((status, close)) => {
                if close {
                    *slot = None;
                }
                return Ok(status);
            }
            Err(Step::NotSent) if attempt == 0 => *slot = None,
            Err(_) => {
                *slot = None;
                return Err(Failure::Exchange);
            }
        }
    }
    Err(Failure::Exchange)
}

async fn exchange_tls(target: &Target, client: &reqwest::Client) -> Result<u16, Failure> {
    let mut headers = target.headers.clone();
    // reqwest sets Host itself (and the URL has it).
    if !target.headers_have_user_host {
        headers.remove(hyper::header::HOST);
    }
    let resp = client
        .request(target.method.clone(), target.url.clone())
        .headers(headers)
        .body(target.body.clone())
        .send()
        .await
        .map_err(|e| {
            if e.is_connect() {
                Failure::Connect
            } else {
                Failure::Exchange
            }
        })?;
    let status = resp.status().as_u16();
    let mut resp = resp;
    // Read the whole answer, as the plain path does.
    while resp.chunk().await.map_err(|_| Failure::Exchange)?.is_some() {}
    Ok(status)
}
