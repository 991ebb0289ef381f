// Generated from src-tauri/src/commands/table.rs by `make bindings`; do not edit.
// src-tauri/tests/seam.rs fails when this file and the table disagree.
import type { AcceptedFinding } from "../AcceptedFinding";
import type { AdvisorCheck } from "../AdvisorCheck";
import type { AdvisorRun } from "../AdvisorRun";
import type { AdvisorRunRequest } from "../AdvisorRunRequest";
import type { AdvisorView } from "../AdvisorView";
import type { AuditEntry } from "../AuditEntry";
import type { AuditExportFormat } from "../AuditExportFormat";
import type { AuditFacets } from "../AuditFacets";
import type { AuditFilter } from "../AuditFilter";
import type { BaselineReport } from "../BaselineReport";
import type { BenchRunView } from "../BenchRunView";
import type { BlueprintList } from "../BlueprintList";
import type { BlueprintRequest } from "../BlueprintRequest";
import type { BundleView } from "../BundleView";
import type { BundleViewRequest } from "../BundleViewRequest";
import type { Chart } from "../Chart";
import type { CompareReport } from "../CompareReport";
import type { CoverageRun } from "../CoverageRun";
import type { CoverageView } from "../CoverageView";
import type { CreateMigrationRequest } from "../CreateMigrationRequest";
import type { CreatedMigration } from "../CreatedMigration";
import type { CredentialInfo } from "../CredentialInfo";
import type { CutResult } from "../CutResult";
import type { DatabaseInfo } from "../DatabaseInfo";
import type { DismissRequest } from "../DismissRequest";
import type { DocReview } from "../DocReview";
import type { DocsCheckRequest } from "../DocsCheckRequest";
import type { DocsReport } from "../DocsReport";
import type { DoctorReport } from "../DoctorReport";
import type { DownRequest } from "../DownRequest";
import type { EnvRun } from "../EnvRun";
import type { EnvRunKind } from "../EnvRunKind";
import type { Generation } from "../Generation";
import type { HealthReport } from "../HealthReport";
import type { HistoryStats } from "../HistoryStats";
import type { HttpLoad } from "../HttpLoad";
import type { HttpLoadRules } from "../HttpLoadRules";
import type { HttpReport } from "../HttpReport";
import type { IndexSuggestion } from "../IndexSuggestion";
import type { JobRecord } from "../JobRecord";
import type { LintReport } from "../LintReport";
import type { LogLine } from "../LogLine";
import type { LogQuery } from "../LogQuery";
import type { MigrationDetail } from "../MigrationDetail";
import type { MigrationRun } from "../MigrationRun";
import type { MigrationStatus } from "../MigrationStatus";
import type { OutdatedReport } from "../OutdatedReport";
import type { ParityFilter } from "../ParityFilter";
import type { ParityReport } from "../ParityReport";
import type { ParityView } from "../ParityView";
import type { PlanRequest } from "../PlanRequest";
import type { ProgressEvent } from "../ProgressEvent";
import type { ProposeOutcome } from "../ProposeOutcome";
import type { ProposeRequest } from "../ProposeRequest";
import type { PublishRequest } from "../PublishRequest";
import type { PublishResult } from "../PublishResult";
import type { ReadinessHistoryEntry } from "../ReadinessHistoryEntry";
import type { ReadinessReportRequest } from "../ReadinessReportRequest";
import type { ReadinessRow } from "../ReadinessRow";
import type { ReadinessRun } from "../ReadinessRun";
import type { RecentWorkspace } from "../RecentWorkspace";
import type { ReleaseHistory } from "../ReleaseHistory";
import type { ReleasePlan } from "../ReleasePlan";
import type { RepairReport } from "../RepairReport";
import type { RepairRequest } from "../RepairRequest";
import type { RollbackPlan } from "../RollbackPlan";
import type { RollbackPlanRequest } from "../RollbackPlanRequest";
import type { RollbackRequest } from "../RollbackRequest";
import type { RollbackResult } from "../RollbackResult";
import type { RollbackRunRequest } from "../RollbackRunRequest";
import type { RollbackRunResult } from "../RollbackRunResult";
import type { RollbackRunbook } from "../RollbackRunbook";
import type { RunReport } from "../RunReport";
import type { RunningJob } from "../RunningJob";
import type { SarifFilter } from "../SarifFilter";
import type { SarifImportSummary } from "../SarifImportSummary";
import type { SarifList } from "../SarifList";
import type { ScenarioInfo } from "../ScenarioInfo";
import type { ScenarioResult } from "../ScenarioResult";
import type { SchemaDoc } from "../SchemaDoc";
import type { SecretsOptions } from "../SecretsOptions";
import type { SecretsReport } from "../SecretsReport";
import type { SourceText } from "../SourceText";
import type { StoreStatus } from "../StoreStatus";
import type { Theme } from "../Theme";
import type { UpdateOutcome } from "../UpdateOutcome";
import type { UpdateRequest } from "../UpdateRequest";
import type { VulnsOptions } from "../VulnsOptions";
import type { VulnsReport } from "../VulnsReport";
import type { WorkspaceInfo } from "../WorkspaceInfo";

