//! What a link or a code span points at, resolved inside the workspace
//! without touching anything outside it: `..` that climbs above the
//! workspace is refused before any file is looked at.

/// A link destination, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `http://` or `https://`.
    External(String),
    /// Another scheme (`mailto:`, `tel:`…) or a protocol-relative URL: not checked.
    Other,
    /// A path in the workspace (`""`: the workspace itself) and an optional
    /// anchor; a bare `#anchor` is the page's own path.
    Local { path: String, anchor: Option<String> },
    /// A relative path that climbs out of the workspace.
    Outside,
}

/// Classifies `dest` as written in the page at `doc` (workspace-relative).
pub fn classify(doc: &str, dest: &str) -> Target {
    let dest = dest.trim();
    if let Some(scheme) = scheme(dest) {
        return if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            Target::External(dest.to_string())
        } else {
            Target::Other
        };
    }
    if dest.starts_with("//") {
        return Target::Other;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Target::Local {
            path: doc.to_string(),
            anchor,
        };
    }
    let path = percent_decode(path);
    let base = match path.strip_prefix('/') {
        Some(_) => "",
        None => doc.rsplit_once('/').map_or("", |(dir, _)| dir),
    };
    match normalize(base, &path) {
        Some(p) => Target::Local { path: p, anchor },
        None => Target::Outside,
    }
}

/// A URL scheme (`https` of `https://…`), per RFC 3986's grammar.
fn scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let ok = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        // A Windows drive letter is a path, not a scheme.
        && scheme.len() > 1;
    ok.then_some(scheme)
}

/// `rel` joined to `base` (both `/`-separated, workspace-relative) with `.`
/// and `..` folded; `None` when it climbs above the workspace. `""` is the
/// workspace itself.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A code span that may name a repository path: one word, with a `/` or a
/// `.`, no URL, no glob. Returns it workspace-relative when it is one.
pub fn code_span_path(span: &str) -> Option<String> {
    let s = span.trim();
    let looks_like_path = !s.is_empty()
        && s.len() <= 300
        && !s
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '*' | '?' | '<' | '>' | '|' | '"' | '$' | '{'))
        && (s.contains('/') || s.contains('.'))
        && !s.contains("://")
        && !s.starts_with('-');
    if !looks_like_path {
        return None;
    }
    let s = s.strip_prefix("./").unwrap_or(s);
    let p = normalize("", s)?;
    (!p.is_empty()).then_some(p)
}

/// Decodes `%XX` escapes (a URL path is not a URL, so the `url` crate does
/// not apply); a malformed escape is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(path: &str, anchor: Option<&str>) -> Target {
        Target::Local {
            path: path.into(),
            anchor: anchor.map(Into::into),
        }
    }

    #[test]
    fn relative_links_resolve_from_the_page_folder() {
        assert_eq!(classify("docs/a.md", "b.md"), local("docs/b.md", None));
        assert_eq!(
            classify("docs/a.md", "../src/x.rs#L3"),
            local("src/x.rs", Some("L3"))
        );
        assert_eq!(classify("docs/a.md", "/README.md"), local("README.md", None));
        assert_eq!(classify("docs/a.md", "#usage"), local("docs/a.md", Some("usage")));
        assert_eq!(classify("docs/a.md", "../"), local("", None));
        assert_eq!(
            classify("docs/a.md", "my%20file.md?raw=1"),
            local("docs/my file.md", None)
        );
    }

    #[test]
    fn climbing_out_of_the_workspace_is_outside() {
        assert_eq!(classify("docs/a.md", "../../etc/passwd"), Target::Outside);
        assert_eq!(classify("README.md", "../x"), Target::Outside);
    }

    #[test]
    fn schemes_are_external_or_other() {
        assert_eq!(
            classify("a.md", "https://x.test/p"),
            Target::External("https://x.test/p".into())
        );
        assert_eq!(classify("a.md", "mailto:a@b.c"), Target::Other);
        assert_eq!(classify("a.md", "//cdn.test/x"), Target::Other);
    }

    #[test]
    fn code_spans_that_look_like_paths() {
        assert_eq!(
            code_span_path("src/billing/refund.rs").as_deref(),
            Some("src/billing/refund.rs")
        );
        assert_eq!(code_span_path("./Cargo.toml").as_deref(), Some("Cargo.toml"));
        assert_eq!(code_span_path("cargo build --release"), None);
        assert_eq!(code_span_path("https://x.test/a.b"), None);
        assert_eq!(code_span_path("../../etc/passwd"), None);
        assert_eq!(code_span_path("src/**/*.rs"), None);
        assert_eq!(code_span_path("%"), None);
    }

    #[test]
    fn malformed_percent_escapes_are_kept() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zz%41"), "a%zzA");
        assert_eq!(percent_decode("%"), "%");
    }
}
