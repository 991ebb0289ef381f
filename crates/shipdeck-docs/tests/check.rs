//! The docs check on real git repositories built here, with commit dates
//! set explicitly so "after the page" is exact.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::path::Path;

use git2::{Repository, Signature, Time};
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_docs::{check, CheckOptions, DocResult, DocsReport, FailOn, Reason, RefKind, Review};

/// A repository whose commits are dated `DAY * n` seconds after 2026-01-01.
struct Repo {
    dir: tempfile::TempDir,
    repo: Repository,
}

const START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        Repo { dir, repo }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.root().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Commits everything on day `day`, as `author`.
    fn commit(&self, day: i64, author: &str, subject: &str) -> String {
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(author, "a@example.test", &Time::new(START + day * DAY, 0)).unwrap();
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<_> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, subject, &tree, &parents)
            .unwrap()
            .to_string()
    }

    fn check(&self) -> DocsReport {
        self.check_with(&CheckOptions::default())
    }

    fn check_with(&self, opts: &CheckOptions) -> DocsReport {
        check(self.root(), opts, &Progress::detached(CancellationToken::new())).unwrap()
    }
}

fn doc<'a>(r: &'a DocsReport, path: &str) -> &'a DocResult {
    r.docs
        .iter()
        .find(|d| d.path == path)
        .unwrap_or_else(|| panic!("{path} not in {r:#?}"))
}

fn broken(d: &DocResult) -> Vec<(usize, &str, Reason)> {
    d.broken_links
        .iter()
        .map(|b| (b.line, b.target.as_str(), b.reason))
        .collect()
}

#[test]
fn page_is_stale_when_referenced_code_changed_after_it() {
    let r = Repo::new();
    r.write("src/billing/refund.rs", "fn refund() {}\n");
    r.write("src/other.rs", "fn other() {}\n");
    r.write(
        "docs/billing.md",
        "# Billing\n\nRefunds live in `src/billing/refund.rs`; see [the module](../src/billing/).\n",
    );
    r.commit(1, "Ada", "billing");
    r.write("src/billing/refund.rs", "fn refund() { todo() }\nfn more() {}\n");
    r.commit(3, "Grace", "refunds: partial refunds");
    r.write("src/other.rs", "fn other() { 1 }\n");
    r.commit(4, "Grace", "other: unrelated");
    r.write("src/billing/refund.rs", "fn refund() {}\n");
    r.commit(5, "Linus", "refunds: revert");

    let report = r.check();
    let d = doc(&report, "docs/billing.md");
    assert!(d.stale, "{d:#?}");
    assert_eq!(d.last_changed.as_deref(), Some("2026-01-02T00:00:00Z"));
    let refs: Vec<_> = d
        .references
        .iter()
        .map(|x| (x.target.as_str(), x.kind, x.changed_since_doc))
        .collect();
    assert_eq!(
        refs,
        vec![
            ("../src/billing/", RefKind::Link, 2),
            ("src/billing/refund.rs", RefKind::CodeSpan, 2)
        ]
    );
    let subjects: Vec<_> = d
        .stale_commits
        .iter()
        .map(|c| (c.subject.as_str(), c.author.as_str()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            ("refunds: revert", "Linus"),
            ("refunds: partial refunds", "Grace")
        ]
    );
    assert_eq!(d.stale_commits[0].date, "2026-01-06T00:00:00Z");
    let u = d.suggested_update.as_ref().unwrap();
    assert_eq!(u.files, vec!["src/billing", "src/billing/refund.rs"]);
    assert_eq!((u.insertions, u.deletions), (3, 3), "{u:?}");
    assert_eq!(report.summary.stale, 1);
    assert!(!report.passed);

    // Updating the page makes it fresh again.
    r.write(
        "docs/billing.md",
        "# Billing\n\nRefunds live in `src/billing/refund.rs`.\n",
    );
    r.commit(6, "Ada", "docs: billing");
    let report = r.check();
    let d = doc(&report, "docs/billing.md");
    assert!(
        !d.stale && d.stale_commits.is_empty() && d.suggested_update.is_none(),
        "{d:#?}"
    );
    assert_eq!(d.references[0].changed_since_doc, 0);
    assert!(report.passed);
}

