import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";

import type { AdvisorView } from "../../lib/bindings/AdvisorView";
import type { DatabaseInfo } from "../../lib/bindings/DatabaseInfo";
import type { Dismissal } from "../../lib/bindings/Dismissal";
import { advisorView } from "../../test/advisor";
import { workspace } from "../../test/fixtures";
import Advisor from "./Advisor.svelte";

// jsdom has no <dialog> API.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

const main: DatabaseInfo = {
  name: "main",
  engine: "sqlite",
  url: "sqlite://data/orbit.db",
  folder: "migrations",
  problem: null,
};

/** A backend with one stored run (or none), dismissals kept in memory. */
function backend(
  stored: AdvisorView | null,
  databases: DatabaseInfo[] = [main],
  fresh: AdvisorView = advisorView(),
) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  const dismissals: Dismissal[] = [];
  let latest = stored;
  const view = (): AdvisorView | null =>
    latest && {
      ...latest,
      findings: latest.findings.filter((f) => !dismissals.some((d) => d.key === f.key)),
      dismissed: dismissals.length,
      dismissals: [...dismissals],
      notices: [],
      checks: [],
    };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "advisor_checks":
        return [];
      case "migrations_databases":
        return databases;
      case "advisor_latest":
        return view();
      case "advisor_run":
        latest = fresh;
        return { ...view(), checks: fresh.checks };
      case "advisor_dismiss": {
        const r = args.request as { key: string; reason: string };
        dismissals.push({
          key: r.key,
          check_id: r.key.split("|")[0] ?? "",
          reason: r.reason,
          actor: "ana",
          at: Date.now(),
        });
        return null;
      }
      case "advisor_restore": {
        const i = dismissals.findIndex((d) => d.key === args.key);
        if (i >= 0) dismissals.splice(i, 1);
        return i >= 0;
      }
      case "advisor_accept":
        return {
          migration: {
            version: 20261125224100,
            files: [
              "migrations/20261125224100_add_api_tokens_user_id_idx.up.sql",
              "migrations/20261125224100_add_api_tokens_user_id_idx.down.sql",
            ],
          },
          file: "migrations/20261125224100_add_api_tokens_user_id_idx.up.sql",
          sql: "-- Advisor (foreign_key_without_index) on main\n\nCREATE INDEX IF NOT EXISTS api_tokens_user_id_idx ON api_tokens (user_id);\n",
          lint: [],
        };
    }
  });
  return calls;
}

