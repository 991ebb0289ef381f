// The one seam between the UI and the app: the only file that imports
// @tauri-apps/*. Every function is one Tauri command; errors arrive as
// {code, message, hint} and are rethrown as ApiError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";

import type { Chart } from "./bindings/Chart";
import type { CutResult } from "./bindings/CutResult";
import type { PlanRequest } from "./bindings/PlanRequest";
import type { PublishResult } from "./bindings/PublishResult";
import type { ReleaseHistory } from "./bindings/ReleaseHistory";
import type { ReleasePlan } from "./bindings/ReleasePlan";
import type { RollbackResult } from "./bindings/RollbackResult";
import type { BaselineReport } from "./bindings/BaselineReport";
import type { CreatedMigration } from "./bindings/CreatedMigration";
import type { DatabaseInfo } from "./bindings/DatabaseInfo";
import type { LintReport } from "./bindings/LintReport";
import type { MigrationDetail } from "./bindings/MigrationDetail";
import type { MigrationRun } from "./bindings/MigrationRun";
import type { MigrationStatus } from "./bindings/MigrationStatus";
import type { RepairAction } from "./bindings/RepairAction";
import type { RepairReport } from "./bindings/RepairReport";
import type { RunReport } from "./bindings/RunReport";
import type { BenchRunView } from "./bindings/BenchRunView";
import type { CompareReport } from "./bindings/CompareReport";
import type { HttpReport } from "./bindings/HttpReport";
import type { ScenarioInfo } from "./bindings/ScenarioInfo";
import type { ScenarioResult } from "./bindings/ScenarioResult";
import type { EnvRun } from "./bindings/EnvRun";
import type { HealthReport } from "./bindings/HealthReport";
import type { ParityView } from "./bindings/ParityView";
import type { ReadinessRow } from "./bindings/ReadinessRow";
import type { CredentialInfo } from "./bindings/CredentialInfo";
import type { DoctorReport } from "./bindings/DoctorReport";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { HistoryStats } from "./bindings/HistoryStats";
import type { JobRecord } from "./bindings/JobRecord";
import type { LogLine } from "./bindings/LogLine";
import type { LogQuery } from "./bindings/LogQuery";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { RecentWorkspace } from "./bindings/RecentWorkspace";
import type { RunningJob } from "./bindings/RunningJob";
import type { Theme } from "./bindings/Theme";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";
import type { AcceptedFinding } from "./bindings/AcceptedFinding";
import type { AdvisorCheck } from "./bindings/AdvisorCheck";
import type { AdvisorRun } from "./bindings/AdvisorRun";
import type { AdvisorView } from "./bindings/AdvisorView";
import type { IndexSuggestion } from "./bindings/IndexSuggestion";
import type { SchemaDoc } from "./bindings/SchemaDoc";

