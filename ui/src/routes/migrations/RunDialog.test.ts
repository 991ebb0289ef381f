import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";

import type { DownRequest } from "../../lib/bindings/DownRequest";
import type { MigrationRow } from "../../lib/bindings/MigrationRow";
import type { RunReport } from "../../lib/bindings/RunReport";
import RunDialog from "./RunDialog.svelte";

// jsdom has no <dialog> API.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

function row(version: number, description: string, applied: boolean): MigrationRow {
  return {
    version,
    description,
    reversible: true,
    applied,
    applied_at: applied ? "2026-11-01T09:00:00Z" : null,
    execution_ms: applied ? 3 : null,
    checksum: "ok",
    dirty: false,
    checksum_note: null,
    no_transaction: false,
    file: `migrations/${version}_${description}.up.sql`,
    out_of_order: false,
    pending: !applied,
  };
}

const rows = [
  row(1, "users", true),
  row(2, "projects", true),
  row(3, "tags", true),
  row(4, "index", true),
];

type DownArgs = {
  steps: number | null;
  to: number | null;
  dryRun: boolean;
  expect?: string | null;
};

/** The request migrations_down gets, flattened for the asserts. */
function downArgs(args: unknown): DownArgs {
  const r = (args as { request: DownRequest }).request;
  return {
    steps: "steps" in r.target ? r.target.steps : null,
    to: "to" in r.target ? r.target.to : null,
    dryRun: r.dry_run,
    expect: r.expect,
  };
}

/** A rollback of everything newer than `to` (or the newest one). */
function report(a: DownArgs, expect = "fedcba9876543210fedcba9876543210"): RunReport {
  const versions = a.to === null ? [4] : [4, 3, 2, 1].filter((v) => v > (a.to ?? 0));
  return {
    database: "main",
    direction: "down",
    dry_run: a.dryRun,
    steps: versions.map((v) => ({
      version: v,
      description: rows.find((r) => r.version === v)?.description ?? "",
      transaction: true,
      sql: `DROP TABLE t${v};`,
      execution_ms: a.dryRun ? null : 1.5,
    })),
    script: null,
    expect,
  };
}

describe("RunDialog", () => {
  it("offers exactly the migrations the core marks pending", async () => {
    mockIPC((cmd) => {
      if (cmd === "migrations_up")
        return { ...report({ steps: null, to: null, dryRun: true }), direction: "up" };
    });
    // 5 is not applied but not pending either (the core decides, e.g. a
    // failed row); 6 is pending.
    const withPending = [
      ...rows,
      { ...row(5, "broken", false), pending: false },
      row(6, "audit", false),
    ];
    render(RunDialog, {
      root: "/w",
      database: "main",
      mode: "up",
      rows: withPending,
      onclose: () => {},
      ondone: () => {},
    });
    const select = screen.getByLabelText("Apply");
    const options = within(select)
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(options).toEqual(["every pending migration (1)", "up to 6 audit"]);
  });

  it("rolls back to a version, saying that version stays applied", async () => {
    const calls: DownArgs[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "migrations_down") {
        const a = downArgs(args);
        calls.push(a);
        return report(a);
      }
    });
    const ondone = vi.fn();
    render(RunDialog, {
      root: "/w",
      database: "main",
      mode: "down",
      rows,
      onclose: () => {},
      ondone,
    });

    // The default is the newest only, previewed with a dry run.
    expect(await screen.findByTestId("run-preview")).toHaveTextContent(
      "Roll back 1 migration, in this order; 3 tags stays applied",
    );
    await userEvent.selectOptions(screen.getByLabelText("Roll back"), "2");
    const preview = await screen.findByText(/Roll back 2 migrations/);
    expect(preview).toHaveTextContent("2 projects stays applied");
    const steps = within(screen.getByRole("list")).getAllByRole("listitem");
    expect(steps.map((s) => s.textContent?.match(/^\s*(\d+)/)?.[1])).toEqual(["4", "3"]);

    await userEvent.click(screen.getByTestId("run-confirm"));
    expect(await screen.findByTestId("run-done")).toHaveTextContent("Rolled back 2 migrations");
    expect(calls).toEqual([
      { steps: 1, to: null, dryRun: true },
      { steps: null, to: 2, dryRun: true },
      { steps: null, to: 2, dryRun: false, expect: "fedcba9876543210fedcba9876543210" },
    ]);
    expect(ondone).toHaveBeenCalledOnce();
  });

  it("shows the error and runs nothing when the dry run is refused", async () => {
    let real = 0;
    mockIPC((cmd, args) => {
      if (cmd === "migrations_down") {
        if (!downArgs(args).dryRun) real++;
        throw {
          code: "migrations.irreversible",
          message: "migration 4 has no .down.sql: it cannot be rolled back",
          hint: "Write a new migration that undoes it.",
        };
      }
    });
    render(RunDialog, {
      root: "/w",
      database: "main",
      mode: "down",
      rows,
      onclose: () => {},
      ondone: () => {},
    });
    expect(await screen.findByText(/migration 4 has no .down.sql/)).toBeInTheDocument();
    expect(screen.getByTestId("run-confirm")).toBeDisabled();
    expect(real).toBe(0);
  });

  it("confirms with the preview's token; when refused, previews again and runs the new plan", async () => {
    const sent: (string | null | undefined)[] = [];
    let current = "plan-1";
    mockIPC((cmd, args) => {
      if (cmd !== "migrations_down") return;
      const a = downArgs(args);
      if (a.dryRun) return report(a, current);
      sent.push(a.expect);
      if (a.expect !== current) {
        throw {
          code: "migrations.plan_changed",
          message: "the migration plan changed since it was previewed: it would roll back 5 now",
          hint: "Nothing was run: preview again and confirm the new plan.",
        };
      }
      return report(a, current);
    });
    const ondone = vi.fn();
    render(RunDialog, {
      root: "/w",
      database: "main",
      mode: "down",
      rows,
      onclose: () => {},
      ondone,
    });
    await screen.findByTestId("run-preview");
    current = "plan-2"; // someone applied a migration meanwhile
    await userEvent.click(screen.getByTestId("run-confirm"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "migrations.plan_changed");
    expect(screen.queryByTestId("run-preview")).toBeNull();
    expect(screen.queryByTestId("run-done")).toBeNull();

    await userEvent.click(screen.getByTestId("run-preview-again"));
    await screen.findByTestId("run-preview");
    await userEvent.click(screen.getByTestId("run-confirm"));
    expect(await screen.findByTestId("run-done")).toHaveTextContent("Rolled back 1 migration");
    expect(sent).toEqual(["plan-1", "plan-2"]);
  });
});
