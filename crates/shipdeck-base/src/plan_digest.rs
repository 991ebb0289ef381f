//! The token of a previewed plan: a digest of everything a confirmed action
//! would do. A dry run hands it out; the real run plans again and refuses
//! when the token differs, so what runs is exactly what the user saw.

use sha2::{Digest, Sha256};

/// Hex characters in a token (128 bits of SHA-256).
const TOKEN_LEN: usize = 32;

/// Feeds labelled fields into SHA-256 without ambiguity: every field is
/// length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
pub struct PlanDigest(Sha256);

impl PlanDigest {
    /// `kind` keeps a release token from ever matching a migration one.
    pub fn new(kind: &str) -> PlanDigest {
        let mut d = PlanDigest(Sha256::new());
        d.field("kind", kind.as_bytes());
        d
    }

    pub fn field(&mut self, label: &str, value: impl AsRef<[u8]>) -> &mut PlanDigest {
        for part in [label.as_bytes(), value.as_ref()] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
        self
    }

    /// A field holding the SHA-256 of a possibly large value.
    pub fn content(&mut self, label: &str, value: impl AsRef<[u8]>) -> &mut PlanDigest {
        let hash = Sha256::digest(value.as_ref());
        self.field(label, hash)
    }

    pub fn finish(self) -> String {
        let mut hex = hex::encode(self.0.finalize());
        hex.truncate(TOKEN_LEN);
        hex
    }
}

/// Whether a token given back by the user is the one of the plan made now.
/// Case and surrounding blanks do not matter; a prefix is not enough.
pub fn same(given: &str, planned: &str) -> bool {
    given.trim().eq_ignore_ascii_case(planned)
}

/// The first characters of a token, for messages.
pub fn short(token: &str) -> &str {
    let t = token.trim();
    t.char_indices().nth(12).map_or(t, |(end, _)| &t[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(fields: &[(&str, &str)]) -> String {
        let mut d = PlanDigest::new("test");
        for (l, v) in fields {
            d.field(l, v);
        }
        d.finish()
    }

    #[test]
    fn same_fields_give_the_same_token() {
        let a = token(&[("head", "abc"), ("tag", "v1.0.0")]);
        assert_eq!(a, token(&[("head", "abc"), ("tag", "v1.0.0")]));
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn moving_a_boundary_changes_the_token() {
        assert_ne!(token(&[("a", "bc")]), token(&[("ab", "c")]));
        assert_ne!(
            token(&[("x", "ab"), ("y", "c")]),
            token(&[("x", "a"), ("y", "bc")])
        );
    }

    #[test]
    fn the_kind_is_part_of_the_token() {
        let mut a = PlanDigest::new("release");
        a.field("x", "1");
        let mut b = PlanDigest::new("migrations");
        b.field("x", "1");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn a_prefix_or_another_token_is_not_the_same() {
        let t = token(&[("a", "1")]);
        assert!(same(&format!("  {}\n", t.to_uppercase()), &t));
        assert!(!same(&t[..12], &t));
        assert!(!same("", &t));
        assert!(!same(&token(&[("a", "2")]), &t));
    }

    #[test]
    fn short_cuts_on_characters() {
        assert_eq!(short(" 0123456789abcdef "), "0123456789ab");
        assert_eq!(short("ééééééééééééé"), "éééééééééééé");
        assert_eq!(short("abc"), "abc");
    }
}
