//! TypeScript types for the UI, generated from the Rust types that cross
//! IPC. `make bindings` writes them to `ui/src/lib/bindings/`; a test fails
//! when the checked-in files differ from what these types generate.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

/// Writes every IPC type (and the types they use) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // JSON numbers, not bigint: ids and epoch milliseconds fit in 2^53.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    crate::error::ErrorPayload::export_all(&cfg)?;
    crate::workspace::WorkspaceInfo::export_all(&cfg)?;
    crate::workspace::HistoryStats::export_all(&cfg)?;
    crate::store::RecentWorkspace::export_all(&cfg)?;
    crate::store::AuditEntry::export_all(&cfg)?;
    crate::store::AuditFilter::export_all(&cfg)?;
    crate::store::AuditFacets::export_all(&cfg)?;
    crate::store::StoreStatus::export_all(&cfg)?;
    crate::api::AuditExportFormat::export_all(&cfg)?;
    crate::charts::Chart::export_all(&cfg)?;
    crate::charts::Theme::export_all(&cfg)?;
    crate::jobs::JobRecord::export_all(&cfg)?;
    crate::jobs::ProgressEvent::export_all(&cfg)?;
    crate::jobs::RunningJob::export_all(&cfg)?;
    crate::logs::LogLine::export_all(&cfg)?;
    crate::logs::LogQuery::export_all(&cfg)?;
    crate::api::CredentialInfo::export_all(&cfg)?;
    crate::doctor::DoctorReport::export_all(&cfg)?;
    crate::demo::DemoSummary::export_all(&cfg)?;
    export_releases(&cfg)?;
    crate::api::ReleaseHistory::export_all(&cfg)?;
    crate::migrations::target::DatabaseInfo::export_all(&cfg)?;
    crate::migrations::run::MigrationStatus::export_all(&cfg)?;
    crate::migrations::run::RunReport::export_all(&cfg)?;
    crate::migrations::run::RepairAction::export_all(&cfg)?;
    crate::migrations::run::RepairReport::export_all(&cfg)?;
    crate::migrations::run::BaselineReport::export_all(&cfg)?;
    crate::api::DownRequest::export_all(&cfg)?;
    crate::api::CreateMigrationRequest::export_all(&cfg)?;
    crate::api::RepairRequest::export_all(&cfg)?;
    crate::migrations::create::CreatedMigration::export_all(&cfg)?;
    crate::migrations::lint::RuleInfo::export_all(&cfg)?;
    crate::api::LintReport::export_all(&cfg)?;
    crate::api::MigrationDetail::export_all(&cfg)?;
    crate::store::MigrationRun::export_all(&cfg)?;
    crate::environments::ParityReport::export_all(&cfg)?;
    crate::environments::ParityFilter::export_all(&cfg)?;
    crate::environments::CheckInfo::export_all(&cfg)?;
    crate::environments::health::HealthResult::export_all(&cfg)?;
    crate::environments::health::VersionDrift::export_all(&cfg)?;
    crate::environments::readiness::ReadinessRow::export_all(&cfg)?;
    crate::api::ParityView::export_all(&cfg)?;
    crate::api::HealthReport::export_all(&cfg)?;
    crate::store::EnvRun::export_all(&cfg)?;
    crate::api::EnvRunKind::export_all(&cfg)?;
    crate::api::BenchRunView::export_all(&cfg)?;
    crate::api::CompareReport::export_all(&cfg)?;
    crate::benchmarks::scenario::ScenarioInfo::export_all(&cfg)?;
    crate::benchmarks::scenario::ScenarioResult::export_all(&cfg)?;
    crate::benchmarks::loadgen::HttpReport::export_all(&cfg)?;
    crate::benchmarks::loadgen::HttpLoadRules::export_all(&cfg)?;
    crate::api::HttpLoad::export_all(&cfg)?;
    crate::benchmarks::import::Imported::export_all(&cfg)?;
    crate::benchmarks::loadgen::LiveStats::export_all(&cfg)?;
    crate::advisor::schema::Schema::export_all(&cfg)?;
    crate::docs::Drift::export_all(&cfg)?;
    crate::api::SchemaDoc::export_all(&cfg)?;
    crate::api::AdvisorView::export_all(&cfg)?;
    crate::api::AcceptedFinding::export_all(&cfg)?;
    crate::advisor::Suggestion::export_all(&cfg)?;
    crate::advisor::CheckInfo::export_all(&cfg)?;
    crate::store::AdvisorRun::export_all(&cfg)?;
    crate::api::AdvisorRunRequest::export_all(&cfg)?;
    crate::api::DismissRequest::export_all(&cfg)?;
    crate::security::secrets::SecretsOptions::export_all(&cfg)?;
    crate::security::secrets::SecretsReport::export_all(&cfg)?;
    crate::security::secrets::ReportFormat::export_all(&cfg)?;
    crate::security::vulns::VulnsOptions::export_all(&cfg)?;
    crate::security::vulns::VulnsReport::export_all(&cfg)?;
    crate::api::SarifImportSummary::export_all(&cfg)?;
    crate::api::SarifList::export_all(&cfg)?;
    crate::api::SarifFilter::export_all(&cfg)?;
    export_bundle(&cfg)?;
    export_dependencies(&cfg)?;
    export_blueprints(&cfg)?;
    export_coverage(&cfg)?;
    export_docs_check(&cfg)?;
    export_release_ops(&cfg)
}

