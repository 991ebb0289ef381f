//! The plain-HTTP/1.1 keep-alive connection of one load generator task. The
//! request is one buffer built once per run and written with one call; the
//! answer is framed (`Content-Length`, chunked, or up to the close) by
//! httparse over one read buffer. A request costs one write and usually one
//! read, as in wrk: no header map, body frames or readiness polls per
//! request, which is where a general-purpose client spends its time.

use std::net::SocketAddr;

use bytes::{Buf, Bytes, BytesMut};
use hyper::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use hyper::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Target;

/// Headers read from an answer; more is a malformed answer.
const MAX_HEADERS: usize = 100;
/// The read buffer's starting size; it grows for larger answers.
const BUFFER: usize = 16 * 1024;

/// The request's bytes as hyper would send them: request line, the target's
/// headers (`Host` included), `content-length` for a body (or a body-carrying
/// method without one), and the body, chunked when the user asked for it.
pub(crate) fn request_bytes(target: &Target) -> Bytes {
    let mut out = Vec::with_capacity(256 + target.body.len());
    out.extend_from_slice(target.method.as_str().as_bytes());
    out.push(b' ');
    let path = target.uri.path_and_query().map_or("/", |p| p.as_str());
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in &target.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let chunked = target
        .headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
    let no_payload = [
        Method::GET,
        Method::HEAD,
        Method::DELETE,
        Method::CONNECT,
        Method::OPTIONS,
        Method::TRACE,
    ];
    if !chunked
        && !target.headers.contains_key(CONTENT_LENGTH)
        && (!target.body.is_empty() || !no_payload.contains(&target.method))
    {
        out.extend_from_slice(format!("content-length: {}\r\n", target.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if chunked {
        if !target.body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", target.body.len()).as_bytes());
            out.extend_from_slice(&target.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&target.body);
    }
    Bytes::from(out)
}

/// Where an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The server had closed this (reused) connection before reading the
    /// request: nothing of an answer came back. Worth one retry.
    NotSent,
    /// The request went out and the answer broke or never came.
    Sent,
}

/// How the answer's body ends.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

/// An answer's status line and headers, parsed.
struct Head {
    /// Bytes of the head, to drop from the buffer.
    len: usize,
    status: u16,
    framing: Framing,
    close: bool,
}

pub(crate) struct RawConn {
    stream: TcpStream,
    buf: BytesMut,
    /// Answers read on this connection.
    served: u64,
}

impl RawConn {
    pub(crate) async fn connect(addrs: &[SocketAddr]) -> std::io::Result<RawConn> {
        let stream = TcpStream::connect(addrs).await?;
        stream.set_nodelay(true).ok();
        Ok(RawConn {
            stream,
            buf: BytesMut::with_capacity(BUFFER),
            served: 0,
        })
    }

    /// Sends `request` and reads its whole answer: the status, and whether
    /// the connection must be closed after it.
    pub(crate) async fn exchange(&mut self, request: &[u8], head_request: bool) -> Result<(u16, bool), Step> {
        let fresh_failure = if self.served > 0 {
            Step::NotSent
        } else {
            Step::Sent
        };
        if self.stream.write_all(request).await.is_err() {
            return Err(fresh_failure);
        }
        let head = loop {
            match parse_head(&self.buf, head_request)? {
                Some(head) if (100..200).contains(&head.status) && head.status != 101 => {
                    // An interim answer (100 Continue): the real one follows.
                    self.buf.advance(head.len);
                }
                Some(head) => break head,
                None => {
                    // Closed or reset before any byte of an answer: on a
                    // reused connection, the server had let it go.
                    if !matches!(self.fill().await, Ok(n) if n > 0) {
                        return Err(if self.buf.is_empty() {
                            fresh_failure
                        } else {
                            Step::Sent
                        });
                    }
                }
            }
        };
        self.buf.advance(head.len);
        let mut close = head.close;
        match head.framing {
            Framing::Length(n) => self.skip(n).await?,
            Framing::Chunked => self.skip_chunks().await?,
            Framing::UntilClose => {
                while self.fill().await? > 0 {
                    self.buf.clear();
                }
                close = true;
            }
        }
        self.served += 1;
        // Bytes after the answer were never asked for: start afresh.
        Ok((head.status, close || !self.buf.is_empty()))
    }

    /// Reads more of the answer; 0 at the end of the stream.
    async fn fill(&mut self) -> Result<usize, Step> {
        if self.buf.capacity() - self.buf.len() < 1024 {
            self.buf.reserve(BUFFER);
        }
        self.stream.read_buf(&mut self.buf).await.map_err(|_| Step::Sent)
    }

    /// Drops `n` bytes of body, reading them first when needed.
    async fn skip(&mut self, mut n: usize) -> Result<(), Step> {
        loop {
            let here = n.min(self.buf.len());
            self.buf.advance(here);
            n -= here;
            if n == 0 {
                return Ok(());
            }
            if self.fill().await? == 0 {
                return Err(Step::Sent);
            }
        }
    }

    /// One line (without its CRLF) at the front of the buffer, read first
    /// when needed; the line is removed.
    async fn line(&mut self) -> Result<BytesMut, Step> {
        loop {
            if let Some(at) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf.split_to(at);
                self.buf.advance(2);
                return Ok(line);
            }
            if self.buf.len() > 64 * 1024 || self.fill().await? == 0 {
                return Err(Step::Sent);
            }
        }
    }

    /// Drops a chunked body: chunks up to the last (size 0), then trailers.
    async fn skip_chunks(&mut self) -> Result<(), Step> {
        loop {
            let line = self.line().await?;
            let size = line[..].split(|b| *b == b';').next().unwrap_or_default();
            let size = std::str::from_utf8(size)
                .ok()
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or(Step::Sent)?;
            if size == 0 {
                break;
            }
            self.skip(size.checked_add(2).ok_or(Step::Sent)?).await?;
        }
        while !self.line().await?.is_empty() {}
        Ok(())
    }
}

/// The head at the front of `buf`: `None` while incomplete.
fn parse_head(buf: &[u8], head_request: bool) -> Result<Option<Head>, Step> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(Step::Sent),
    };
    let status = resp.code.unwrap_or(0);
    let mut close = resp.version == Some(0);
    let mut framing = Framing::UntilClose;
    let mut chunked = false;
    for h in resp.headers.iter() {
        let name = h.name.as_bytes();
        if name.eq_ignore_ascii_case(CONTENT_LENGTH.as_str().as_bytes()) {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or(Step::Sent)?;
            framing = Framing::Length(n);
        } else if name.eq_ignore_ascii_case(TRANSFER_ENCODING.as_str().as_bytes()) {
            chunked = h
                .value
                .rsplit(|b| *b == b',')
                .next()
                .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case(CONNECTION.as_str().as_bytes()) {
            for token in h.value.split(|b| *b == b',').map(<[u8]>::trim_ascii) {
                if token.eq_ignore_ascii_case(b"close") {
                    close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    close = false;
                }
            }
        }
    }
    if chunked {
        framing = Framing::Chunked;
    }
    if head_request || (100..200).contains(&status) || status == 204 || status == 304 {
        framing = Framing::Length(0);
    }
    Ok(Some(Head {
        len,
        status,
        framing,
        close,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Head {
        parse_head(raw.as_bytes(), false).unwrap().unwrap()
    }

    #[test]
    fn answers_are_framed_as_http_1_1_says() {
        let h = parsed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assert!(matches!(h.framing, Framing::Length(2)) && !h.close && h.len == 38);
        let h = parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 9\r\n\r\n");
        assert!(matches!(h.framing, Framing::Chunked));
        let h = parsed("HTTP/1.1 204 No Content\r\n\r\n");
        assert!(matches!(h.framing, Framing::Length(0)));
        let h = parsed("HTTP/1.0 200 OK\r\n\r\n");
        assert!(matches!(h.framing, Framing::UntilClose) && h.close);
        let h = parsed("HTTP/1.1 503 Busy\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n");
        assert!(h.close && h.status == 503);
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le", false)
            .unwrap()
            .is_none());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false).is_err());
        assert!(parse_head(b"not http\r\n\r\n", false).is_err());
    }
}