describe("Advisor", () => {
  it("shows the stored run without running, grouped by severity, with the evidence", async () => {
    const calls = backend(advisorView());
    render(Advisor, { workspace: workspace() });

    const groups = await screen.findAllByTestId("severity-group");
    expect(groups.map((g) => g.dataset.severity)).toEqual(["warning", "info"]);
    expect(screen.getByTestId("severity-counts")).toHaveTextContent("Critical 0Warning 1Info 1");
    expect(screen.getByTestId("advisor-info")).toHaveTextContent("main · SQLite · last run");
    expect(calls.some((c) => c.cmd === "advisor_run")).toBe(false);

    // Expand the sort finding: figures, query, plan, cost, verification, fix, history.
    const sort = within(groups[1]!).getByRole("button", { expanded: false });
    await userEvent.click(sort);
    const detail = screen.getByTestId("finding-detail");
    expect(within(detail).getByTestId("finding-figures")).toHaveTextContent(
      /Rows\s*48,211 rows\s*Size\s*6\.5 MiB/,
    );
    expect(detail).toHaveTextContent("ORDER BY at DESC LIMIT 50");
    expect(detail).toHaveTextContent("USE TEMP B-TREE FOR ORDER BY");
    expect(detail).toHaveTextContent("4,821.5 → 52.1 (−99 %)");
    expect(within(detail).getByTestId("verification")).toHaveTextContent(
      "Verified on a scratch copy",
    );
    expect(within(detail).getByTestId("fix-sql")).toHaveTextContent(
      "CREATE INDEX IF NOT EXISTS audit_events_at_idx",
    );
    expect(within(detail).getByTestId("finding-history")).toHaveTextContent(
      "Seen in 3 runs since Nov 2, 2026",
    );
  });

  it("filters by check", async () => {
    backend(advisorView());
    render(Advisor, { workspace: workspace() });
    await screen.findAllByTestId("severity-group");
    await userEvent.selectOptions(screen.getByLabelText("Check"), "temp_b_tree");
    const rows = screen.getAllByTestId("advisor-finding");
    expect(rows.map((r) => r.dataset.check)).toEqual(["temp_b_tree"]);
  });

  it("dismisses only with a reason, then lists the dismissal with Restore", async () => {
    const calls = backend(advisorView());
    render(Advisor, { workspace: workspace() });
    const fk = (await screen.findAllByTestId("advisor-finding"))[0]!;
    await userEvent.click(within(fk).getByRole("button", { expanded: false }));
    await userEvent.click(screen.getByTestId("dismiss-button"));

    const confirm = screen.getByTestId("dismiss-confirm");
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByTestId("dismiss-reason"), "   ");
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByTestId("dismiss-reason"), "tokens are never deleted");
    await userEvent.click(confirm);

    expect(await screen.findByTestId("dismissed-count")).toHaveTextContent("1 dismissed");
    expect(screen.getAllByTestId("advisor-finding").map((r) => r.dataset.check)).toEqual([
      "temp_b_tree",
    ]);
    expect(calls.find((c) => c.cmd === "advisor_dismiss")?.args).toMatchObject({
      request: {
        database: "main",
        key: "foreign_key_without_index|api_tokens||user_id|",
        reason: "tokens are never deleted",
      },
    });

    await userEvent.click(screen.getByTestId("show-dismissed"));
    const row = screen.getByTestId("dismissed-row");
    expect(row).toHaveTextContent("tokens are never deleted");
    expect(row).toHaveTextContent("ana");
    await userEvent.click(within(row).getByRole("button", { name: "Restore" }));
    expect(await screen.findAllByTestId("advisor-finding")).toHaveLength(2);
    expect(screen.queryByTestId("dismissed-list")).toBeNull();
  });

  it("accepts a fix and shows the migration written, with its lint result", async () => {
    backend(advisorView());
    render(Advisor, { workspace: workspace() });
    const fk = (await screen.findAllByTestId("advisor-finding"))[0]!;
    await userEvent.click(within(fk).getByRole("button", { expanded: false }));
    await userEvent.click(screen.getByTestId("accept-button"));
    expect(await screen.findByTestId("accepted-file")).toHaveTextContent(
      "migrations/20261125224100_add_api_tokens_user_id_idx.up.sql",
    );
    expect(screen.getByTestId("accept-lint")).toHaveTextContent("Lint: no findings");
    expect(screen.getByTestId("sql-viewer")).toHaveTextContent(
      "CREATE INDEX IF NOT EXISTS api_tokens_user_id_idx",
    );
  });

  it("says to run the checks when there is no run, then runs them", async () => {
    const calls = backend(null);
    render(Advisor, { workspace: workspace() });
    expect(await screen.findByTestId("advisor-never-run")).toHaveTextContent(
      "Run checks to see recommendations",
    );
    await userEvent.click(screen.getByTestId("run-checks"));
    expect(await screen.findAllByTestId("advisor-finding")).toHaveLength(2);
    expect(calls.find((c) => c.cmd === "advisor_run")?.args).toMatchObject({
      request: { database: "main", checks: [] },
    });
  });

  it("says how many checks ran when none found anything", async () => {
    backend(null, [main], advisorView({ findings: [], history: [] }));
    render(Advisor, { workspace: workspace() });
    await userEvent.click(await screen.findByTestId("run-checks"));
    expect(await screen.findByTestId("advisor-no-findings")).toHaveTextContent(
      "No findings — 5 checks ran",
    );
  });

  it("explains what to do without a configured database", async () => {
    backend(null, []);
    render(Advisor, { workspace: workspace() });
    expect(await screen.findByTestId("advisor-empty")).toHaveTextContent("No database configured");
    expect(screen.getByTestId("run-checks")).toBeDisabled();
  });
});
