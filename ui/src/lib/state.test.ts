import { describe, expect, it } from "vitest";

import { app } from "./state.svelte";

describe("job progress tracking", () => {
  it("follows a job from start to finish", () => {
    app.jobs = [];
    const before = app.jobsFinished;
    app.onProgress({ event: "started", job_id: 4, kind: "workspace_scan" });
    expect(app.jobs.map((j) => j.id)).toEqual([4]);
    app.onProgress({ event: "progress", job_id: 4, done: 50, total: 100, message: "half" });
    expect(app.jobs[0]).toMatchObject({ done: 50, total: 100, message: "half" });
    app.onProgress({
      event: "finished",
      job_id: 4,
      outcome: "succeeded",
      summary: "ok",
      error: null,
    });
    expect(app.jobs).toEqual([]);
    expect(app.jobsFinished).toBe(before + 1);
  });

  it("keeps a job that waits for a confirmation running", () => {
    app.jobs = [];
    const before = app.jobsFinished;
    app.onProgress({ event: "started", job_id: 8, kind: "rollback_run" });
    app.onProgress({
      event: "awaiting_confirmation",
      job_id: 8,
      step: 1,
      total: 4,
      description: "Redeploy 1.4.1",
    });
    expect(app.jobs.map((j) => j.id)).toEqual([8]);
    expect(app.jobsFinished).toBe(before);
  });
});
