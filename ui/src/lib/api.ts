// The one seam between the UI and the app: the only file that imports
// @tauri-apps/*. Every function is one Tauri command; errors arrive as
// {code, message, hint} and are rethrown as ApiError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";

import type { Chart } from "./bindings/Chart";
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

export const api = {
  appReady: (pageMs: number) => call<void>("app_ready", { pageMs }),
  startupWorkspace: () => call<string | null>("startup_workspace"),

  openWorkspace: (path: string) => call<WorkspaceInfo>("workspace_open", { path }),
  recentWorkspaces: () => call<RecentWorkspace[]>("workspace_recent"),
  forgetWorkspace: (id: string) => call<void>("workspace_forget", { id }),
  createDemo: () => call<string>("demo_create_default"),

  scanWorkspace(path: string, onProgress: (e: ProgressEvent) => void): Promise<HistoryStats> {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<HistoryStats>("workspace_scan", { path, onProgress: channel });
  },
  lastScan: (path: string) => call<HistoryStats | null>("workspace_last_scan", { path }),
  chart: (path: string, theme: Theme) => call<Chart | null>("workspace_chart", { path, theme }),

  activity: (path: string | null, limit = 200) =>
    call<JobRecord[]>("activity_list", { path, limit }),
  runningJobs: () => call<RunningJob[]>("jobs_running"),
  cancelJob: (id: number) => call<void>("job_cancel", { id }),

  readLogs: (query: LogQuery) => call<LogLine[]>("logs_read", { query }),
  followLogs(onLine: (line: LogLine) => void): Promise<void> {
    const channel = new Channel<LogLine>();
    channel.onmessage = onLine;
    return call<void>("logs_follow", { onLine: channel });
  },

  setSecret: (path: string, name: string, value: string) =>
    call<void>("secret_set", { path, name, value }),
  listSecrets: (path: string) => call<CredentialInfo[]>("secret_list", { path }),
  removeSecret: (path: string, name: string) => call<void>("secret_rm", { path, name }),

  doctor: (path: string | null) => call<DoctorReport>("doctor_run", { path }),

  /** The native folder picker; null when the user cancels. */
  async pickFolder(): Promise<string | null> {
    const picked = await open({ directory: true, multiple: false, title: "Open a workspace" });
    return typeof picked === "string" ? picked : null;
  },
};
