import type { Channel } from "@tauri-apps/api/core";
import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import type { ProgressEvent } from "../../lib/bindings/ProgressEvent";
import type { ReleaseEntry } from "../../lib/bindings/ReleaseEntry";
import type { RollbackPlan } from "../../lib/bindings/RollbackPlan";
import type { RollbackRunResult } from "../../lib/bindings/RollbackRunResult";
import { router } from "../../lib/router.svelte";
import { workspace } from "../../test/fixtures";
import Rollback from "./Rollback.svelte";

function plan(to: string, irreversible = false): RollbackPlan {
  return {
    env: "staging",
    from: "1.4.2",
    to,
    steps: [
      {
        kind: "deploy",
        description: "Redeploy 1.4.1 on staging",
        command: "kubectl rollout undo deployment/api -n staging",
        sql: null,
        reversible: true,
      },
      {
        kind: "database",
        description: "Migrate main down to 20240301_orders",
        command: null,
        sql: "DROP TABLE invoices;",
        reversible: !irreversible,
      },
      {
        kind: "verify",
        description: "Poll https://staging.example.com/health until it reports 1.4.1",
        command: "GET https://staging.example.com/health",
        sql: null,
        reversible: true,
      },
    ],
  };
}

function release(version: string, days: number): ReleaseEntry {
  return {
    package: "orbit",
    version,
    tag: `v${version}`,
    sha: "5e0c72a842114fe6a87f1511898db04d9bba316d",
    date: Date.now() - days * 86_400_000,
    commits: 4,
    prerelease: false,
  };
}

type Call = { cmd: string; args: Record<string, unknown> };

/** A backend whose run asks for each step and stops where the user does. */
function backend(irreversible = false) {
  const calls: Call[] = [];
  let channel: Channel<ProgressEvent> | null = null;
  let finish: ((r: RollbackRunResult) => void) | null = null;
  const current = plan("1.4.1", irreversible);
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "environments_parity":
        return { environments: ["staging", "production"], keys: [], findings: [], files: [] };
      case "releases_history":
        return {
          releases: [release("1.4.0", 30), release("1.4.2", 2), release("1.4.1", 10)],
          events: [],
          cadence: { per_month: [], per_release: [] },
        };
      case "rollback_plan": {
        const request = args.request as { env: string; to: string | null };
        return { ...current, env: request.env, to: request.to ?? "1.4.1" };
      }
      case "rollback_runbook":
        return {
          path: "docs/rollback-procedures.md",
          markdown: "# Rollback procedures\n\n## staging\n",
          up_to_date: false,
          written: args.write === true,
        };
      case "rollback_run":
        channel = args.onProgress as Channel<ProgressEvent>;
        channel.onmessage({ event: "started", job_id: 7, kind: "rollback_run" });
        channel.onmessage(ask(1));
        return new Promise((resolve) => (finish = resolve));
      case "rollback_confirm": {
        const { step, proceed } = args as { step: number; proceed: boolean };
        if (proceed) channel!.onmessage(ask(step + 1));
        else finish!(stopped(step));
        return null;
      }
      default:
        return null;
    }
  });

  function ask(step: number): ProgressEvent {
    const description = current.steps[step - 1]!.description;
    return { event: "awaiting_confirmation", job_id: 7, step, total: 3, description };
  }

  function stopped(at: number): RollbackRunResult {
    return {
      env: "staging",
      from: "1.4.2",
      to: "1.4.1",
      completed: false,
      steps: current.steps.map((step, i) => ({
        step,
        status: i + 1 < at ? "done" : i + 1 === at ? "declined" : "not_run",
        output: i + 1 < at ? "deployment.apps/api rolled back" : "",
        duration_ms: 1200,
      })),
    };
  }
  return calls;
}

afterEach(() => router.go("rollback"));

