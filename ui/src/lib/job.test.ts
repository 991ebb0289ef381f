import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import { JobRun } from "./job.svelte";

describe("JobRun", () => {
  it("tracks progress, refuses a second run meanwhile, and cancels its job", async () => {
    const cancelled: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "activity_cancel") cancelled.push((args as { id: number }).id);
    });
    const job = new JobRun();
    let release = () => {};
    const first = job.run("Starting…", async (onProgress) => {
      onProgress({ event: "started", job_id: 7, kind: "bench_run" });
      onProgress({ event: "progress", job_id: 7, done: 2, total: 5, message: "2 of 5" });
      await new Promise<void>((r) => (release = r));
    });
    expect(job.busy).toBe(true);
    expect(job.current).toEqual({ done: 2, total: 5, label: "2 of 5", job: 7 });
    expect(await job.run("again", async () => {})).toBe(false);
    job.cancel();
    release();
    expect(await first).toBe(true);
    expect(job.busy).toBe(false);
    expect(cancelled).toEqual([7]);
  });
});
