//! The gate's checks of what the tree holds and what the build made:
//! `secrets`, `vulnerabilities`, `dependencies`, `coverage`, `bundle`,
//! `docs`. Each gathers its area's data with the options the area's own
//! command uses — never as a recorded job, and storing nothing: the gate
//! is a read — and lets `shipdeck_readiness::areas` judge it.

use std::path::PathBuf;

use super::GateContext;
use crate::api::{bundle as bundle_api, coverage as coverage_api, dependencies as deps_api, security};
use crate::error::{Error, Result};
use crate::jobs::Progress;
use crate::readiness::areas;
use crate::readiness::AreaOutcome;
use crate::security::secrets::SecretsOptions;
use crate::security::vulns::VulnsOptions;

/// Runs `work` on a blocking thread with a progress handle that stops at
/// the gate's cancel.
async fn blocking<T: Send + 'static>(
    cx: &GateContext,
    work: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
) -> Result<T> {
    let progress = Progress::detached(cx.token.clone());
    tokio::task::spawn_blocking(move || work(&progress)).await?
}

fn root(cx: &GateContext) -> PathBuf {
    cx.ws.root.clone()
}

/// The working tree at HEAD, as `security secrets --no-git` scans it.
pub(super) async fn secrets(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = security::secrets_options(
        &cx.ws,
        SecretsOptions {
            no_git: true,
            ..SecretsOptions::default()
        },
    );
    let root = root(cx);
    let report = blocking(cx, move |p| crate::security::secrets::scan(&root, &opts, p)).await?;
    Ok(areas::secrets::judge(&report))
}

/// The locked dependencies against OSV, as `security vulns` asks it.
pub(super) async fn vulnerabilities(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = security::vulns_options(&cx.ws, &cx.config, VulnsOptions::default());
    let root = root(cx);
    let report = blocking(cx, move |p| crate::security::vulns::scan(&root, &opts, p)).await?;
    Ok(areas::vulnerabilities::judge(&report))
}

/// `deps outdated`, its rows labelled with the advisories updates fix.
pub(super) async fn dependencies(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = cx.core.registry_options().await;
    let (root, config) = (root(cx), cx.config.clone());
    let report = blocking(cx, move |p| deps_api::outdated_report(&root, &config, &opts, p)).await?;
    Ok(areas::dependencies::judge(&report))
}

/// Every coverage report found, against `[coverage.areas]`.
pub(super) async fn coverage(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = coverage_api::report_options(&cx.config, Vec::new());
    let root = root(cx);
    let report = blocking(cx, move |p| crate::coverage::report(&root, &opts, p)).await?;
    Ok(areas::coverage::judge(&report))
}

/// `bundle analyze` of the build output, held to `[bundle.budgets]`;
/// not recorded.
pub(super) async fn bundle(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = bundle_api::analyze_options(&cx.config, None);
    let root = root(cx);
    match blocking(cx, move |p| crate::bundle::analyze(&root, &opts, p)).await {
        Ok(report) => Ok(areas::bundle::judge(&report)),
        Err(e) if is_not_found(&e) => Ok(AreaOutcome::skipped(format!(
            "no build output: {}",
            e.payload().message
        ))),
        Err(e) => Err(e),
    }
}

fn is_not_found(e: &Error) -> bool {
    e.code() == "bundle.not_found"
}

/// `docs check` without external links, judged by `[docs] fail_on`.
pub(super) async fn docs(cx: &GateContext) -> Result<AreaOutcome> {
    let opts = cx.core.docs_check_options(&cx.ws, &cx.config, false).await?;
    let fail_on = opts.fail_on;
    let root = root(cx);
    let report = blocking(cx, move |p| crate::docs_check::check(&root, &opts, p)).await?;
    Ok(areas::docs::judge(&report, fail_on))
}
