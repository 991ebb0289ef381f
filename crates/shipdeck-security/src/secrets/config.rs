//! Rules in gitleaks' TOML format: `title`, `[extend]`, `[[rules]]` with
//! their allowlists, and the global `[allowlist]` / `[[allowlists]]`. The
//! TOML itself is read by the `toml` crate into the plain structs below;
//! this module only merges `[extend]` and compiles the result.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use shipdeck_base::error::Result;

use crate::error::SecurityError;

/// Shipdeck's own rule set, in the same format a team's file uses.
pub(crate) const DEFAULT_RULES: &str = include_str!("default.toml");

/// Bounds that keep a hostile rules file from exhausting memory or time.
const MAX_RULES: usize = 2_000;
const MAX_PATTERN_LEN: usize = 16 * 1024;
const MAX_REGEX_BYTES: usize = 4 * 1024 * 1024;
const MAX_LIST_ENTRIES: usize = 10_000;
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// gitleaks follows `[extend] path` this many levels deep.
const MAX_EXTEND_DEPTH: u8 = 2;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    title: Option<String>,
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<RawRule>,
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawExtend {
    path: Option<String>,
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAllowlist {
    condition: Option<String>,
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// What an allowlist's `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Secret,
    Match,
    Line,
}

#[derive(Debug)]
pub(crate) struct Allowlist {
    /// `condition = "AND"`: every non-empty criterion must hold.
    pub and: bool,
    pub target: Target,
    pub regexes: Vec<regex::bytes::Regex>,
    pub paths: Vec<regex::Regex>,
    /// Lower-cased, as gitleaks compares them.
    pub stopwords: Vec<String>,
    pub commits: Vec<String>,
    /// Global allowlists only: the rules it applies to (empty = all).
    pub target_rules: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub description: String,
    pub regex: Option<regex::bytes::Regex>,
    pub secret_group: usize,
    pub entropy: f64,
    /// Lower-cased.
    pub keywords: Vec<String>,
    pub path: Option<regex::Regex>,
    pub tags: Vec<String>,
    pub allowlists: Vec<Allowlist>,
}

#[derive(Debug)]
pub(crate) struct Config {
    pub rules: Vec<Rule>,
    pub global: Vec<Allowlist>,
    /// "default", ".gitleaks.toml" or the explicit file's path.
    pub source: String,
}

fn bad(source: &str, reason: impl Into<String>) -> shipdeck_base::error::Error {
    SecurityError::BadRules {
        source_name: source.to_string(),
        reason: reason.into(),
    }
    .into()
}

/// The rules a scan of `root` uses: `explicit`, else `.gitleaks.toml` at
/// the root, else Shipdeck's default set.
pub(crate) fn load(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    let (text, source, base_dir) = if let Some(p) = explicit {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        };
        let text = read_bounded(&p)?;
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
        (text, p.display().to_string(), dir)
    } else if std::fs::symlink_metadata(root.join(".gitleaks.toml")).is_ok_and(|m| m.is_file()) {
        // A symlink here could lead out of the workspace: not followed.
        let text = read_bounded(&root.join(".gitleaks.toml"))?;
        (text, ".gitleaks.toml".to_string(), root.to_path_buf())
    } else {
        let raw = parse(DEFAULT_RULES, "default")?;
        return compile(raw, "default".into());
    };
    let raw = parse(&text, &source)?;
    let fence = Fence { root, base_dir };
    let raw = resolve_extend(raw, &fence, &source, 0)?;
    compile(raw, source)
}

/// Where `[extend] path` may point: inside the workspace or beside the
/// rules file the user named, never elsewhere on the machine.
struct Fence<'a> {
    root: &'a Path,
    base_dir: PathBuf,
}

impl Fence<'_> {
    fn allows(&self, p: &Path) -> bool {
        let Ok(real) = p.canonicalize() else {
            return false;
        };
        [self.root.to_path_buf(), self.base_dir.clone()]
            .iter()
            .filter_map(|d| d.canonicalize().ok())
            .any(|d| real.starts_with(d))
    }
}