/** Invokes an app command with its named arguments. */
export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
/** Opens a channel that calls `onMessage` for each message the app sends. */
export type OpenChannel = <T>(onMessage: (message: T) => void) => unknown;

/** Every app command, in table order. */
export const COMMANDS = [
  "app_ready",
  "startup_workspace",
  "workspace_open",
  "workspace_recent",
  "workspace_forget",
  "workspace_scan",
  "workspace_last_scan",
  "workspace_chart",
  "demo_create_default",
  "activity_list",
  "activity_running",
  "activity_cancel",
  "audit_entries",
  "audit_facets",
  "audit_export",
  "store_status",
  "store_use_local",
  "logs_read",
  "logs_follow",
  "secrets_set",
  "secrets_list",
  "secrets_rm",
  "doctor_run",
  "releases_plan",
  "releases_cut",
  "releases_publish",
  "releases_rollback",
  "releases_history",
  "releases_cadence_chart",
  "migrations_databases",
  "migrations_status",
  "migrations_up",
  "migrations_down",
  "migrations_create",
  "migrations_lint",
  "migrations_repair",
  "migrations_baseline",
  "migrations_show",
  "migrations_runs",
  "migrations_chart",
  "environments_parity",
  "environments_parity_filter",
  "environments_parity_check",
  "environments_parity_chart",
  "environments_reveal",
  "environments_health",
  "environments_readiness",
  "environments_doctor",
  "environments_history",
  "environments_history_chart",
  "docs_schema",
  "docs_check",
  "docs_mark_reviewed",
  "advisor_checks",
  "advisor_run",
  "advisor_latest",
  "advisor_suggest",
  "advisor_accept",
  "advisor_dismiss",
  "advisor_restore",
  "advisor_runs",
  "advisor_charts",
  "benchmarks_scenarios",
  "benchmarks_run",
  "benchmarks_http",
  "benchmarks_http_rules",
  "benchmarks_history",
  "benchmarks_compare",
  "benchmarks_chart",
  "benchmarks_percentile_chart",
  "benchmarks_sweep_chart",
  "security_secrets_scan",
  "security_secret_dismiss",
  "security_vulns_scan",
  "security_sarif_import",
  "security_sarif_list",
  "deps_outdated",
  "deps_update",
  "deps_propose",
  "coverage_report",
  "coverage_history",
  "coverage_chart",
  "coverage_source",
  "bundle_view",
  "blueprints_list",
  "blueprints_preview",
  "blueprints_create",
  "readiness_gate",
  "readiness_history",
  "readiness_run",
  "readiness_report",
  "rollback_plan",
  "rollback_run",
  "rollback_confirm",
  "rollback_runbook",
] as const;

export type CommandName = (typeof COMMANDS)[number];

