// Application state shared by the views: the open workspace, its latest
// history statistics, running jobs, toasts and the theme.
import { api, toPayload } from "./api";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { HistoryStats } from "./bindings/HistoryStats";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { RunningJob } from "./bindings/RunningJob";
import type { Theme } from "./bindings/Theme";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";

export type ThemeChoice = "system" | "light" | "dark";

export interface Toast {
  id: number;
  error: ErrorPayload;
}

const THEME_KEY = "shipdeck.theme";

class AppState {
  workspace = $state<WorkspaceInfo | null>(null);
  stats = $state<HistoryStats | null>(null);
  /** Error of the last open attempt, shown on the welcome screen. */
  openError = $state<ErrorPayload | null>(null);
  opening = $state(false);
  jobs = $state<RunningJob[]>([]);
  /** Bumped when a job finishes, so views can reload their lists. */
  jobsFinished = $state(0);
  toasts = $state<Toast[]>([]);
  themeChoice = $state<ThemeChoice>(
    (localStorage.getItem(THEME_KEY) as ThemeChoice | null) ?? "system",
  );
  systemDark = $state(window.matchMedia("(prefers-color-scheme: dark)").matches);
  theme: Theme = $derived(
    this.themeChoice === "system" ? (this.systemDark ? "dark" : "light") : this.themeChoice,
  );
  private nextToast = 1;

  constructor() {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", (e) => {
      this.systemDark = e.matches;
    });
  }

  setTheme(choice: ThemeChoice): void {
    this.themeChoice = choice;
    localStorage.setItem(THEME_KEY, choice);
  }

  toast(e: unknown): void {
    const id = this.nextToast++;
    this.toasts = [...this.toasts, { id, error: toPayload(e) }];
    setTimeout(() => this.dismiss(id), 10_000);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Opens a workspace; on failure the error stays on the welcome screen. */
  async open(path: string): Promise<boolean> {
    this.opening = true;
    this.openError = null;
    try {
      const info = await api.workspaceOpen(path);
      this.workspace = info;
      this.stats = await api.workspaceLastScan(info.root);
      void this.scan();
      return true;
    } catch (e) {
      this.openError = toPayload(e);
      return false;
    } finally {
      this.opening = false;
    }
  }

  close(): void {
    this.workspace = null;
    this.stats = null;
  }

  /** Re-reads the open workspace (branch, HEAD, changes…). */
  async refresh(): Promise<void> {
    if (!this.workspace) return;
    try {
      this.workspace = await api.workspaceOpen(this.workspace.root);
    } catch (e) {
      this.toast(e);
    }
  }

  /** Runs the history scan job, tracking its progress. */
  async scan(): Promise<void> {
    const ws = this.workspace;
    if (!ws) return;
    try {
      const stats = await api.workspaceScan(ws.root, (e) => this.onProgress(e));
      if (this.workspace?.root === ws.root) this.stats = stats;
    } catch (e) {
      if (toPayload(e).code !== "job.cancelled") this.toast(e);
    }
  }

  onProgress(e: ProgressEvent): void {
    if (e.event === "started") {
      this.jobs = [
        ...this.jobs,
        {
          id: e.job_id,
          kind: e.kind,
          workspace_id: this.workspace?.id ?? null,
          started_at: Date.now(),
          done: 0,
          total: null,
          message: "",
        },
      ];
    } else if (e.event === "progress") {
      this.jobs = this.jobs.map((j) =>
        j.id === e.job_id ? { ...j, done: e.done, total: e.total, message: e.message } : j,
      );
    } else if (e.event === "finished") {
      this.jobs = this.jobs.filter((j) => j.id !== e.job_id);
      this.jobsFinished += 1;
    }
  }

  async cancel(id: number): Promise<void> {
    try {
      await api.activityCancel(id);
    } catch (e) {
      this.toast(e);
    }
  }
}

export const app = new AppState();
