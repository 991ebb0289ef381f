import type { Channel } from "@tauri-apps/api/core";
import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ProgressEvent } from "../../lib/bindings/ProgressEvent";
import type { ReadinessHistoryEntry } from "../../lib/bindings/ReadinessHistoryEntry";
import type { ReadinessRun } from "../../lib/bindings/ReadinessRun";
import { workspace } from "../../test/fixtures";
import Readiness from "./Readiness.svelte";

const HEAD = "5e0c72a842114fe6a87f1511898db04d9bba316d";

function run(id: number, failing: boolean): ReadinessRun {
  return {
    id,
    at: Date.now() - 60_000 * id,
    duration_ms: 2400,
    report: {
      verdict: failing ? "fail" : "warn",
      candidate: { version: "1.5.0", commit: HEAD },
      checks: [
        {
          area: "releases",
          status: "pass",
          summary: "1.5.0 from 20 commits",
          command: "shipdeck release plan",
        },
        {
          area: "migrations",
          status: failing ? "fail" : "pass",
          summary: failing ? "the database could not be reached" : "all applied",
          command: "shipdeck migrate status",
        },
        {
          area: "coverage",
          status: "warn",
          summary: "71.2% (below 75%)",
          command: "shipdeck coverage report",
        },
        {
          area: "bundle",
          status: "skipped",
          summary: "no build output",
          command: "shipdeck bundle analyze",
        },
      ],
    },
    details: [
      {
        area: "migrations",
        level: "required",
        lines: [],
        error: failing
          ? {
              code: "migrations.connect",
              message: "connection refused (127.0.0.1:5432)",
              hint: "Start the database or set [databases.main].url",
            }
          : null,
      },
      {
        area: "coverage",
        level: "warn",
        lines: ["src/pay.rs 48%", "src/cart.rs 61%"],
        error: null,
      },
    ],
    changelog: "## 1.5.0\n\n- bulk import",
  };
}

function entry(r: ReadinessRun): ReadinessHistoryEntry {
  return {
    id: r.id,
    at: r.at,
    candidate: r.report.candidate,
    verdict: r.report.verdict,
    statuses: r.report.checks.map((c) => ({ area: c.area, status: c.status })),
  };
}

type Calls = { cmd: string; args: Record<string, unknown> }[];

function backend(stored: ReadinessRun[], gate?: ReadinessRun): Calls {
  const calls: Calls = [];
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    if (cmd === "readiness_history") return stored.map(entry);
    if (cmd === "readiness_run") return stored.find((r) => r.id === args.runId);
    if (cmd === "readiness_gate" && gate) {
      const channel = args.onProgress as Channel<ProgressEvent>;
      channel.onmessage({ event: "started", job_id: 9, kind: "readiness_gate" });
      channel.onmessage({ event: "progress", job_id: 9, done: 3, total: 11, message: "coverage" });
      stored.unshift(gate);
      return gate;
    }
    if (cmd === "readiness_report") return (args.request as { file: string }).file;
    return null;
  });
  return calls;
}

describe("Readiness view", () => {
  it("shows the latest run's verdict, each area's status in words and a failing area's hint", async () => {
    backend([run(2, true), run(1, false)]);
    render(Readiness, { workspace: workspace() });
    const banner = await screen.findByTestId("readiness-verdict");
    expect(banner.dataset.verdict).toBe("fail");
    expect(banner.textContent).toContain("Not ready");
    expect(screen.getByTestId("readiness-version").textContent).toBe("1.5.0");
    expect(screen.getByTestId("readiness-commit").textContent).toBe("5e0c72a");
    const areas = screen.getAllByTestId("readiness-area");
    expect(areas.map((a) => [a.dataset.area, a.dataset.status])).toEqual([
      ["releases", "pass"],
      ["migrations", "fail"],
      ["coverage", "warn"],
      ["bundle", "skipped"],
    ]);
    const migrations = areas[1]!;
    expect(within(migrations).getByTestId("readiness-status").textContent).toBe("fail");
    expect(within(migrations).getByTestId("readiness-hint").textContent).toContain(
      "Start the database",
    );
    expect(within(migrations).getByTestId("readiness-command").textContent).toBe(
      "shipdeck migrate status",
    );
    expect(within(migrations).getByRole("link").getAttribute("href")).toBe("#/migrations");
    expect(within(areas[2]!).getByTestId("readiness-lines").textContent).toContain("src/pay.rs");
    expect(screen.getAllByTestId("readiness-history-row")).toHaveLength(2);
  });

  it("opens a stored run when its history row is clicked", async () => {
    const calls = backend([run(2, true), run(1, false)]);
    render(Readiness, { workspace: workspace() });
    await screen.findByTestId("readiness-verdict");
    const rows = screen.getAllByTestId("readiness-history-row");
    await userEvent.click(rows[1]!);
    await waitFor(() =>
      expect(screen.getByTestId("readiness-verdict").dataset.verdict).toBe("warn"),
    );
    expect(calls.filter((c) => c.cmd === "readiness_run").map((c) => c.args.runId)).toEqual([2, 1]);
    expect(screen.getByTestId("readiness-verdict").textContent).toContain("stored run #1");
    expect(rows[1]!.getAttribute("aria-selected")).toBe("true");
  });

  it("runs the gate as a job and shows the new run first in the history", async () => {
    const calls = backend([], run(5, false));
    render(Readiness, { workspace: workspace() });
    expect((await screen.findByTestId("readiness-empty")).textContent).toContain("No gate run yet");
    await userEvent.click(screen.getByTestId("readiness-run"));
    await waitFor(() =>
      expect(screen.getByTestId("readiness-verdict").dataset.verdict).toBe("warn"),
    );
    expect(calls.find((c) => c.cmd === "readiness_gate")?.args.path).toBe("/home/ana/orbit");
    expect(screen.getAllByTestId("readiness-history-row").map((r) => r.dataset.run)).toEqual(["5"]);
    expect(screen.queryByTestId("readiness-empty")).toBeNull();
  });

  it("exports the shown run beside the workspace and shows the written path", async () => {
    const calls = backend([run(2, true)]);
    render(Readiness, { workspace: workspace() });
    await screen.findByTestId("readiness-verdict");
    const file = screen.getByTestId("readiness-file") as HTMLInputElement;
    expect(file.value).toBe("/home/ana/orbit-readiness-1.5.0-run2.html");
    await userEvent.selectOptions(screen.getByTestId("readiness-format"), "pdf");
    expect(file.value).toBe("/home/ana/orbit-readiness-1.5.0-run2.pdf");
    await userEvent.click(screen.getByTestId("readiness-export"));
    expect((await screen.findByTestId("readiness-written")).textContent).toContain(
      "/home/ana/orbit-readiness-1.5.0-run2.pdf",
    );
    expect(calls.find((c) => c.cmd === "readiness_report")?.args.request).toEqual({
      run_id: 2,
      format: "pdf",
      file: "/home/ana/orbit-readiness-1.5.0-run2.pdf",
    });
  });
});
