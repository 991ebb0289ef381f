//! The one way Shipdeck builds HTTP clients, so every request (forge API,
//! health, Sentry, log shipping, OTLP, benchmarks over TLS) follows the same
//! rules about where credentials may go.
//!
//! reqwest drops `Authorization` and `Cookie` when a redirect leaves the
//! origin, but forwards every other header: `PRIVATE-TOKEN`,
//! `X-Sentry-Auth` and the OTLP headers would reach whichever host a server
//! redirects to. So a redirect is followed only while the scheme, host and
//! port stay those of the first request; otherwise the 3xx answer itself is
//! returned and the caller reports it.

use std::time::Duration;

use reqwest::redirect::Policy;
use url::Url;

/// Same-origin redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 3;

/// A client builder with Shipdeck's user agent and redirect rule; callers
/// add their timeouts and pool settings.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .redirect(same_origin_redirects())
}

fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let leaves_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() != attempt.url().origin());
        if leaves_origin {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Plain `http://` to a host other than this machine: credentials would
/// cross the network readable by anyone on the path.
pub fn cleartext_to_remote(url: &Url) -> bool {
    let local = match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    };
    url.scheme() == "http" && !local
}

/// What a stopped redirect says, for messages: `HTTP 307 to
/// http://127.0.0.1:4000` (the target's origin only, never its path or
/// query, which may carry tokens).
pub fn redirect_note(status: u16, location: Option<&str>, base: &Url) -> String {
    let origin = location
        .and_then(|l| base.join(l).ok())
        .map(|u| u.origin().ascii_serialization());
    match origin {
        Some(o) => format!("HTTP {status}, a redirect to {o}"),
        None => format!("HTTP {status}, a redirect"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleartext_is_plain_http_to_another_machine() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(cleartext_to_remote(&u("http://gitlab.example.com/api/v4")));
        assert!(cleartext_to_remote(&u("http://10.0.0.7:4318")));
        assert!(!cleartext_to_remote(&u("https://gitlab.example.com/api/v4")));
        assert!(!cleartext_to_remote(&u("http://127.0.0.1:4318")));
        assert!(!cleartext_to_remote(&u("http://[::1]:4318")));
        assert!(!cleartext_to_remote(&u("http://LOCALHOST:3000")));
        assert!(!cleartext_to_remote(&u("http://api.localhost:3000")));
    }

    #[test]
    fn redirect_notes_name_the_origin_only() {
        let base = Url::parse("http://127.0.0.1:3000/api").unwrap();
        assert_eq!(
            redirect_note(307, Some("http://127.0.0.1:4000/steal?token=x"), &base),
            "HTTP 307, a redirect to http://127.0.0.1:4000"
        );
        assert_eq!(redirect_note(302, None, &base), "HTTP 302, a redirect");
    }
}