describe("Rollback view", () => {
  it("shows the plan's numbered steps with the exact command and SQL, the previous release by default", async () => {
    const calls = backend();
    render(Rollback, { workspace: workspace() });
    const steps = await screen.findAllByTestId("rollback-step");
    expect(steps.map((s) => [s.dataset.step, s.dataset.kind])).toEqual([
      ["1", "deploy"],
      ["2", "database"],
      ["3", "verify"],
    ]);
    expect(within(steps[0]!).getByTestId("rollback-command").textContent).toBe(
      "kubectl rollout undo deployment/api -n staging",
    );
    expect(within(steps[1]!).getByTestId("rollback-sql").textContent).toBe("DROP TABLE invoices;");
    expect(calls.find((c) => c.cmd === "rollback_plan")?.args.request).toEqual({
      env: "staging",
      to: null,
    });
    const versions = [...(screen.getByTestId("rollback-to") as HTMLSelectElement).options];
    expect(versions.map((o) => o.value)).toEqual(["", "1.4.2", "1.4.1", "1.4.0"]);
    expect(screen.getByTestId("runbook-state").textContent).toBe("out of date");
  });

  it("asks for the version the Releases view chose", async () => {
    router.go("rollback", { to: "1.4.0" });
    const calls = backend();
    render(Rollback, { workspace: workspace() });
    await screen.findAllByTestId("rollback-step");
    expect(calls.find((c) => c.cmd === "rollback_plan")?.args.request).toEqual({
      env: "staging",
      to: "1.4.0",
    });
    expect(screen.getByTestId("rollback-target").textContent).toContain("1.4.0");
  });

  it("requires Allow data loss before an irreversible plan can start, and sends it", async () => {
    const calls = backend(true);
    render(Rollback, { workspace: workspace() });
    await screen.findAllByTestId("rollback-step");
    expect(screen.getByTestId("rollback-irreversible")).toBeTruthy();
    const start = screen.getByTestId("rollback-start") as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    await userEvent.click(screen.getByTestId("rollback-allow-loss"));
    expect(start.disabled).toBe(false);
    await userEvent.click(start);
    await waitFor(() => expect(calls.some((c) => c.cmd === "rollback_run")).toBe(true));
    expect(calls.find((c) => c.cmd === "rollback_run")?.args.request).toEqual({
      env: "staging",
      to: "1.4.1",
      allow_data_loss: true,
      yes: false,
    });
  });

  it("walks through the steps: runs the confirmed one, stops where the user says, and sums up", async () => {
    const calls = backend();
    render(Rollback, { workspace: workspace() });
    await screen.findAllByTestId("rollback-step");
    await userEvent.click(screen.getByTestId("rollback-start"));

    const first = await screen.findByTestId("rollback-proceed");
    expect(first.closest("li")?.dataset.step).toBe("1");
    expect(document.activeElement).toBe(first);
    await userEvent.click(first);
    await waitFor(() =>
      expect(screen.getByTestId("rollback-proceed").closest("li")?.dataset.step).toBe("2"),
    );
    const states = () => screen.getAllByTestId("rollback-step").map((s) => s.dataset.state);
    expect(states()).toEqual(["done", "waiting", "pending"]);
    await userEvent.click(screen.getByTestId("rollback-decline"));

    const summary = await screen.findByTestId("rollback-summary");
    expect(summary.dataset.completed).toBe("false");
    expect(summary.textContent).toContain("Stopped at step 2, as you asked");
    expect(summary.textContent).toContain("Done: step 1. Remaining: steps 2, 3.");
    expect(states()).toEqual(["done", "declined", "not_run"]);
    expect(screen.getAllByTestId("rollback-output")[0]!.textContent).toContain("rolled back");
    expect(calls.filter((c) => c.cmd === "rollback_confirm").map((c) => c.args)).toEqual([
      { jobId: 7, step: 1, proceed: true },
      { jobId: 7, step: 2, proceed: false },
    ]);
    expect(screen.queryByTestId("rollback-proceed")).toBeNull();
  });

  it("writes the runbook when asked", async () => {
    const calls = backend();
    render(Rollback, { workspace: workspace() });
    await userEvent.click(await screen.findByTestId("runbook-write"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "rollback_runbook").map((c) => c.args.write)).toEqual([
        false,
        true,
      ]),
    );
    expect(await screen.findByText(/Written to/)).toBeTruthy();
  });
});