fn read_bounded(p: &Path) -> Result<String> {
    let name = p.display().to_string();
    let meta = std::fs::metadata(p).map_err(|e| bad(&name, e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad(&name, format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    let bytes = std::fs::read(p).map_err(|e| bad(&name, e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| bad(&name, "not UTF-8 text"))
}

fn parse(text: &str, source: &str) -> Result<RawConfig> {
    toml::from_str::<RawConfig>(text).map_err(|e| bad(source, e.message().to_string()))
}

fn resolve_extend(mut raw: RawConfig, fence: &Fence, source: &str, depth: u8) -> Result<RawConfig> {
    let Some(ext) = raw.extend.take() else {
        return Ok(raw);
    };
    if depth >= MAX_EXTEND_DEPTH {
        return Ok(raw);
    }
    let base = if ext.use_default {
        parse(DEFAULT_RULES, "default")?
    } else if let Some(path) = ext.path.as_deref() {
        let p = fence.base_dir.join(path);
        if !fence.allows(&p) {
            return Err(bad(
                source,
                format!("[extend] path {path} is not inside the workspace"),
            ));
        }
        let text = read_bounded(&p)?;
        let base = parse(&text, path)?;
        resolve_extend(base, fence, path, depth + 1)?
    } else {
        return Ok(raw);
    };
    Ok(merge(base, raw, &ext.disabled_rules))
}

/// The extending file wins field by field; lists are concatenated, as
/// gitleaks does when a rule id appears in both.
fn merge(base: RawConfig, top: RawConfig, disabled: &[String]) -> RawConfig {
    let disabled: HashSet<&str> = disabled.iter().map(String::as_str).collect();
    let mut rules: Vec<RawRule> = base
        .rules
        .into_iter()
        .filter(|r| !disabled.contains(r.id.as_str()))
        .collect();
    let base_ids: HashSet<String> = rules.iter().map(|r| r.id.clone()).collect();
    let mut merged = HashSet::new();
    for rule in top.rules {
        // A base rule is overridden once; an id repeated within the
        // extending file itself stays a duplicate (refused in `compile`).
        let overrides = base_ids.contains(&rule.id) && merged.insert(rule.id.clone());
        if let Some(b) = rules.iter_mut().find(|b| overrides && b.id == rule.id) {
            b.description = rule.description.or(b.description.take());
            b.regex = rule.regex.or(b.regex.take());
            b.secret_group = rule.secret_group.or(b.secret_group);
            b.entropy = rule.entropy.or(b.entropy);
            b.path = rule.path.or(b.path.take());
            b.keywords.extend(rule.keywords);
            b.tags.extend(rule.tags);
            b.allowlists.extend(rule.allowlist);
            b.allowlists.extend(rule.allowlists);
        } else {
            rules.push(rule);
        }
    }
    let mut allowlists: Vec<RawAllowlist> = base.allowlist.into_iter().collect();
    allowlists.extend(base.allowlists);
    allowlists.extend(top.allowlist);
    allowlists.extend(top.allowlists);
    RawConfig {
        title: top.title.or(base.title),
        extend: None,
        rules,
        allowlist: None,
        allowlists,
    }
}

fn compile(raw: RawConfig, source: String) -> Result<Config> {
    if raw.rules.len() > MAX_RULES {
        return Err(bad(
            &source,
            format!("{} rules; at most {MAX_RULES} are read", raw.rules.len()),
        ));
    }
    let mut global = Vec::new();
    for a in raw.allowlist.into_iter().chain(raw.allowlists) {
        global.push(compile_allowlist(a, &source, "global allowlist")?);
    }
    let mut rules = Vec::with_capacity(raw.rules.len());
    let mut seen = HashSet::new();
    for r in raw.rules {
        if !seen.insert(r.id.clone()) {
            return Err(bad(&source, format!("rule id {} appears twice", r.id)));
        }
        rules.push(compile_rule(r, &source)?);
    }
    Ok(Config {
        rules,
        global,
        source,
    })
}

fn compile_rule(r: RawRule, source: &str) -> Result<Rule> {
    if r.id.trim().is_empty() {
        return Err(bad(source, "a rule has no id"));
    }
    let what = format!("rule {}", r.id);
    if r.regex.is_none() && r.path.is_none() {
        return Err(bad(source, format!("{what} has neither regex nor path")));
    }
    let regex = match r.regex.as_deref() {
        Some(p) => Some(bytes_regex(p, source, &what)?),
        None => None,
    };
    let groups = regex.as_ref().map_or(0, |re| re.captures_len() - 1);
    let secret_group = r.secret_group.unwrap_or(0);
    if secret_group > groups {
        return Err(bad(
            source,
            format!("{what}: secretGroup {secret_group} but the regex has {groups} groups"),
        ));
    }
    bounded(r.keywords.len(), source, &what)?;
    let mut allowlists = Vec::new();
    for a in r.allowlist.into_iter().chain(r.allowlists) {
        allowlists.push(compile_allowlist(a, source, &what)?);
    }
    Ok(Rule {
        description: r.description.unwrap_or_default(),
        regex,
        secret_group,
        entropy: r.entropy.unwrap_or(0.0),
        keywords: r.keywords.iter().map(|k| k.to_lowercase()).collect(),
        path: match r.path.as_deref() {
            Some(p) => Some(str_regex(p, source, &what)?),
            None => None,
        },
        tags: r.tags,
        allowlists,
        id: r.id,
    })
}

fn compile_allowlist(a: RawAllowlist, source: &str, what: &str) -> Result<Allowlist> {
    let total = a.regexes.len() + a.paths.len() + a.stopwords.len() + a.commits.len();
    bounded(total, source, what)?;
    let and = match a.condition.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("OR") | Some("") => false,
        Some("AND") => true,
        Some(other) => return Err(bad(source, format!("{what}: condition {other} (OR or AND)"))),
    };
    let target = match a.regex_target.as_deref() {
        None | Some("") | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(other) => {
            return Err(bad(
                source,
                format!("{what}: regexTarget {other} (secret, match or line)"),
            ))
        }
    };
    let regexes = a
        .regexes
        .iter()
        .map(|p| bytes_regex(p, source, what))
        .collect::<Result<Vec<_>>>()?;
    let paths = a
        .paths
        .iter()
        .map(|p| str_regex(p, source, what))
        .collect::<Result<Vec<_>>>()?;
    Ok(Allowlist {
        and,
        target,
        regexes,
        paths,
        stopwords: a.stopwords.iter().map(|s| s.to_lowercase()).collect(),
        commits: a.commits.iter().map(|c| c.trim().to_lowercase()).collect(),
        target_rules: a.target_rules,
    })
}

fn bounded(n: usize, source: &str, what: &str) -> Result<()> {
    if n > MAX_LIST_ENTRIES {
        return Err(bad(
            source,
            format!("{what}: {n} entries; at most {MAX_LIST_ENTRIES}"),
        ));
    }
    Ok(())
}

fn check_len(p: &str, source: &str, what: &str) -> Result<()> {
    if p.len() > MAX_PATTERN_LEN {
        return Err(bad(
            source,
            format!("{what}: a regex of {} bytes; at most {MAX_PATTERN_LEN}", p.len()),
        ));
    }
    Ok(())
}

/// Content regexes run over bytes (files need not be UTF-8). Classes such
/// as `\w`, `\s` and `.` are ASCII/byte-wide as in Go's RE2, which is also
/// much faster; a pattern that needs Unicode (`\p{..}`) gets it.
fn bytes_regex(p: &str, source: &str, what: &str) -> Result<regex::bytes::Regex> {
    check_len(p, source, what)?;
    let build = |unicode: bool| {
        regex::bytes::RegexBuilder::new(p)
            .unicode(unicode)
            .size_limit(MAX_REGEX_BYTES)
            .build()
    };
    build(false)
        .or_else(|_| build(true))
        .map_err(|e| bad(source, format!("{what}: {e}")))
}

fn str_regex(p: &str, source: &str, what: &str) -> Result<regex::Regex> {
    check_len(p, source, what)?;
    regex::RegexBuilder::new(p)
        .size_limit(MAX_REGEX_BYTES)
        .build()
        .map_err(|e| bad(source, format!("{what}: {e}")))
}