/** A typed wrapper for every app command. */
export function commands(invoke: Invoke, channel: OpenChannel) {
  return {
    /** Called after the first paint with the page's clock (ms since navigation start). */
    appReady: (pageMs: number | null): Promise<void> =>
      invoke<void>("app_ready", { pageMs }),
    /** The folder to open at start; null shows the welcome screen. */
    startupWorkspace: (): Promise<string | null> =>
      invoke<string | null>("startup_workspace"),
    workspaceOpen: (path: string): Promise<WorkspaceInfo> =>
      invoke<WorkspaceInfo>("workspace_open", { path }),
    workspaceRecent: (): Promise<Array<RecentWorkspace>> =>
      invoke<Array<RecentWorkspace>>("workspace_recent"),
    workspaceForget: (id: string): Promise<void> =>
      invoke<void>("workspace_forget", { id }),
    workspaceScan: (path: string, onProgress: (message: ProgressEvent) => void): Promise<HistoryStats> =>
      invoke<HistoryStats>("workspace_scan", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    workspaceLastScan: (path: string): Promise<HistoryStats | null> =>
      invoke<HistoryStats | null>("workspace_last_scan", { path }),
    /** The commits-per-week chart of the newest scan. */
    workspaceChart: (path: string, theme: Theme): Promise<Chart | null> =>
      invoke<Chart | null>("workspace_chart", { path, theme }),
    /** Creates (once) and returns the demo workspace in the data folder. */
    demoCreateDefault: (): Promise<string> =>
      invoke<string>("demo_create_default"),
    activityList: (path: string | null, limit: number | null): Promise<Array<JobRecord>> =>
      invoke<Array<JobRecord>>("activity_list", { path, limit }),
    activityRunning: (): Promise<Array<RunningJob>> =>
      invoke<Array<RunningJob>>("activity_running"),
    activityCancel: (id: number): Promise<void> =>
      invoke<void>("activity_cancel", { id }),
    /** Audit entries the filter selects, newest first (at most 10 000). */
    auditEntries: (filter: AuditFilter): Promise<Array<AuditEntry>> =>
      invoke<Array<AuditEntry>>("audit_entries", { filter }),
    /** The users and areas in the audit log, for the filter menus. */
    auditFacets: (): Promise<AuditFacets> =>
      invoke<AuditFacets>("audit_facets"),
    /** Writes the filtered entries as CSV or JSON to the file picked in the save dialog; returns it. */
    auditExport: (filter: AuditFilter, format: AuditExportFormat, path: string): Promise<string> =>
      invoke<string>("audit_export", { filter, format, path }),
    /** Whether the store answers; the window shows why not, with Retry and Use the local store. */
    storeStatus: (): Promise<StoreStatus> =>
      invoke<StoreStatus>("store_status"),
    /** Back to the local store: removes `store_url` from settings.toml and restarts the app. */
    storeUseLocal: (): Promise<void> =>
      invoke<void>("store_use_local"),
    logsRead: (query: LogQuery): Promise<Array<LogLine>> =>
      invoke<Array<LogLine>>("logs_read", { query }),
    /** Streams new log lines; a new call replaces the last. */
    logsFollow: (onLine: (message: LogLine) => void): Promise<void> =>
      invoke<void>("logs_follow", { onLine: channel<LogLine>(onLine) }),
    secretsSet: (path: string, name: string, value: string): Promise<void> =>
      invoke<void>("secrets_set", { path, name, value }),
    secretsList: (path: string): Promise<Array<CredentialInfo>> =>
      invoke<Array<CredentialInfo>>("secrets_list", { path }),
    secretsRm: (path: string, name: string): Promise<void> =>
      invoke<void>("secrets_rm", { path, name }),
    doctorRun: (path: string | null): Promise<DoctorReport> =>
      invoke<DoctorReport>("doctor_run", { path }),
    releasesPlan: (path: string, request: PlanRequest, onProgress: (message: ProgressEvent) => void): Promise<ReleasePlan> =>
      invoke<ReleasePlan>("releases_plan", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releasesCut: (path: string, request: PlanRequest, dryRun: boolean, onProgress: (message: ProgressEvent) => void): Promise<CutResult> =>
      invoke<CutResult>("releases_cut", { path, request, dryRun, onProgress: channel<ProgressEvent>(onProgress) }),
    releasesPublish: (path: string, request: PublishRequest, onProgress: (message: ProgressEvent) => void): Promise<PublishResult> =>
      invoke<PublishResult>("releases_publish", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releasesRollback: (path: string, request: RollbackRequest, onProgress: (message: ProgressEvent) => void): Promise<RollbackResult> =>
      invoke<RollbackResult>("releases_rollback", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releasesHistory: (path: string): Promise<ReleaseHistory> =>
      invoke<ReleaseHistory>("releases_history", { path }),
    releasesCadenceChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("releases_cadence_chart", { path, theme }),
    migrationsDatabases: (path: string): Promise<Array<DatabaseInfo>> =>
      invoke<Array<DatabaseInfo>>("migrations_databases", { path }),
    migrationsStatus: (path: string, database: string | null): Promise<MigrationStatus> =>
      invoke<MigrationStatus>("migrations_status", { path, database }),
    migrationsUp: (path: string, database: string | null, to: number | null, dryRun: boolean, expect: string | null, onProgress: (message: ProgressEvent) => void): Promise<RunReport> =>
      invoke<RunReport>("migrations_up", { path, database, to, dryRun, expect, onProgress: channel<ProgressEvent>(onProgress) }),
    migrationsDown: (path: string, request: DownRequest, onProgress: (message: ProgressEvent) => void): Promise<RunReport> =>
      invoke<RunReport>("migrations_down", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    migrationsCreate: (path: string, request: CreateMigrationRequest): Promise<CreatedMigration> =>
      invoke<CreatedMigration>("migrations_create", { path, request }),
    migrationsLint: (path: string, database: string | null): Promise<LintReport> =>
      invoke<LintReport>("migrations_lint", { path, database }),
    migrationsRepair: (path: string, request: RepairRequest): Promise<RepairReport> =>
      invoke<RepairReport>("migrations_repair", { path, request }),
    migrationsBaseline: (path: string, database: string | null, version: number): Promise<BaselineReport> =>
      invoke<BaselineReport>("migrations_baseline", { path, database, version }),
    migrationsShow: (path: string, database: string | null, version: number): Promise<MigrationDetail> =>
      invoke<MigrationDetail>("migrations_show", { path, database, version }),
    migrationsRuns: (path: string, database: string): Promise<Array<MigrationRun>> =>
      invoke<Array<MigrationRun>>("migrations_runs", { path, database }),
    migrationsChart: (path: string, database: string | null, theme: Theme): Promise<Chart> =>
      invoke<Chart>("migrations_chart", { path, database, theme }),
    environmentsParity: (path: string): Promise<ParityView> =>
      invoke<ParityView>("environments_parity", { path }),
    environmentsParityFilter: (report: ParityReport, filter: ParityFilter): Promise<ParityReport> =>
      invoke<ParityReport>("environments_parity_filter", { report, filter }),
    environmentsParityCheck: (path: string): Promise<ParityView> =>
      invoke<ParityView>("environments_parity_check", { path }),
    environmentsParityChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("environments_parity_chart", { path, theme }),
    environmentsReveal: (path: string, env: string, key: string): Promise<string> =>
      invoke<string>("environments_reveal", { path, env, key }),
    environmentsHealth: (path: string, onProgress: (message: ProgressEvent) => void): Promise<HealthReport> =>
      invoke<HealthReport>("environments_health", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    environmentsReadiness: (path: string, onProgress: (message: ProgressEvent) => void): Promise<Array<ReadinessRow>> =>
      invoke<Array<ReadinessRow>>("environments_readiness", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    environmentsDoctor: (path: string): Promise<DoctorReport> =>
      invoke<DoctorReport>("environments_doctor", { path }),
    environmentsHistory: (path: string, kind: EnvRunKind): Promise<Array<EnvRun>> =>
      invoke<Array<EnvRun>>("environments_history", { path, kind }),
    environmentsHistoryChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("environments_history_chart", { path, theme }),
    /** The domain model page of a database, written into the workspace when `write`. */
    docsSchema: (path: string, database: string | null, write: boolean): Promise<SchemaDoc> =>
      invoke<SchemaDoc>("docs_schema", { path, database, write }),
    /** Pages against the code they reference (stale first) and their links; `links` checks external ones too. */
    docsCheck: (path: string, request: DocsCheckRequest, onProgress: (message: ProgressEvent) => void): Promise<DocsReport> =>
      invoke<DocsReport>("docs_check", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    /** Records the page (relative to the workspace) reviewed at HEAD. */
    docsMarkReviewed: (path: string, page: string): Promise<DocReview> =>
      invoke<DocReview>("docs_mark_reviewed", { path, page }),
    advisorChecks: (): Promise<Array<AdvisorCheck>> =>
      invoke<Array<AdvisorCheck>>("advisor_checks"),
    advisorRun: (path: string, request: AdvisorRunRequest, onProgress: (message: ProgressEvent) => void): Promise<AdvisorView> =>
      invoke<AdvisorView>("advisor_run", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    advisorLatest: (path: string, database: string | null): Promise<AdvisorView | null> =>
      invoke<AdvisorView | null>("advisor_latest", { path, database }),
    advisorSuggest: (path: string, database: string | null, query: string): Promise<IndexSuggestion> =>
      invoke<IndexSuggestion>("advisor_suggest", { path, database, query }),
    advisorAccept: (path: string, database: string | null, key: string): Promise<AcceptedFinding> =>
      invoke<AcceptedFinding>("advisor_accept", { path, database, key }),
    advisorDismiss: (path: string, request: DismissRequest): Promise<void> =>
      invoke<void>("advisor_dismiss", { path, request }),
    advisorRestore: (path: string, database: string | null, key: string): Promise<boolean> =>
      invoke<boolean>("advisor_restore", { path, database, key }),
    advisorRuns: (path: string, database: string | null): Promise<Array<AdvisorRun>> =>
      invoke<Array<AdvisorRun>>("advisor_runs", { path, database }),
    advisorCharts: (path: string, database: string | null, theme: Theme): Promise<Array<Chart>> =>
      invoke<Array<Chart>>("advisor_charts", { path, database, theme }),
    benchmarksScenarios: (path: string): Promise<Array<ScenarioInfo>> =>
      invoke<Array<ScenarioInfo>>("benchmarks_scenarios", { path }),
    benchmarksRun: (path: string, names: Array<string>, onProgress: (message: ProgressEvent) => void): Promise<Array<ScenarioResult>> =>
      invoke<Array<ScenarioResult>>("benchmarks_run", { path, names, onProgress: channel<ProgressEvent>(onProgress) }),
    benchmarksHttp: (path: string, load: HttpLoad, onProgress: (message: ProgressEvent) => void): Promise<HttpReport> =>
      invoke<HttpReport>("benchmarks_http", { path, load, onProgress: channel<ProgressEvent>(onProgress) }),
    /** The defaults and bounds of a load test (the CLI's too). */
    benchmarksHttpRules: (): Promise<HttpLoadRules> =>
      invoke<HttpLoadRules>("benchmarks_http_rules"),
    benchmarksHistory: (path: string): Promise<Array<BenchRunView>> =>
      invoke<Array<BenchRunView>>("benchmarks_history", { path }),
    benchmarksCompare: (path: string, base: string, head: string): Promise<CompareReport> =>
      invoke<CompareReport>("benchmarks_compare", { path, base, head }),
    benchmarksChart: (path: string, metric: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("benchmarks_chart", { path, metric, theme }),
    benchmarksPercentileChart: (path: string, metric: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("benchmarks_percentile_chart", { path, metric, theme }),
    benchmarksSweepChart: (path: string, scenario: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("benchmarks_sweep_chart", { path, scenario, theme }),
    securitySecretsScan: (path: string, options: SecretsOptions, onProgress: (message: ProgressEvent) => void): Promise<SecretsReport> =>
      invoke<SecretsReport>("security_secrets_scan", { path, options, onProgress: channel<ProgressEvent>(onProgress) }),
    /** "Not a secret": adds the fingerprint to .gitleaksignore, audited with the reason. */
    securitySecretDismiss: (path: string, fingerprint: string, reason: string): Promise<boolean> =>
      invoke<boolean>("security_secret_dismiss", { path, fingerprint, reason }),
    securityVulnsScan: (path: string, options: VulnsOptions, onProgress: (message: ProgressEvent) => void): Promise<VulnsReport> =>
      invoke<VulnsReport>("security_vulns_scan", { path, options, onProgress: channel<ProgressEvent>(onProgress) }),
    securitySarifImport: (path: string, files: Array<string>): Promise<SarifImportSummary> =>
      invoke<SarifImportSummary>("security_sarif_import", { path, files }),
    securitySarifList: (path: string, filter: SarifFilter): Promise<SarifList> =>
      invoke<SarifList>("security_sarif_list", { path, filter }),
    /** Every direct dependency of every manifest and how far behind it is. */
    depsOutdated: (path: string, onProgress: (message: ProgressEvent) => void): Promise<OutdatedReport> =>
      invoke<OutdatedReport>("deps_outdated", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    /** Update branches (or, dry run, their diffs); `expect` is the confirmed dry run's digest. */
    depsUpdate: (path: string, request: UpdateRequest, onProgress: (message: ProgressEvent) => void): Promise<UpdateOutcome> =>
      invoke<UpdateOutcome>("deps_update", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    depsPropose: (path: string, request: ProposeRequest, onProgress: (message: ProgressEvent) => void): Promise<ProposeOutcome> =>
      invoke<ProposeOutcome>("deps_propose", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    /** Every coverage report found, areas against thresholds and the file table; recorded. */
    coverageReport: (path: string, onProgress: (message: ProgressEvent) => void): Promise<CoverageView> =>
      invoke<CoverageView>("coverage_report", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    /** Recorded runs, newest first; with `area`, that area's figures only. */
    coverageHistory: (path: string, area: string | null): Promise<Array<CoverageRun>> =>
      invoke<Array<CoverageRun>>("coverage_history", { path, area }),
    coverageChart: (path: string, area: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("coverage_chart", { path, area, theme }),
    /** A text file of the workspace (relative path, at most 2 MiB), for the source viewer. */
    coverageSource: (path: string, file: string): Promise<SourceText> =>
      invoke<SourceText>("coverage_source", { path, file }),
    /** The build output's routes, chunks, packages and budgets (recorded by commit), with the treemap and trend charts; `dir` as `--dir`. */
    bundleView: (path: string, request: BundleViewRequest, onProgress: (message: ProgressEvent) => void): Promise<BundleView> =>
      invoke<BundleView>("bundle_view", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    /** The workspace's blueprints and the shipped ones, with their variables. */
    blueprintsList: (path: string): Promise<BlueprintList> =>
      invoke<BlueprintList>("blueprints_list", { path }),
    /** What `blueprints_create` would write, as a diff; writes nothing. */
    blueprintsPreview: (path: string, request: BlueprintRequest): Promise<Generation> =>
      invoke<Generation>("blueprints_preview", { path, request }),
    /** Writes every file of the generation or none (an existing file refuses it); audited. */
    blueprintsCreate: (path: string, request: BlueprintRequest): Promise<Generation> =>
      invoke<Generation>("blueprints_create", { path, request }),
    /** Every area's check for the candidate at HEAD, as one job; stored. */
    readinessGate: (path: string, onProgress: (message: ProgressEvent) => void): Promise<ReadinessRun> =>
      invoke<ReadinessRun>("readiness_gate", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    readinessHistory: (path: string, limit: number | null): Promise<Array<ReadinessHistoryEntry>> =>
      invoke<Array<ReadinessHistoryEntry>>("readiness_history", { path, limit }),
    readinessRun: (path: string, runId: number): Promise<ReadinessRun> =>
      invoke<ReadinessRun>("readiness_run", { path, runId }),
    /** Writes the stored run's self-contained HTML or PDF report; returns the file. */
    readinessReport: (path: string, request: ReadinessReportRequest): Promise<string> =>
      invoke<string>("readiness_report", { path, request }),
    rollbackPlan: (path: string, request: RollbackPlanRequest): Promise<RollbackPlan> =>
      invoke<RollbackPlan>("rollback_plan", { path, request }),
    /** Runs the plan as one job; unless `yes`, each step waits for `rollback_confirm`. */
    rollbackRun: (path: string, request: RollbackRunRequest, onProgress: (message: ProgressEvent) => void): Promise<RollbackRunResult> =>
      invoke<RollbackRunResult>("rollback_run", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    rollbackConfirm: (jobId: number, step: number, proceed: boolean): Promise<void> =>
      invoke<void>("rollback_confirm", { jobId, step, proceed }),
    rollbackRunbook: (path: string, write: boolean): Promise<RollbackRunbook> =>
      invoke<RollbackRunbook>("rollback_runbook", { path, write }),
  };
}
