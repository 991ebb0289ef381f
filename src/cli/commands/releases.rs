use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::api::ReleaseHistory;
use shipdeck_core::releases::cut::CutResult;
use shipdeck_core::releases::publish::PublishResult;
use shipdeck_core::releases::rollback::{RollbackRequest, RollbackResult};
use shipdeck_core::releases::{PlanRequest, Prerelease, ReleasePlan};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::output::rows;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum ReleaseCmd {
    /// What the next release would be, and why (read-only, any HEAD).
    Plan(Selection),
    /// Print changelog sections without writing them.
    Changelog {
        #[arg(long)]
        package: Option<String>,
        /// Start after this ref (default: the last release tag).
        #[arg(long)]
        from: Option<String>,
        /// End at this ref (default: HEAD).
        #[arg(long)]
        to: Option<String>,
        /// Every release in the history, one section per tag.
        #[arg(long)]
        all: bool,
    },
    /// Bump versions, write the changelog, commit and tag — all or nothing.
    Cut {
        #[command(flatten)]
        selection: Selection,
        /// Show the commit, tags and file diffs without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Cut only if HEAD is still this commit (the `head` of a dry run).
        #[arg(long, value_name = "SHA")]
        expect_head: Option<String>,
        /// Cut only if the plan still makes this tag (repeatable).
        #[arg(long = "expect-tag", value_name = "TAG")]
        expect_tags: Vec<String>,
        /// Cut only if the plan is still the one a dry run showed (its
        /// `expect` token): same HEAD, versions, tags and file contents.
        #[arg(long, value_name = "TOKEN")]
        expect: Option<String>,
    },
    /// Push the release commit and tags, and create the forge releases.
    Publish {
        #[arg(long)]
        dry_run: bool,
        /// Only push; create no release on the forge.
        #[arg(long)]
        no_forge_release: bool,
    },
    /// Undo a release without rewriting pushed history.
    Rollback {
        /// The version to roll back, e.g. 1.5.0.
        version: String,
        #[arg(long)]
        package: Option<String>,
        /// Why (kept in the audit log and the changelog).
        #[arg(long)]
        reason: String,
        /// Do not ask the remote: the tag never left this machine.
        #[arg(long)]
        not_pushed: bool,
        #[arg(long)]
        dry_run: bool,
    },
    /// Every release (from the tags) and every recorded release action.
    History,
}

#[derive(Args, Debug, Default)]
pub struct Selection {
    /// Only this package (repeatable).
    #[arg(long = "package")]
    packages: Vec<String>,
    /// Cut a prerelease with this identifier (e.g. rc → 1.4.0-rc.1).
    #[arg(long, conflicts_with = "stable")]
    prerelease: Option<String>,
    /// A stable version even when release.prerelease is set.
    #[arg(long)]
    stable: bool,
    /// Choose the version by hand (needs --reason).
    #[arg(long, requires = "reason")]
    version: Option<String>,
    /// Why the version was chosen by hand.
    #[arg(long)]
    reason: Option<String>,
}

