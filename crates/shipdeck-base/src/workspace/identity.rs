//! A repository's identity, the same in every clone: its root commit and
//! its `origin` remote, hashed to the format of [`super::workspace_id`].

use sha2::{Digest, Sha256};

/// The id of a repository whose oldest root commit is `root_commit` and
/// whose `origin` normalises to `remote` (empty without one).
pub fn repository_id(root_commit: &str, remote: &str) -> String {
    let digest = Sha256::digest(format!("repo\n{root_commit}\n{remote}").as_bytes());
    hex::encode(&digest[..8])
}

/// `origin`'s URL reduced to `host/path`: no scheme, user, password or
/// default port, the host in lower case, no trailing `.git` or `/`. So
/// `git@host:org/x.git`, `ssh://git@host/org/x` and `https://host/org/x/`
/// are one remote. The result never holds credentials: it is what gets
/// hashed, and nothing else of the URL is kept.
pub fn normalize_remote(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, url),
    };
    let (authority, path) = match scheme {
        Some(_) => rest.split_at(rest.find('/').unwrap_or(rest.len())),
        None => match scp_like(rest) {
            Some(split) => split,
            // A local path: kept as written.
            None => ("", rest),
        },
    };
    // The user (and password) end at the last `@` of the authority.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = without_default_port(host_port, scheme.as_deref()).to_ascii_lowercase();
    let mut path = path.trim_start_matches('/');
    if host.is_empty() && url.starts_with('/') {
        path = rest;
    }
    loop {
        let trimmed = path.trim_end_matches('/');
        let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
        if trimmed.len() == path.len() {
            break;
        }
        path = trimmed;
    }
    match (host.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => host,
        (false, false) => format!("{host}/{path}"),
    }
}

/// `[user[:password]@]host:path` (git's scp-like syntax), split into its
/// authority and path; `None` for a local path (no `:` before the first `/`).
fn scp_like(rest: &str) -> Option<(&str, &str)> {
    let first_slash = rest.find('/').unwrap_or(rest.len());
    let head = &rest[..first_slash];
    let user_end = head.rfind('@').map_or(0, |i| i + 1);
    let colon = user_end + head[user_end..].find(':')?;
    Some((&rest[..colon], &rest[colon + 1..]))
}

fn without_default_port<'a>(host_port: &'a str, scheme: Option<&str>) -> &'a str {
    // An IPv6 host is bracketed: its colons are not a port.
    let port_start = match host_port.rfind(']') {
        Some(end) => host_port[end..].find(':').map(|i| end + i),
        None => host_port.rfind(':'),
    };
    let Some(colon) = port_start else {
        return host_port;
    };
    let port = &host_port[colon + 1..];
    let default = match scheme {
        Some("https") => "443",
        Some("http") => "80",
        Some("ssh") | Some("git+ssh") | Some("ssh+git") => "22",
        Some("git") => "9418",
        _ => "",
    };
    if port.is_empty() || port == default {
        &host_port[..colon]
    } else {
        host_port
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_scp_and_https_forms_of_one_remote_are_equal() {
        let forms = [
            "git@GitHub.com:Org/Repo.git",
            "ssh://git@github.com/Org/Repo",
            "ssh://git@github.com:22/Org/Repo.git/",
            "https://github.com/Org/Repo",
            "https://github.com:443/Org/Repo.git",
            "http://github.com/Org/Repo/",
            "git://github.com/Org/Repo.git",
        ];
        for form in forms {
            assert_eq!(normalize_remote(form), "github.com/Org/Repo", "{form}");
        }
    }

    #[test]
    fn credentials_in_a_remote_are_dropped() {
        for form in [
            "https://user:s3cret@host/x.git",
            "https://user:s3cr@t@host/x",
            "user:s3cret@host:x.git",
            "ssh://user:s3cret@HOST:22/x",
        ] {
            let normal = normalize_remote(form);
            assert_eq!(normal, "host/x", "{form}");
            assert!(!normal.contains("s3cr"), "{form}");
        }
    }

    #[test]
    fn other_ports_and_hosts_stay_apart() {
        assert_eq!(normalize_remote("ssh://git@host:2222/x"), "host:2222/x");
        assert_eq!(normalize_remote("https://[::1]:443/x"), "[::1]/x");
        assert_eq!(normalize_remote("https://[::1]:8443/x"), "[::1]:8443/x");
        assert_ne!(
            normalize_remote("https://a.example/x"),
            normalize_remote("https://b.example/x")
        );
    }

    #[test]
    fn local_paths_keep_their_path() {
        assert_eq!(normalize_remote("/srv/git/x.git/"), "/srv/git/x");
        assert_eq!(normalize_remote("../x.git"), "../x");
        assert_eq!(normalize_remote("file:///srv/git/x.git"), "srv/git/x");
        assert_eq!(normalize_remote(""), "");
    }

    #[test]
    fn an_id_has_the_path_id_format_and_depends_on_both_parts() {
        let id = repository_id("abc", "host/x");
        assert_eq!(id.len(), 16);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(id, repository_id("abc", "host/y"));
        assert_ne!(id, repository_id("abd", "host/x"));
        assert_eq!(id, repository_id("abc", "host/x"));
    }

    #[test]
    fn a_very_long_remote_is_normalised() {
        let url = format!("https://host/{}.git", "a".repeat(10_000));
        assert_eq!(normalize_remote(&url).len(), "host/".len() + 10_000);
    }
}