fn export_releases(cfg: &Config) -> Result<(), ExportError> {
    crate::releases::ReleasePlan::export_all(cfg)?;
    crate::releases::PlanRequest::export_all(cfg)?;
    crate::releases::rollback::RollbackRequest::export_all(cfg)?;
    crate::api::PublishRequest::export_all(cfg)?;
    crate::releases::cut::CutResult::export_all(cfg)?;
    crate::releases::publish::PublishResult::export_all(cfg)?;
    crate::releases::rollback::RollbackResult::export_all(cfg)
}

fn export_release_ops(cfg: &Config) -> Result<(), ExportError> {
    export_readiness(cfg)?;
    export_rollback(cfg)
}

fn export_readiness(cfg: &Config) -> Result<(), ExportError> {
    crate::api::ReadinessReportRequest::export_all(cfg)?;
    crate::readiness::ReadinessRun::export_all(cfg)?;
    crate::readiness::ReadinessHistoryEntry::export_all(cfg)
}

fn export_rollback(cfg: &Config) -> Result<(), ExportError> {
    crate::api::RollbackPlanRequest::export_all(cfg)?;
    crate::api::RollbackRunRequest::export_all(cfg)?;
    crate::rollback::RollbackPlan::export_all(cfg)?;
    crate::rollback::RollbackRunResult::export_all(cfg)?;
    crate::rollback::Runbook::export_all(cfg)
}

fn export_bundle(cfg: &Config) -> Result<(), ExportError> {
    crate::api::BundleView::export_all(cfg)?;
    crate::api::BundleViewRequest::export_all(cfg)
}

fn export_docs_check(cfg: &Config) -> Result<(), ExportError> {
    crate::api::DocsCheckRequest::export_all(cfg)?;
    crate::docs_check::DocsReport::export_all(cfg)
}

fn export_blueprints(cfg: &Config) -> Result<(), ExportError> {
    crate::api::BlueprintList::export_all(cfg)?;
    crate::api::BlueprintRequest::export_all(cfg)?;
    crate::blueprints::Generation::export_all(cfg)
}

fn export_coverage(cfg: &Config) -> Result<(), ExportError> {
    crate::api::CoverageView::export_all(cfg)?;
    crate::store::CoverageRun::export_all(cfg)?;
    crate::coverage::source::SourceText::export_all(cfg)
}

fn export_dependencies(cfg: &Config) -> Result<(), ExportError> {
    crate::dependencies::OutdatedReport::export_all(cfg)?;
    crate::dependencies::UpdateRequest::export_all(cfg)?;
    crate::dependencies::UpdateOutcome::export_all(cfg)?;
    crate::dependencies::ProposeRequest::export_all(cfg)?;
    crate::dependencies::ProposeOutcome::export_all(cfg)
}