#[test]
fn changes_before_the_page_do_not_make_it_stale() {
    let r = Repo::new();
    r.write("lib.rs", "1\n");
    r.commit(1, "Ada", "code");
    r.write("lib.rs", "2\n");
    r.commit(2, "Ada", "code again");
    r.write("README.md", "Start at `lib.rs`.\n");
    r.commit(3, "Ada", "readme");
    let report = r.check();
    let d = doc(&report, "README.md");
    assert!(!d.stale);
    assert_eq!(d.references[0].changed_since_doc, 0);
    assert_eq!(report.summary.docs, 1);
}

#[test]
fn uncommitted_page_has_no_date_and_is_not_stale() {
    let r = Repo::new();
    r.write("lib.rs", "1\n");
    r.commit(1, "Ada", "code");
    r.write("docs/new.md", "See `lib.rs`.\n");
    let report = r.check();
    let d = doc(&report, "docs/new.md");
    assert_eq!(d.last_changed, None);
    assert!(!d.stale);
}

#[test]
fn every_link_rule() {
    let r = Repo::new();
    r.write("src/x.rs", "\n");
    r.write(
        "docs/guide.md",
        "# Guide\n\n## Usage\n\n## Usage\n\n## What's new? (v2)\n\nText.\n",
    );
    r.write(
        "README.md",
        concat!(
            "# Project\n",
            "\n",
            "[ok](docs/guide.md) [dup](docs/guide.md#usage-1) [punct](docs/guide.md#whats-new-v2)\n",
            "[missing](docs/gone.md)\n",
            "[bad anchor](docs/guide.md#usage-2)\n",
            "[self](#project) [self bad](#nowhere)\n",
            "[outside](../../etc/passwd)\n",
            "[line](src/x.rs#L3) [web](https://example.test/) [mail](mailto:a@b.test)\n",
            "<!-- shipdeck:ignore-next-link -->\n",
            "[ignored](docs/also-gone.md)\n",
            "[case](docs/guide.md#Usage)\n",
        ),
    );
    r.commit(1, "Ada", "all");
    let report = r.check();
    let d = doc(&report, "README.md");
    assert_eq!(
        broken(d),
        vec![
            (4, "docs/gone.md", Reason::MissingFile),
            (5, "docs/guide.md#usage-2", Reason::MissingAnchor),
            (6, "#nowhere", Reason::MissingAnchor),
            (7, "../../etc/passwd", Reason::MissingFile),
        ]
    );
    assert_eq!(d.broken_links[3].detail, "leaves the workspace");
    assert!(broken(doc(&report, "docs/guide.md")).is_empty());
    assert_eq!(report.summary.broken_links, 4);
    assert!(!report.passed);

    let only_stale = CheckOptions {
        fail_on: FailOn {
            stale: true,
            broken: false,
        },
        ..CheckOptions::default()
    };
    assert!(
        r.check_with(&only_stale).passed,
        "broken links do not fail when fail_on = [\"stale\"]"
    );
}

#[test]
fn anchors_in_other_pages_follow_their_own_duplicates() {
    let r = Repo::new();
    r.write("docs/a.md", "# Setup\n\n# Setup\n\n[b](b.md#setup-1)\n");
    r.write(
        "docs/b.md",
        "# Setup\n\n[a](a.md#setup-1) [a2](./a.md#setup-2)\n\n<a name=\"old-setup\"></a>\n",
    );
    r.write(
        "docs/c.md",
        "[html](b.md#old-setup) [html-missing](b.md#older-setup)\n",
    );
    r.commit(1, "Ada", "pages");
    let report = r.check();
    assert_eq!(
        broken(doc(&report, "docs/a.md")),
        vec![(5, "b.md#setup-1", Reason::MissingAnchor)]
    );
    assert_eq!(
        broken(doc(&report, "docs/b.md")),
        vec![(3, "./a.md#setup-2", Reason::MissingAnchor)]
    );
}

