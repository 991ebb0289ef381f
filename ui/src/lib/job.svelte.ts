// One cancellable job started from a view: its live progress, and a guard
// so a second one does not start while it runs.
import { api } from "./api";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import { app } from "./state.svelte";

export class JobRun {
  current = $state<{
    done: number;
    total: number | null;
    label: string;
    job: number | null;
  } | null>(null);

  get busy(): boolean {
    return this.current !== null;
  }

  /** Runs `work` with a progress handler; false (and nothing run) while
   * another job runs. */
  async run(
    label: string,
    work: (onProgress: (e: ProgressEvent) => void) => Promise<void>,
  ): Promise<boolean> {
    if (this.current) return false;
    this.current = { done: 0, total: null, label, job: null };
    try {
      await work((e) => this.onProgress(e));
    } finally {
      this.current = null;
    }
    return true;
  }

  private onProgress(e: ProgressEvent) {
    app.onProgress(e);
    if (!this.current) return;
    if (e.event === "started") this.current.job = e.job_id;
    if (e.event === "progress") {
      this.current.done = e.done;
      this.current.total = e.total;
      this.current.label = e.message;
    }
  }

  cancel() {
    const job = this.current?.job;
    if (job != null) void api.activityCancel(job);
  }
}
