// The Rollback view's reading of a plan and a run: what each step is
// called, how it ended, and the one-paragraph ending of a run.
import type { ReleaseEntry } from "../../lib/bindings/ReleaseEntry";
import type { RollbackRunResult } from "../../lib/bindings/RollbackRunResult";
import type { RollbackStepKind } from "../../lib/bindings/RollbackStepKind";
import type { RollbackStepStatus } from "../../lib/bindings/RollbackStepStatus";

export const KIND_LABEL: Record<RollbackStepKind, string> = {
  deploy: "Deploy",
  database: "Database",
  release: "Release",
  verify: "Verify",
};

/** A step's state in the view: the run's outcome, or where the run is. */
export type StepState = RollbackStepStatus | "pending" | "waiting" | "running";

export const STATE_LABEL: Record<StepState, string> = {
  done: "done",
  failed: "failed",
  declined: "declined",
  not_run: "not run",
  pending: "",
  waiting: "waiting for you",
  running: "running…",
};

export function stateTone(state: StepState): string {
  if (state === "done") return "ok";
  if (state === "failed") return "err";
  if (state === "declined" || state === "waiting") return "warn";
  if (state === "running") return "accent";
  return "";
}

/** Each release version once, newest first (several packages may share one). */
export function versions(releases: ReleaseEntry[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of [...releases].sort((a, b) => b.date - a.date)) {
    if (!seen.has(r.version)) {
      seen.add(r.version);
      out.push(r.version);
    }
  }
  return out;
}

/** The state of step `n` (1-based) while a run is under way: steps before
 * the one announced last are done, that one waits for the user or runs. */
export function liveState(n: number, current: number, answered: boolean): StepState {
  if (current === 0) return "pending";
  if (n < current) return "done";
  if (n === current) return answered ? "running" : "waiting";
  return "pending";
}

export type Ending = {
  completed: boolean;
  /** 1-based step the run stopped at, when it did not complete. */
  stoppedAt: number | null;
  how: RollbackStepStatus | null;
  done: number[];
  remaining: number[];
};

/** How a finished run ended: completed, or where and why it stopped, what
 * was done and what remains. */
export function ending(result: RollbackRunResult): Ending {
  const numbered = result.steps.map((s, i) => ({ n: i + 1, status: s.status }));
  const stop = numbered.find((s) => s.status === "failed" || s.status === "declined");
  return {
    completed: result.completed,
    stoppedAt: stop?.n ?? null,
    how: stop?.status ?? null,
    done: numbered.filter((s) => s.status === "done").map((s) => s.n),
    remaining: numbered.filter((s) => s.status !== "done").map((s) => s.n),
  };
}