#[test]
fn a_review_keeps_a_page_fresh_until_the_code_changes_again() {
    let r = Repo::new();
    r.write("api.rs", "1\n");
    r.write("docs/api.md", "See `api.rs`.\n");
    r.commit(1, "Ada", "api");
    r.write("api.rs", "2\n");
    let reviewed_at = r.commit(2, "Ada", "api change");
    let mut opts = CheckOptions::default();
    assert!(doc(&r.check_with(&opts), "docs/api.md").stale);

    opts.reviews.insert(
        "docs/api.md".into(),
        Review {
            commit: reviewed_at,
            reviewed_at: "2026-01-03T00:00:00Z".into(),
        },
    );
    let d = doc(&r.check_with(&opts), "docs/api.md").clone();
    assert!(!d.stale, "{d:#?}");
    assert!(d.reviewed.is_some());

    r.write("api.rs", "3\n");
    r.commit(3, "Ada", "api change after the review");
    let d = doc(&r.check_with(&opts), "docs/api.md").clone();
    assert!(d.stale);
    assert_eq!(d.references[0].changed_since_doc, 1);
}

#[test]
fn workspace_in_a_sub_folder_of_the_repository() {
    let r = Repo::new();
    r.write("app/src/main.rs", "1\n");
    r.write("app/README.md", "Entry: `src/main.rs` and [main](src/main.rs).\n");
    r.write("outside.rs", "1\n");
    r.commit(1, "Ada", "app");
    r.write("app/src/main.rs", "2\n");
    r.write("outside.rs", "2\n");
    r.commit(2, "Ada", "main");
    let report = check(
        &r.root().join("app"),
        &CheckOptions::default(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap();
    let d = doc(&report, "README.md");
    assert!(d.stale);
    assert!(
        d.references
            .iter()
            .all(|x| x.changed_since_doc == 1 && x.path == "src/main.rs"),
        "{d:#?}"
    );
    assert_eq!(d.suggested_update.as_ref().unwrap().insertions, 1);
}

#[test]
fn configured_globs_add_pages_and_other_markdown_is_left_out() {
    let r = Repo::new();
    r.write("guides/one.md", "# One\n");
    r.write("notes/private.md", "[x](nope.md)\n");
    r.write("node_modules/pkg/README.md", "[x](nope.md)\n");
    r.write("docs/deep/er/page.md", "# Deep\n");
    r.commit(1, "Ada", "pages");
    let opts = CheckOptions {
        globs: vec!["guides/*.md".into()],
        ..CheckOptions::default()
    };
    let report = r.check_with(&opts);
    let paths: Vec<_> = report.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, vec!["docs/deep/er/page.md", "guides/one.md"]);
    let bad = CheckOptions {
        globs: vec!["guides/[".into()],
        ..CheckOptions::default()
    };
    let err = check(r.root(), &bad, &Progress::detached(CancellationToken::new())).unwrap_err();
    assert_eq!(err.payload().code, "docs.bad_config");
}

#[test]
fn no_repository_still_checks_links() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "[x](missing.md)\n").unwrap();
    let report = check(
        dir.path(),
        &CheckOptions::default(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap();
    let d = doc(&report, "README.md");
    assert_eq!(d.last_changed, None);
    assert_eq!(broken(d), vec![(1, "missing.md", Reason::MissingFile)]);
}

#[test]
fn cancelled_check_stops() {
    let r = Repo::new();
    r.write("README.md", "# x\n");
    r.commit(1, "Ada", "x");
    let token = CancellationToken::new();
    token.cancel();
    let err = check(r.root(), &CheckOptions::default(), &Progress::detached(token)).unwrap_err();
    assert!(matches!(err, shipdeck_base::error::Error::Cancelled), "{err:?}");
}

#[test]
fn git_internals_are_not_references() {
    let r = Repo::new();
    r.write(
        "README.md",
        "See `.git/HEAD`, [config](.git/config) and `README.md`.\n",
    );
    r.commit(1, "Ada", "readme");
    let report = r.check();
    let d = doc(&report, "README.md");
    let targets: Vec<_> = d.references.iter().map(|x| x.target.as_str()).collect();
    assert!(targets.is_empty(), "{targets:?}");
    assert!(d.broken_links.is_empty());
}

#[test]
fn images_are_checked_but_are_not_references() {
    let r = Repo::new();
    r.write("docs/shot.png", "png");
    r.write("docs/page.md", "![shot](shot.png)\n\n![gone](gone.png)\n");
    r.commit(1, "Ada", "page");
    r.write("docs/shot.png", "png, retaken");
    r.commit(2, "Ada", "new screenshot");
    let report = r.check();
    let d = doc(&report, "docs/page.md");
    assert!(!d.stale && d.references.is_empty(), "{d:#?}");
    assert_eq!(broken(d), vec![(3, "gone.png", Reason::MissingFile)]);
}