impl Selection {
    fn request(self) -> PlanRequest {
        PlanRequest {
            packages: self.packages,
            prerelease: match (self.stable, self.prerelease) {
                (true, _) => Prerelease::Stable,
                (false, Some(id)) => Prerelease::Identifier(id),
                (false, None) => Prerelease::Config,
            },
            version: self.version,
            reason: self.reason,
            expect_head: None,
            expect_tags: None,
            expect: None,
            date: None,
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn run(cmd: ReleaseCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    match cmd {
        ReleaseCmd::Plan(sel) => {
            let plan = core.release_plan(&dir, sel.request(), Bar::new(out.json)).await?;
            out.print(&plan, print_plan);
        }
        ReleaseCmd::Changelog {
            package,
            from,
            to,
            all,
        } => {
            let text = core.release_changelog(&dir, package, from, to, all).await?;
            out.print(&serde_json::json!({ "changelog": text }), |_| print!("{text}"));
        }
        ReleaseCmd::Cut {
            selection,
            dry_run,
            expect_head,
            expect_tags,
            expect,
        } => {
            let request = PlanRequest {
                expect_head,
                expect,
                expect_tags: (!expect_tags.is_empty()).then_some(expect_tags),
                ..selection.request()
            };
            let result = core
                .release_cut(&dir, request, dry_run, Bar::new(out.json))
                .await?;
            out.print(&result, print_cut);
        }
        ReleaseCmd::Publish {
            dry_run,
            no_forge_release,
        } => {
            let result = core
                .release_publish(&dir, dry_run, no_forge_release, Bar::new(out.json))
                .await?;
            out.print(&result, print_publish);
        }
        ReleaseCmd::Rollback {
            version,
            package,
            reason,
            not_pushed,
            dry_run,
        } => {
            let result = core
                .release_rollback(
                    &dir,
                    RollbackRequest {
                        package,
                        version,
                        reason,
                        not_pushed,
                        dry_run,
                    },
                    Bar::new(out.json),
                )
                .await?;
            out.print(&result, print_rollback);
        }
        ReleaseCmd::History => {
            let history = core.release_history(&dir).await?;
            out.print(&history, print_history);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(p: &ReleasePlan) {
    for pkg in &p.packages {
        let current = pkg.current_version.as_deref().unwrap_or("(none)");
        match &pkg.next_version {
            Some(next) => println!("{}  {current} → {next}  ({})", pkg.name, pkg.bump.as_str()),
            None => println!("{}  {current}: nothing to release", pkg.name),
        }
        for r in &pkg.reasons {
            println!("  why: {r}");
        }
        println!(
            "  {} commit(s) since {}",
            pkg.commits.len(),
            pkg.current_tag.as_deref().unwrap_or("the start")
        );
        for c in pkg.commits.iter().take(40) {
            let scope = c.scope.as_ref().map(|s| format!("({s})")).unwrap_or_default();
            let mark = if c.decisive {
                "*"
            } else if c.reverted {
                "x"
            } else {
                " "
            };
            println!(
                "   {mark} {} {:<8} {}{scope}: {}  — {}",
                c.short_sha, c.group, c.kind, c.subject, c.author
            );
        }
        if pkg.commits.len() > 40 {
            println!("     …and {} more (use --json for all)", pkg.commits.len() - 40);
        }
        if !pkg.changelog.is_empty() {
            println!(
                "  changelog ({}):\n{}",
                pkg.changelog_path,
                indent(&pkg.changelog)
            );
        }
    }
}

fn print_cut(r: &CutResult) {
    if r.dry_run {
        println!("Dry run: nothing was changed. A cut would:");
    }
    for rel in &r.releases {
        println!("  tag {} ({} {})", rel.tag, rel.package, rel.version);
    }
    println!(
        "  commit \"{}\" on {}",
        r.message.lines().next().unwrap_or(""),
        r.branch
    );
    for f in &r.files {
        println!("\n{}", f.diff.trim_end());
    }
    if r.dry_run {
        println!(
            "\nTo cut exactly this, run the same command without --dry-run, with --expect {}",
            r.expect
        );
    }
    if let Some(c) = &r.commit {
        println!(
            "\nReleased: {} at {}. Next: shipdeck release publish",
            r.releases
                .iter()
                .map(|x| x.tag.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            &c[..7]
        );
    }
}

fn print_publish(r: &PublishResult) {
    let verb = if r.dry_run { "Would push" } else { "Pushed" };
    println!("{verb} to {}: {}", r.remote, r.refs.join(", "));
    for f in &r.forge_releases {
        let state = if f.created { "created" } else { "already existed" };
        println!(
            "  release {} {state}{}",
            f.tag,
            f.url.as_ref().map(|u| format!(": {u}")).unwrap_or_default()
        );
    }
}

fn print_rollback(r: &RollbackResult) {
    let state = if r.pushed { "was pushed" } else { "was not pushed" };
    println!(
        "{} {} {state}. {}:",
        r.package,
        r.version,
        if r.dry_run { "A rollback would" } else { "Done" }
    );
    for (i, s) in r.steps.iter().enumerate() {
        println!("  {}. {s}", i + 1);
    }
}

fn print_history(h: &ReleaseHistory) {
    for r in &h.releases {
        let date = chrono::DateTime::from_timestamp_millis(r.date)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        rows(&[(
            r.tag.as_str(),
            format!("{date}  {} commits  {}", r.commits, &r.sha[..7]),
        )]);
    }
    if !h.events.is_empty() {
        println!("\nRecorded actions:");
        for e in h.events.iter().take(20) {
            println!(
                "  {} {} {} {}",
                e.action,
                e.tag.as_deref().unwrap_or("-"),
                e.outcome,
                e.reason.as_deref().unwrap_or("")
            );
        }
    }
}
