//! `shipdeck docs check`: stale pages and broken links; exit 1 when
//! `[docs] fail_on` finds one (default: either).

use std::process::ExitCode;

use clap::Args;
use shipdeck_core::docs_check::{DocResult, DocsReport};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Check external http(s) links too (concurrently, a few per host;
    /// answers cached for a day).
    #[arg(long)]
    links: bool,
    /// Record that PAGE (relative to the workspace) was reviewed at HEAD,
    /// then check: it is fresh until a path it references changes again.
    #[arg(long, value_name = "PAGE")]
    mark_reviewed: Option<String>,
}

pub async fn run(args: CheckArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    if let Some(page) = &args.mark_reviewed {
        let review = core.docs_mark_reviewed(&dir, page).await?;
        if !out.json {
            let short: String = review.commit.chars().take(8).collect();
            println!("marked {page} reviewed at {short}");
        }
    }
    let report = core.docs_check(&dir, args.links, Bar::new(out.json)).await?;
    out.print(&report, print_report);
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(r: &DocsReport) {
    for d in &r.docs {
        print_doc(d);
    }
    for s in &r.skipped {
        println!("skipped {}: {}", s.path, s.reason);
    }
    let s = &r.summary;
    println!(
        "{} {}, {} stale, {} broken {}",
        s.docs,
        if s.docs == 1 { "page" } else { "pages" },
        s.stale,
        s.broken_links,
        if s.broken_links == 1 { "link" } else { "links" }
    );
}

fn print_doc(d: &DocResult) {
    if !d.stale && d.broken_links.is_empty() {
        return;
    }
    let state = if d.stale { "stale" } else { "links" };
    println!("{state:<6} {}", d.path);
    for r in d.references.iter().filter(|r| r.changed_since_doc > 0) {
        println!(
            "         {} changed in {} commit(s) since",
            r.target, r.changed_since_doc
        );
    }
    for c in d.stale_commits.iter().take(5) {
        let short: String = c.id.chars().take(8).collect();
        println!("         {short} {} ({}, {})", c.subject, c.author, c.date);
    }
    if let Some(u) = &d.suggested_update {
        println!(
            "         update for: {} (+{} -{})",
            u.files.join(", "),
            u.insertions,
            u.deletions
        );
    }
    for b in &d.broken_links {
        println!("         {}:{} {} — {}", d.path, b.line, b.target, b.detail);
    }
}
