//! How one connection task talks to the target: a hyper HTTP/1.1 connection
//! for `http://`, reqwest (rustls) for `https://`.
//!
//! The hyper connection is driven inside the task that sends on it (no
//! spawned connection future, no wake-up across tasks per request), and
//! every request is a clone of one template.

use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper::header::CONNECTION;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

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

/// What the connection tasks of one run share: nothing for plain HTTP, the
/// connection pool for HTTPS.
#[derive(Clone)]
pub(crate) enum Shared {
    Plain,
    Tls(reqwest::Client),
}

impl Shared {
    pub(crate) fn new(target: &Target, connections: usize) -> Result<Self> {
        if !target.tls {
            return Ok(Self::Plain);
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

type Body = Full<Bytes>;

pub(crate) struct Conn {
    sender: SendRequest<Body>,
    driver: Pin<Box<Connection<TokioIo<TcpStream>, Body>>>,
    /// The driver future has completed: the connection is closed.
    driver_done: bool,
}

pub(crate) enum Client {
    Plain {
        target: Arc<Target>,
        conn: Option<Conn>,
    },
    Tls {
        target: Arc<Target>,
        client: reqwest::Client,
    },
}

impl Client {
    pub(crate) fn new(target: Arc<Target>, shared: &Shared) -> Self {
        match shared {
            Shared::Plain => Self::Plain { target, conn: None },
            Shared::Tls(client) => Self::Tls {
                target,
                client: client.clone(),
            },
        }
    }

    /// Opens the connection ahead of the first request (plain HTTP only;
    /// failures are left for the first request to report).
    pub(crate) async fn warm_up(&mut self) {
        if let Self::Plain { target, conn } = self {
            if conn.is_none() {
                *conn = connect(target).await.ok();
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
            Self::Plain { target, conn } => exchange_plain(target, conn).await,
            Self::Tls { target, client } => exchange_tls(target, client).await,
        }
    }
}

async fn connect(target: &Target) -> Result<Conn, Failure> {
    let stream = TcpStream::connect(&target.addrs[..])
        .await
        .map_err(|_| Failure::Connect)?;
    stream.set_nodelay(true).ok();
    let (sender, driver) = http1::Builder::new()
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|_| Failure::Connect)?;
    Ok(Conn {
        sender,
        driver: Box::pin(driver),
        driver_done: false,
    })
}

fn request(target: &Target) -> Request<Body> {
    let mut req = Request::new(Full::new(target.body.clone()));
    *req.method_mut() = target.method.clone();
    *req.uri_mut() = target.uri.clone();
    *req.headers_mut() = target.headers.clone();
    req
}

/// Where an exchange on an open connection failed.
enum Step {
    /// Before the request left: the server had closed the (idle) connection.
    NotSent,
    Sent,
}

async fn exchange_plain(target: &Target, slot: &mut Option<Conn>) -> Result<u16, Failure> {
    // A server may close a keep-alive connection between two requests
    // (`keepalive_requests`, idle timeouts): that is not a failure, reconnect
    // once and send on the new connection.
    for attempt in 0..2 {
        if slot
            .as_ref()
            .is_none_or(|c| c.driver_done || c.sender.is_closed())
        {
            *slot = Some(connect(target).await?);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(Failure::Connect);
        };
        match send_on(target, conn).await {
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

/// One request and its whole answer on an open connection.
async fn send_on(target: &Target, conn: &mut Conn) -> Result<(u16, bool), Step> {
    let Conn {
        sender,
        driver,
        driver_done,
    } = conn;
    let req = request(target);
    let send = async {
        sender.ready().await.map_err(|_| Step::NotSent)?;
        let resp = sender.send_request(req).await.map_err(|_| Step::Sent)?;
        let status = resp.status().as_u16();
        let close = resp
            .headers()
            .get(CONNECTION)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        let mut body = resp.into_body();
        while let Some(frame) = body.frame().await {
            frame.map_err(|_| Step::Sent)?;
        }
        Ok::<_, Step>((status, close))
    };
    let mut send = std::pin::pin!(send);
    loop {
        tokio::select! {
            biased;
            r = &mut send => break r,
            // The connection ends (answer then close, or a broken
            // socket): keep waiting on `send`, which hyper completes with
            // the answer or an error.
            _ = driver.as_mut(), if !*driver_done => *driver_done = true,
        }
    }
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
