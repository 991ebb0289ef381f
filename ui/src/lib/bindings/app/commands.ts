// Generated from src-tauri/src/commands/table.rs by `make bindings`; do not edit.
// src-tauri/tests/seam.rs fails when this file and the table disagree.
import type { AcceptedFinding } from "../AcceptedFinding";
import type { AdvisorCheck } from "../AdvisorCheck";
import type { AdvisorRun } from "../AdvisorRun";
import type { AdvisorRunRequest } from "../AdvisorRunRequest";
import type { AdvisorView } from "../AdvisorView";
import type { BaselineReport } from "../BaselineReport";
import type { BenchRunView } from "../BenchRunView";
import type { Chart } from "../Chart";
import type { CompareReport } from "../CompareReport";
import type { CreateMigrationRequest } from "../CreateMigrationRequest";
import type { CreatedMigration } from "../CreatedMigration";
import type { CredentialInfo } from "../CredentialInfo";
import type { CutResult } from "../CutResult";
import type { DatabaseInfo } from "../DatabaseInfo";
import type { DismissRequest } from "../DismissRequest";
import type { DoctorReport } from "../DoctorReport";
import type { DownRequest } from "../DownRequest";
import type { EnvRun } from "../EnvRun";
import type { EnvRunKind } from "../EnvRunKind";
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
import type { ParityFilter } from "../ParityFilter";
import type { ParityReport } from "../ParityReport";
import type { ParityView } from "../ParityView";
import type { PlanRequest } from "../PlanRequest";
import type { ProgressEvent } from "../ProgressEvent";
import type { PublishRequest } from "../PublishRequest";
import type { PublishResult } from "../PublishResult";
import type { ReadinessRow } from "../ReadinessRow";
import type { RecentWorkspace } from "../RecentWorkspace";
import type { ReleaseHistory } from "../ReleaseHistory";
import type { ReleasePlan } from "../ReleasePlan";
import type { RepairReport } from "../RepairReport";
import type { RepairRequest } from "../RepairRequest";
import type { RollbackRequest } from "../RollbackRequest";
import type { RollbackResult } from "../RollbackResult";
import type { RunReport } from "../RunReport";
import type { RunningJob } from "../RunningJob";
import type { ScenarioInfo } from "../ScenarioInfo";
import type { ScenarioResult } from "../ScenarioResult";
import type { SchemaDoc } from "../SchemaDoc";
import type { Theme } from "../Theme";
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
  "jobs_running",
  "job_cancel",
  "logs_read",
  "logs_follow",
  "secret_set",
  "secret_list",
  "secret_rm",
  "doctor_run",
  "release_plan",
  "release_cut",
  "release_publish",
  "release_rollback",
  "release_history",
  "release_cadence_chart",
  "migration_databases",
  "migrate_status",
  "migrate_up",
  "migrate_down",
  "migrate_create",
  "migrate_lint",
  "migrate_repair",
  "migrate_baseline",
  "migrate_show",
  "migration_runs",
  "migration_chart",
  "env_parity",
  "env_parity_filter",
  "env_parity_check",
  "env_parity_chart",
  "env_reveal",
  "env_health",
  "env_readiness",
  "env_doctor",
  "env_history",
  "env_history_chart",
  "docs_schema",
  "advisor_checks",
  "advisor_run",
  "advisor_latest",
  "advisor_suggest",
  "advisor_accept",
  "advisor_dismiss",
  "advisor_restore",
  "advisor_runs",
  "advisor_charts",
  "bench_scenarios",
  "bench_run",
  "bench_http",
  "bench_http_rules",
  "bench_history",
  "bench_compare",
  "bench_chart",
  "bench_percentile_chart",
  "bench_sweep_chart",
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
    jobsRunning: (): Promise<Array<RunningJob>> =>
      invoke<Array<RunningJob>>("jobs_running"),
    jobCancel: (id: number): Promise<void> =>
      invoke<void>("job_cancel", { id }),
    logsRead: (query: LogQuery): Promise<Array<LogLine>> =>
      invoke<Array<LogLine>>("logs_read", { query }),
    /** Streams new log lines; a new call replaces the last. */
    logsFollow: (onLine: (message: LogLine) => void): Promise<void> =>
      invoke<void>("logs_follow", { onLine: channel<LogLine>(onLine) }),
    secretSet: (path: string, name: string, value: string): Promise<void> =>
      invoke<void>("secret_set", { path, name, value }),
    secretList: (path: string): Promise<Array<CredentialInfo>> =>
      invoke<Array<CredentialInfo>>("secret_list", { path }),
    secretRm: (path: string, name: string): Promise<void> =>
      invoke<void>("secret_rm", { path, name }),
    doctorRun: (path: string | null): Promise<DoctorReport> =>
      invoke<DoctorReport>("doctor_run", { path }),
    releasePlan: (path: string, request: PlanRequest, onProgress: (message: ProgressEvent) => void): Promise<ReleasePlan> =>
      invoke<ReleasePlan>("release_plan", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releaseCut: (path: string, request: PlanRequest, dryRun: boolean, onProgress: (message: ProgressEvent) => void): Promise<CutResult> =>
      invoke<CutResult>("release_cut", { path, request, dryRun, onProgress: channel<ProgressEvent>(onProgress) }),
    releasePublish: (path: string, request: PublishRequest, onProgress: (message: ProgressEvent) => void): Promise<PublishResult> =>
      invoke<PublishResult>("release_publish", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releaseRollback: (path: string, request: RollbackRequest, onProgress: (message: ProgressEvent) => void): Promise<RollbackResult> =>
      invoke<RollbackResult>("release_rollback", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    releaseHistory: (path: string): Promise<ReleaseHistory> =>
      invoke<ReleaseHistory>("release_history", { path }),
    releaseCadenceChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("release_cadence_chart", { path, theme }),
    migrationDatabases: (path: string): Promise<Array<DatabaseInfo>> =>
      invoke<Array<DatabaseInfo>>("migration_databases", { path }),
    migrateStatus: (path: string, database: string | null): Promise<MigrationStatus> =>
      invoke<MigrationStatus>("migrate_status", { path, database }),
    migrateUp: (path: string, database: string | null, to: number | null, dryRun: boolean, expect: string | null, onProgress: (message: ProgressEvent) => void): Promise<RunReport> =>
      invoke<RunReport>("migrate_up", { path, database, to, dryRun, expect, onProgress: channel<ProgressEvent>(onProgress) }),
    migrateDown: (path: string, request: DownRequest, onProgress: (message: ProgressEvent) => void): Promise<RunReport> =>
      invoke<RunReport>("migrate_down", { path, request, onProgress: channel<ProgressEvent>(onProgress) }),
    migrateCreate: (path: string, request: CreateMigrationRequest): Promise<CreatedMigration> =>
      invoke<CreatedMigration>("migrate_create", { path, request }),
    migrateLint: (path: string, database: string | null): Promise<LintReport> =>
      invoke<LintReport>("migrate_lint", { path, database }),
    migrateRepair: (path: string, request: RepairRequest): Promise<RepairReport> =>
      invoke<RepairReport>("migrate_repair", { path, request }),
    migrateBaseline: (path: string, database: string | null, version: number): Promise<BaselineReport> =>
      invoke<BaselineReport>("migrate_baseline", { path, database, version }),
    migrateShow: (path: string, database: string | null, version: number): Promise<MigrationDetail> =>
      invoke<MigrationDetail>("migrate_show", { path, database, version }),
    migrationRuns: (path: string, database: string): Promise<Array<MigrationRun>> =>
      invoke<Array<MigrationRun>>("migration_runs", { path, database }),
    migrationChart: (path: string, database: string | null, theme: Theme): Promise<Chart> =>
      invoke<Chart>("migration_chart", { path, database, theme }),
    envParity: (path: string): Promise<ParityView> =>
      invoke<ParityView>("env_parity", { path }),
    envParityFilter: (report: ParityReport, filter: ParityFilter): Promise<ParityReport> =>
      invoke<ParityReport>("env_parity_filter", { report, filter }),
    envParityCheck: (path: string): Promise<ParityView> =>
      invoke<ParityView>("env_parity_check", { path }),
    envParityChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("env_parity_chart", { path, theme }),
    envReveal: (path: string, env: string, key: string): Promise<string> =>
      invoke<string>("env_reveal", { path, env, key }),
    envHealth: (path: string, onProgress: (message: ProgressEvent) => void): Promise<HealthReport> =>
      invoke<HealthReport>("env_health", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    envReadiness: (path: string, onProgress: (message: ProgressEvent) => void): Promise<Array<ReadinessRow>> =>
      invoke<Array<ReadinessRow>>("env_readiness", { path, onProgress: channel<ProgressEvent>(onProgress) }),
    envDoctor: (path: string): Promise<DoctorReport> =>
      invoke<DoctorReport>("env_doctor", { path }),
    envHistory: (path: string, kind: EnvRunKind): Promise<Array<EnvRun>> =>
      invoke<Array<EnvRun>>("env_history", { path, kind }),
    envHistoryChart: (path: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("env_history_chart", { path, theme }),
    /** The domain model page of a database, written into the workspace when `write`. */
    docsSchema: (path: string, database: string | null, write: boolean): Promise<SchemaDoc> =>
      invoke<SchemaDoc>("docs_schema", { path, database, write }),
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
    benchScenarios: (path: string): Promise<Array<ScenarioInfo>> =>
      invoke<Array<ScenarioInfo>>("bench_scenarios", { path }),
    benchRun: (path: string, names: Array<string>, onProgress: (message: ProgressEvent) => void): Promise<Array<ScenarioResult>> =>
      invoke<Array<ScenarioResult>>("bench_run", { path, names, onProgress: channel<ProgressEvent>(onProgress) }),
    benchHttp: (path: string, load: HttpLoad, onProgress: (message: ProgressEvent) => void): Promise<HttpReport> =>
      invoke<HttpReport>("bench_http", { path, load, onProgress: channel<ProgressEvent>(onProgress) }),
    /** The defaults and bounds of a load test (the CLI's too). */
    benchHttpRules: (): Promise<HttpLoadRules> =>
      invoke<HttpLoadRules>("bench_http_rules"),
    benchHistory: (path: string): Promise<Array<BenchRunView>> =>
      invoke<Array<BenchRunView>>("bench_history", { path }),
    benchCompare: (path: string, base: string, head: string): Promise<CompareReport> =>
      invoke<CompareReport>("bench_compare", { path, base, head }),
    benchChart: (path: string, metric: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("bench_chart", { path, metric, theme }),
    benchPercentileChart: (path: string, metric: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("bench_percentile_chart", { path, metric, theme }),
    benchSweepChart: (path: string, scenario: string, theme: Theme): Promise<Chart> =>
      invoke<Chart>("bench_sweep_chart", { path, scenario, theme }),
  };
}