export class ApiError extends Error {
  readonly code: string;
  readonly hint: string | null;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "ApiError";
    this.code = payload.code;
    this.hint = payload.hint;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

function isPayload(e: unknown): e is ErrorPayload {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any thrown value as {code, message, hint}. */
export function toPayload(e: unknown): ErrorPayload {
  if (e instanceof ApiError) return e.toPayload();
  if (isPayload(e)) return { code: e.code, message: e.message, hint: e.hint ?? null };
  return { code: "ui.unexpected", message: String(e), hint: null };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw new ApiError(toPayload(e));
  }
}

/** A Tauri channel delivering the backend's messages to `handler`. */
function channel<T>(handler: (message: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = handler;
  return c;
}

export const api = {
  appReady: (pageMs: number) => call<void>("app_ready", { pageMs }),
  startupWorkspace: () => call<string | null>("startup_workspace"),

  openWorkspace: (path: string) => call<WorkspaceInfo>("workspace_open", { path }),
  recentWorkspaces: () => call<RecentWorkspace[]>("workspace_recent"),
  forgetWorkspace: (id: string) => call<void>("workspace_forget", { id }),
  createDemo: () => call<string>("demo_create_default"),

  scanWorkspace(path: string, onProgress: (e: ProgressEvent) => void): Promise<HistoryStats> {
    return call<HistoryStats>("workspace_scan", { path, onProgress: channel(onProgress) });
  },
  lastScan: (path: string) => call<HistoryStats | null>("workspace_last_scan", { path }),
  chart: (path: string, theme: Theme) => call<Chart | null>("workspace_chart", { path, theme }),

  activity: (path: string | null, limit = 200) =>
    call<JobRecord[]>("activity_list", { path, limit }),
  runningJobs: () => call<RunningJob[]>("jobs_running"),
  cancelJob: (id: number) => call<void>("job_cancel", { id }),

  readLogs: (query: LogQuery) => call<LogLine[]>("logs_read", { query }),
  followLogs(onLine: (line: LogLine) => void): Promise<void> {
    return call<void>("logs_follow", { onLine: channel(onLine) });
  },

  setSecret: (path: string, name: string, value: string) =>
    call<void>("secret_set", { path, name, value }),
  listSecrets: (path: string) => call<CredentialInfo[]>("secret_list", { path }),
  removeSecret: (path: string, name: string) => call<void>("secret_rm", { path, name }),

  doctor: (path: string | null) => call<DoctorReport>("doctor_run", { path }),

  releasePlan(path: string, request: PlanRequest, onProgress: (e: ProgressEvent) => void) {
    return call<ReleasePlan>("release_plan", { path, request, onProgress: channel(onProgress) });
  },
  releaseCut(
    path: string,
    request: PlanRequest,
    dryRun: boolean,
    onProgress: (e: ProgressEvent) => void,
  ) {
    return call<CutResult>("release_cut", {
      path,
      request,
      dryRun,
      onProgress: channel(onProgress),
    });
  },
  releasePublish(
    path: string,
    dryRun: boolean,
    skipForge: boolean,
    onProgress: (e: ProgressEvent) => void,
  ) {
    return call<PublishResult>("release_publish", {
      path,
      dryRun,
      skipForge,
      onProgress: channel(onProgress),
    });
  },
  releaseRollback(
    path: string,
    rollback: {
      package: string | null;
      version: string;
      reason: string;
      notPushed: boolean;
      dryRun: boolean;
    },
    onProgress: (e: ProgressEvent) => void,
  ) {
    return call<RollbackResult>("release_rollback", {
      path,
      ...rollback,
      onProgress: channel(onProgress),
    });
  },
  releaseHistory: (path: string) => call<ReleaseHistory>("release_history", { path }),
  releaseCadence: (path: string, theme: Theme) =>
    call<Chart>("release_cadence_chart", { path, theme }),

  migrationDatabases: (path: string) => call<DatabaseInfo[]>("migration_databases", { path }),
  migrateStatus: (path: string, database: string | null) =>
    call<MigrationStatus>("migrate_status", { path, database }),
  migrateUp(
    path: string,
    database: string | null,
    options: { to: number | null; dryRun: boolean; expect?: string | null },
    onProgress: (e: ProgressEvent) => void,
  ) {
    return call<RunReport>("migrate_up", {
      path,
      database,
      ...options,
      onProgress: channel(onProgress),
    });
  },
  migrateDown(
    path: string,
    database: string | null,
    options: {
      steps: number | null;
      to: number | null;
      dryRun: boolean;
      expect?: string | null;
    },
    onProgress: (e: ProgressEvent) => void,
  ) {
    return call<RunReport>("migrate_down", {
      path,
      database,
      ...options,
      onProgress: channel(onProgress),
    });
  },
  migrateCreate: (path: string, database: string | null, name: string, reversible: boolean) =>
    call<CreatedMigration>("migrate_create", { path, database, name, reversible }),
  migrateLint: (path: string, database: string | null) =>
    call<LintReport>("migrate_lint", { path, database }),
  migrateRepair: (path: string, database: string | null, version: number, action: RepairAction) =>
    call<RepairReport>("migrate_repair", { path, database, version, action }),
  migrateBaseline: (path: string, database: string | null, version: number) =>
    call<BaselineReport>("migrate_baseline", { path, database, version }),
  migrateShow: (path: string, database: string | null, version: number) =>
    call<MigrationDetail>("migrate_show", { path, database, version }),
  migrationRuns: (path: string, database: string) =>
    call<MigrationRun[]>("migration_runs", { path, database }),
  migrationChart: (path: string, database: string | null, theme: Theme) =>
    call<Chart>("migration_chart", { path, database, theme }),

  // ---- environments ----
  envParity: (path: string) => call<ParityView>("env_parity", { path }),
  envParityChart: (path: string, theme: Theme) => call<Chart>("env_parity_chart", { path, theme }),
  envReveal: (path: string, env: string, key: string) =>
    call<string>("env_reveal", { path, env, key }),
  envHealth: (path: string, onProgress: (e: ProgressEvent) => void) =>
    call<HealthReport>("env_health", { path, onProgress: channel(onProgress) }),
  envReadiness: (path: string, onProgress: (e: ProgressEvent) => void) =>
    call<ReadinessRow[]>("env_readiness", { path, onProgress: channel(onProgress) }),
  envDoctor: (path: string) => call<DoctorReport>("env_doctor", { path }),
  envHistory: (path: string, kind: "parity" | "health") =>
    call<EnvRun[]>("env_history", { path, kind }),
  envHistoryChart: (path: string, theme: Theme) =>
    call<Chart>("env_history_chart", { path, theme }),

  // ---- benchmarks ----
  benchScenarios: (path: string) => call<ScenarioInfo[]>("bench_scenarios", { path }),
  benchRun: (path: string, names: string[], onProgress: (e: ProgressEvent) => void) =>
    call<ScenarioResult[]>("bench_run", { path, names, onProgress: channel(onProgress) }),
  benchHttp: (
    path: string,
    load: { url: string; connections: number; durationS: number; rate: number | null },
    onProgress: (e: ProgressEvent) => void,
  ) => call<HttpReport>("bench_http", { path, ...load, onProgress: channel(onProgress) }),
  benchHistory: (path: string) => call<BenchRunView[]>("bench_history", { path }),
  benchCompare: (path: string, base: string, head: string) =>
    call<CompareReport>("bench_compare", { path, base, head }),
  benchChart: (path: string, metric: string, theme: Theme) =>
    call<Chart>("bench_chart", { path, metric, theme }),
  benchPercentileChart: (path: string, metric: string, theme: Theme) =>
    call<Chart>("bench_percentile_chart", { path, metric, theme }),
  benchSweepChart: (path: string, scenario: string, theme: Theme) =>
    call<Chart>("bench_sweep_chart", { path, scenario, theme }),

  // ---- advisor ----
  // Databases are named (as in shipdeck.toml); URLs never cross IPC.
  advisorChecks: () => call<AdvisorCheck[]>("advisor_checks"),
  advisorRun: (
    path: string,
    database: string | null,
    checks: string[],
    onProgress: (e: ProgressEvent) => void,
  ) =>
    call<AdvisorView>("advisor_run", {
      path,
      database,
      checks,
      onProgress: channel(onProgress),
    }),
  advisorLatest: (path: string, database: string | null) =>
    call<AdvisorView | null>("advisor_latest", { path, database }),
  advisorSuggest: (path: string, database: string | null, query: string) =>
    call<IndexSuggestion>("advisor_suggest", { path, database, query }),
  advisorAccept: (path: string, database: string | null, key: string) =>
    call<AcceptedFinding>("advisor_accept", { path, database, key }),
  advisorDismiss: (path: string, database: string | null, key: string, reason: string) =>
    call<void>("advisor_dismiss", { path, database, key, reason }),
  advisorRestore: (path: string, database: string | null, key: string) =>
    call<boolean>("advisor_restore", { path, database, key }),
  advisorRuns: (path: string, database: string | null) =>
    call<AdvisorRun[]>("advisor_runs", { path, database }),
  advisorCharts: (path: string, database: string | null, theme: Theme) =>
    call<Chart[]>("advisor_charts", { path, database, theme }),
  docsSchema: (path: string, database: string | null, write: boolean) =>
    call<SchemaDoc>("docs_schema", { path, database, write }),

  /** Opens an https link in the system browser (never in the app window). */
  async openLink(url: string): Promise<void> {
    if (!url.startsWith("https://")) return;
    await openUrl(url);
  },

  /** The native folder picker; null when the user cancels. */
  async pickFolder(): Promise<string | null> {
    const picked = await open({ directory: true, multiple: false, title: "Open a workspace" });
    return typeof picked === "string" ? picked : null;
  },
};
