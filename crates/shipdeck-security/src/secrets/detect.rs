//! Finding matches in one piece of content. Path- and commit-dependent
//! decisions (a rule's `path`, allowlisted paths and commits) are taken in
//! [`Detector::finalize`], so a blob held at many paths is read once.

use std::hash::{Hash, Hasher};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use shipdeck_base::error::Result;

use super::config::{Allowlist, Config, Rule, Target};
use crate::error::SecurityError;

/// At most this many matches are kept from one piece of content.
const MAX_HITS_PER_BLOB: usize = 5_000;
/// How far into a file a NUL byte marks it binary (as git does).
pub(crate) const BINARY_PROBE: usize = 8 * 1024;

/// One match, without the secret: only a hash of it (to tell a secret
/// already present in the parent version) and its redacted forms.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: usize,
    pub key: u64,
    pub start: usize,
    pub end: usize,
    pub start_line: u32,
    pub end_line: u32,
    pub start_column: u32,
    pub end_column: u32,
    pub redacted: String,
    pub secret_redacted: String,
    pub entropy: f32,
    /// For each allowlist that may apply (the rule's, then the global
    /// ones): did its regexes / its stopwords hold.
    pub content: Vec<(bool, bool)>,
}

pub(crate) struct Detector {
    pub cfg: Config,
    keywords: Option<AhoCorasick>,
    /// Keyword pattern index → rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules with a regex and no keyword: always run.
    always: Vec<usize>,
}

pub(crate) fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// Shannon entropy of `s` as gitleaks computes it: characters counted,
/// frequencies over the length in bytes.
pub(crate) fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    let len = s.len() as f64;
    counts
        .values()
        .map(|&n| {
            let f = f64::from(n) / len;
            -f * f.log2()
        })
        .sum()
}

/// The first four characters then `…` (fewer for a short value, so at
/// most half of it shows).
pub(crate) fn redact(s: &str) -> String {
    let n = s.chars().count();
    let keep = 4.min(n / 2);
    let mut out: String = s.chars().take(keep).collect();
    out.push('…');
    out
}

fn hash_of(secret: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    secret.hash(&mut h);
    h.finish()
}

