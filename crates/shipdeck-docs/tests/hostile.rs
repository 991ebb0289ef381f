//! Pages written to hurt: links out of the workspace through `..` and
//! symbolic links, oversized pages, pathological Markdown.

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_docs::{check, CheckOptions, DocsReport, Reason, MAX_PAGE_BYTES};

fn run(root: &std::path::Path) -> DocsReport {
    check(
        root,
        &CheckOptions::default(),
        &Progress::detached(CancellationToken::new()),
    )
    .unwrap()
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_workspace_is_broken_and_never_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret heading\n").unwrap();
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("docs")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.path().join("docs/out")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), ws.path().join("docs/linked.md")).unwrap();
    std::fs::write(
        ws.path().join("README.md"),
        "[s](docs/out/secret.md#secret-heading) `docs/out/secret.md`\n",
    )
    .unwrap();
    let report = run(ws.path());
    let paths: Vec<_> = report.docs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["README.md"],
        "a page that is a symbolic link is not read"
    );
    let d = &report.docs[0];
    assert_eq!(d.broken_links.len(), 1);
    assert_eq!(d.broken_links[0].reason, Reason::MissingFile);
    assert!(d.references.is_empty(), "{d:#?}");
}

#[test]
fn oversized_page_is_skipped_not_read() {
    let ws = tempfile::tempdir().unwrap();
    let big = "x".repeat(usize::try_from(MAX_PAGE_BYTES).unwrap() + 1);
    std::fs::write(ws.path().join("README.md"), big).unwrap();
    let report = run(ws.path());
    assert!(report.docs.is_empty());
    assert_eq!(report.skipped[0].path, "README.md");
}

#[test]
fn pathological_markdown_does_not_panic() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("docs")).unwrap();
    let nested = format!("{}x{}", "[".repeat(5_000), "](a.md)".repeat(5_000));
    let quotes = ">".repeat(10_000);
    let junk = "[a](%)[b](%zz)[c](#)[d]()[e](<>)\u{0}\u{feff}[f](../)\n# \n# \n[g](#-1)";
    for (name, text) in [
        ("nested.md", nested.as_str()),
        ("quotes.md", quotes.as_str()),
        ("junk.md", junk),
    ] {
        std::fs::write(ws.path().join("docs").join(name), text).unwrap();
    }
    std::fs::write(
        ws.path().join("docs/bytes.md"),
        [0xff, 0xfe, b'[', b'x', b']', b'(', 0xc3, b')'],
    )
    .unwrap();
    let report = run(ws.path());
    assert_eq!(report.summary.docs, 4);
    let junk = report.docs.iter().find(|d| d.path == "docs/junk.md").unwrap();
    let targets: Vec<_> = junk.broken_links.iter().map(|b| b.target.as_str()).collect();
    // `%` and `%zz` name missing files; `../` is the workspace; `#-1` is
    // the second empty heading's anchor, so it resolves.
    assert_eq!(targets, vec!["%", "%zz"], "{junk:#?}");
}
