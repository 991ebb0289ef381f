//! HTTP for health and readiness probes: a target whose userinfo becomes
//! basic auth (registered with the redactor, never shown), one bounded
//! request (timeout, 1 MiB body cap), and failures sorted into what the
//! user can act on (refused, timeout, TLS, bad response).

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use url::Url;

use super::health::{clip, MAX_BODY};
use shipdeck_base::secrets::{redact, register_secret};

/// A URL to call: userinfo moved out (sent as basic auth, registered with
/// the redactor), never shown.
#[derive(Clone)]
pub(crate) struct Target {
    url: Url,
    user: Option<String>,
    password: Option<String>,
}

impl Target {
    /// http or https only. The error names what is wrong, not the URL.
    pub(crate) fn parse(raw: &str) -> Result<Target, String> {
        let mut url = Url::parse(raw.trim()).map_err(|e| format!("not a valid URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("the scheme must be http or https, not {}", url.scheme()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("the URL has no host".into());
        }
        let user = Some(percent_decode(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(|p| {
            register_secret(p);
            let p = percent_decode(p);
            register_secret(&p);
            p
        });
        // Cannot fail for http(s) URLs, which always have a host.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_fragment(None);
        Ok(Target { url, user, password })
    }

    /// `scheme://host[:port]/path`: no userinfo, no query.
    pub(crate) fn display(&self) -> String {
        format!("{}://{}", self.url.scheme(), self.host_path())
    }

    /// `host[:port]/path`.
    pub(crate) fn host_path(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(p) => format!("{host}:{p}{}", self.url.path()),
            None => format!("{host}{}", self.url.path()),
        }
    }

    /// The same target with `suffix` appended to its path (unless the path
    /// already ends with it).
    pub(crate) fn join(&self, suffix: &str) -> Target {
        let mut t = self.clone();
        let path = t.url.path().trim_end_matches('/');
        if !path.ends_with(suffix.trim_end_matches('/')) {
            let joined = format!("{path}{suffix}");
            t.url.set_path(&joined);
        }
        t
    }

    pub(crate) fn has_credentials(&self) -> bool {
        self.user.is_some() || self.password.is_some()
    }

    /// Plain http to a host other than this machine.
    pub(crate) fn cleartext(&self) -> bool {
        shipdeck_base::net::cleartext_to_remote(&self.url)
    }

    /// `HTTP 307, a redirect to http://host:port` for an answer whose
    /// redirect the client did not follow (it left the origin).
    pub(crate) fn redirect_note(&self, answer: &Answer) -> String {
        shipdeck_base::net::redirect_note(answer.status, answer.location.as_deref(), &self.url)
    }

    pub(crate) fn request(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
    ) -> reqwest::RequestBuilder {
        let request = client.request(method, self.url.clone());
        match &self.user {
            Some(user) => request.basic_auth(user, self.password.as_deref()),
            None if self.password.is_some() => request.basic_auth("", self.password.as_deref()),
            None => request,
        }
    }
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A complete answer, body bounded by [`MAX_BODY`].
pub(crate) struct Answer {
    pub status: u16,
    /// Lowercased.
    pub content_type: String,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub latency_ms: f64,
    /// The `Location` of a 3xx answer (a redirect that was not followed).
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    Timeout,
    Unreachable,
    Tls,
    /// Connected, but the exchange broke (bad HTTP, redirect loop, reset).
    Other,
}

/// Why a request got no answer; the message holds no URL and is redacted.
pub(crate) struct Failed {
    pub kind: Failure,
    pub message: String,
}

/// Sends `request` and reads the body, all within `timeout` (reqwest's
/// total deadline, with an outer one a second later in case it misses).
pub(crate) async fn send(request: reqwest::RequestBuilder, timeout: Duration) -> Result<Answer, Failed> {
    let started = Instant::now();
    let exchange = async {
        let mut response = request.timeout(timeout).send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (mut body, mut truncated) = (Vec::new(), false);
        while let Some(chunk) = response.chunk().await? {
            let room = MAX_BODY - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok::<_, reqwest::Error>((status, content_type, body, truncated, location))
    };
    let no_answer = || Failed {
        kind: Failure::Timeout,
        message: format!("no answer within {}", human(timeout)),
    };
    match tokio::time::timeout(timeout + Duration::from_secs(1), exchange).await {
        Err(_) => Err(no_answer()),
        Ok(Err(e)) if e.is_timeout() => Err(no_answer()),
        Ok(Err(e)) => Err(classify(&e)),
        Ok(Ok((status, content_type, body, truncated, location))) => Ok(Answer {
            status,
            content_type,
            body,
            truncated,
            location,
            latency_ms: started.elapsed().as_secs_f64() * 1000.0,
        }),
    }
}

fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Timeout, TLS, unreachable or other, with the causes (innermost last).
fn classify(e: &reqwest::Error) -> Failed {
    let mut causes: Vec<String> = Vec::new();
    let mut tls = false;
    let mut source = e.source();
    while let Some(err) = source {
        let text = err.to_string();
        let lower = text.to_ascii_lowercase();
        // A plain TCP connect never yields invalid data: that is the TLS
        // layer reading something that is not TLS.
        let invalid_data = err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData);
        tls |= invalid_data && e.is_connect()
            || [
                "certificate",
                "tls",
                "ssl",
                "handshake",
                "corrupt message",
                "unknownissuer",
                "peer sent",
            ]
            .iter()
            .any(|w| lower.contains(w));
        if !causes.last().is_some_and(|c| c.contains(&text)) && !text.is_empty() {
            causes.push(text);
        }
        source = err.source();
    }
    let kind = if tls {
        Failure::Tls
    } else if e.is_connect() {
        Failure::Unreachable
    } else {
        Failure::Other
    };
    let lead = match kind {
        Failure::Tls => "TLS failed",
        Failure::Unreachable => "could not connect",
        _ if e.is_redirect() => "too many redirects",
        _ => "the exchange broke",
    };
    let detail = causes.last().map(|c| format!(": {c}")).unwrap_or_default();
    Failed {
        kind,
        message: clip(&redact(&format!("{lead}{detail}")), 300),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_hide_userinfo_and_query() {
        let t = Target::parse("https://ops:pa%40ss-1234@h.example:8443/health?token=x#f").unwrap();
        assert_eq!(t.display(), "https://h.example:8443/health");
        assert_eq!(t.password.as_deref(), Some("pa@ss-1234"));
        assert_eq!(
            t.join("/loki/api/v1/push").host_path(),
            "h.example:8443/health/loki/api/v1/push"
        );
        let t = Target::parse("http://l/loki/api/v1/push/").unwrap();
        assert_eq!(t.join("/loki/api/v1/push").host_path(), "l/loki/api/v1/push/");
        assert!(Target::parse("ftp://h/x").is_err());
        assert!(!redact("x pa@ss-1234 y").contains("pa@ss"));
    }
}