impl Detector {
    pub fn new(cfg: Config) -> Result<Self> {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, rule) in cfg.rules.iter().enumerate() {
            if rule.regex.is_none() {
                continue;
            }
            if rule.keywords.is_empty() {
                always.push(i);
            }
            for k in rule.keywords.iter().filter(|k| !k.is_empty()) {
                match patterns.iter().position(|p| p == k) {
                    Some(j) => keyword_rules[j].push(i),
                    None => {
                        patterns.push(k.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            let ac = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .map_err(|e| SecurityError::BadRules {
                    source_name: cfg.source.clone(),
                    reason: format!("keywords: {e}"),
                })?;
            Some(ac)
        };
        Ok(Self {
            cfg,
            keywords,
            keyword_rules,
            always,
        })
    }

    /// Rules whose keyword appears in `data` (or that have none).
    fn candidates(&self, data: &[u8]) -> Vec<usize> {
        let mut on = vec![false; self.cfg.rules.len()];
        for &i in &self.always {
            on[i] = true;
        }
        if let Some(ac) = &self.keywords {
            let mut seen = vec![false; self.keyword_rules.len()];
            let mut left = seen.len();
            for m in ac.find_overlapping_iter(data) {
                let k = m.pattern().as_usize();
                if !seen[k] {
                    seen[k] = true;
                    for &r in &self.keyword_rules[k] {
                        on[r] = true;
                    }
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
            }
        }
        (0..on.len()).filter(|&i| on[i]).collect()
    }

    /// Every match of every applicable rule in `data`, before path and
    /// commit allowlists.
    pub fn scan(&self, data: &[u8]) -> Vec<Hit> {
        let mut lines: Option<Vec<usize>> = None;
        let mut hits = Vec::new();
        for r in self.candidates(data) {
            let rule = &self.cfg.rules[r];
            let Some(re) = &rule.regex else { continue };
            for m in re.find_iter(data) {
                if hits.len() >= MAX_HITS_PER_BLOB {
                    break;
                }
                let nl = lines.get_or_insert_with(|| memchr::memchr_iter(b'\n', data).collect());
                if let Some(hit) = self.hit(r, rule, data, m.start(), m.end(), nl) {
                    hits.push(hit);
                }
            }
        }
        drop_generic_overlaps(&self.cfg.rules, &mut hits);
        hits
    }

    fn hit(&self, r: usize, rule: &Rule, data: &[u8], start: usize, end: usize, nl: &[usize]) -> Option<Hit> {
        let re = rule.regex.as_ref()?;
        let whole = trim_newlines(&data[start..end]);
        let mut secret = whole;
        if re.captures_len() > 1 {
            let caps = re.captures(whole)?;
            secret = if rule.secret_group > 0 {
                caps.get(rule.secret_group)?.as_bytes()
            } else {
                (1..caps.len())
                    .filter_map(|g| caps.get(g))
                    .map(|m| m.as_bytes())
                    .find(|s| !s.is_empty())
                    .unwrap_or(whole)
            };
        }
        let secret_text = String::from_utf8_lossy(secret);
        let entropy = shannon_entropy(&secret_text);
        if rule.entropy != 0.0 && entropy <= rule.entropy {
            return None;
        }
        let loc = Location::of(nl, data.len(), start, end);
        let line = &data[loc.line_start..loc.line_end.max(end).min(data.len())];
        let content = self
            .allowlists_for(rule)
            .map(|a| content_checks(a, secret, whole, line, &secret_text))
            .collect();
        Some(Hit {
            rule: r,
            key: hash_of(secret),
            start,
            end,
            start_line: loc.start_line,
            end_line: loc.end_line,
            start_column: loc.start_column,
            end_column: loc.end_column,
            redacted: redact(&String::from_utf8_lossy(whole)),
            secret_redacted: redact(&secret_text),
            entropy: entropy as f32,
            content,
        })
    }

    /// The rule's allowlists, then the global ones that target it.
    fn allowlists_for<'a>(&'a self, rule: &'a Rule) -> impl Iterator<Item = &'a Allowlist> {
        rule.allowlists.iter().chain(
            self.cfg
                .global
                .iter()
                .filter(move |a| a.target_rules.is_empty() || a.target_rules.contains(&rule.id)),
        )
    }

    /// A global allowlist that drops every finding at `path` whatever its
    /// content: such files need not be read at all.
    pub fn path_skipped(&self, path: &str) -> bool {
        self.cfg
            .global
            .iter()
            .any(|a| !a.and && a.target_rules.is_empty() && a.paths.iter().any(|p| p.is_match(path)))
    }

    /// A global allowlist that drops every finding of `commit`.
    pub fn commit_skipped(&self, commit: &str) -> bool {
        let c = commit.to_lowercase();
        self.cfg
            .global
            .iter()
            .any(|a| !a.and && a.target_rules.is_empty() && a.commits.contains(&c))
    }

    /// Applies rule paths and allowlists for `path`/`commit`; returns the
    /// hits kept and how many allowlists dropped.
    pub fn finalize(&self, hits: Vec<Hit>, path: &str, commit: Option<&str>) -> (Vec<Hit>, u64) {
        let commit = commit.map(str::to_lowercase);
        let mut dropped = 0;
        let mut kept = Vec::with_capacity(hits.len());
        for hit in hits {
            let rule = &self.cfg.rules[hit.rule];
            if rule.path.as_ref().is_some_and(|p| !p.is_match(path)) {
                continue;
            }
            let allowed = self
                .allowlists_for(rule)
                .zip(&hit.content)
                .any(|(a, &(re, stop))| allows(a, path, commit.as_deref(), re, stop));
            if allowed {
                dropped += 1;
            } else {
                kept.push(hit);
            }
        }
        (kept, dropped)
    }

    /// Rules with a `path` and no `regex` report the file itself.
    pub fn path_hits(&self, path: &str) -> Vec<Hit> {
        let text = format!("file detected: {path}");
        self.cfg
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.regex.is_none() && r.path.as_ref().is_some_and(|p| p.is_match(path)))
            .map(|(i, rule)| Hit {
                rule: i,
                key: hash_of(path.as_bytes()),
                start: 0,
                end: 0,
                start_line: 0,
                end_line: 0,
                start_column: 0,
                end_column: 0,
                redacted: text.clone(),
                secret_redacted: String::new(),
                entropy: 0.0,
                content: self.allowlists_for(rule).map(|_| (false, false)).collect(),
            })
            .collect()
    }
}

fn trim_newlines(mut s: &[u8]) -> &[u8] {
    while let [b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b'\n'] = s {
        s = rest;
    }
    s
}

fn content_checks(
    a: &Allowlist,
    secret: &[u8],
    whole: &[u8],
    line: &[u8],
    secret_text: &str,
) -> (bool, bool) {
    let target = match a.target {
        Target::Secret => secret,
        Target::Match => whole,
        Target::Line => line,
    };
    let re = a.regexes.iter().any(|r| r.is_match(target));
    let lower = secret_text.to_lowercase();
    let stop = a.stopwords.iter().any(|w| lower.contains(w.as_str()));
    (re, stop)
}

/// gitleaks' OR / AND allowlist conditions.
fn allows(a: &Allowlist, path: &str, commit: Option<&str>, re: bool, stop: bool) -> bool {
    let commit_ok = commit.is_some_and(|c| a.commits.iter().any(|x| x == c));
    let path_ok = a.paths.iter().any(|p| p.is_match(path));
    let checks = [
        (!a.commits.is_empty(), commit_ok),
        (!a.paths.is_empty(), path_ok),
        (!a.regexes.is_empty(), re),
        (!a.stopwords.is_empty(), stop),
    ];
    if a.and {
        checks.iter().any(|(set, _)| *set) && checks.iter().all(|(set, ok)| !set || *ok)
    } else {
        checks.iter().any(|(set, ok)| *set && *ok)
    }
}

/// A generic rule's match that overlaps a provider rule's match says the
/// same thing less precisely: keep the provider's.
fn drop_generic_overlaps(rules: &[Rule], hits: &mut Vec<Hit>) {
    let generic = |h: &Hit| rules[h.rule].id.starts_with("generic");
    let specific: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| !generic(h))
        .map(|h| (h.start, h.end))
        .collect();
    if specific.is_empty() {
        return;
    }
    hits.retain(|h| !generic(h) || !specific.iter().any(|&(s, e)| s < h.end && h.start < e));
}

/// Line and column as gitleaks reports them: lines 1-based; columns
/// 1-based on the first line and counted from the previous newline (so one
/// more) on the others.
struct Location {
    start_line: u32,
    end_line: u32,
    start_column: u32,
    end_column: u32,
    line_start: usize,
    line_end: usize,
}

impl Location {
    fn of(nl: &[usize], len: usize, start: usize, end: usize) -> Self {
        let i = nl.partition_point(|&p| p < start);
        let j = nl.partition_point(|&p| p < end);
        let prev = |k: usize| if k == 0 { 0 } else { nl[k - 1] };
        let to_u32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Location {
            start_line: to_u32(i + 1),
            end_line: to_u32(j.max(i) + 1),
            start_column: to_u32(start - prev(i) + 1),
            end_column: to_u32(end - prev(j.max(i))),
            line_start: prev(i),
            line_end: nl.get(j).copied().unwrap_or(len),
        }
    }
}
