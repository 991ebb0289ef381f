import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AuditFilter } from "../../lib/bindings/AuditFilter";
import { auditEntry, workspace } from "../../test/fixtures";
import Audit from "./Audit.svelte";

type Args = Record<string, unknown>;

const ENTRIES = [
  auditEntry({ id: 2, action: "migrate.up", area: "migrations", target: "main", outcome: "ok" }),
  auditEntry({
    id: 1,
    user: "bo",
    host: "laptop",
    action: "secret.set",
    area: "secrets",
    target: null,
    outcome: "failed",
    detail: '{"name":"gh","token":"***"}',
  }),
];

/** Mocks the app; returns the requests the view sent. */
function mocked(entries = ENTRIES, saveTo: string | null = "/home/ana/audit.csv") {
  const requests: AuditFilter[] = [];
  const exports: Args[] = [];
  mockIPC((cmd, args) => {
    const a = args as Args;
    if (cmd === "audit_facets") return { users: ["ana", "bo"], areas: ["migrations", "secrets"] };
    if (cmd === "workspace_recent") return [];
    if (cmd === "audit_entries") {
      const filter = a.filter as AuditFilter;
      requests.push(filter);
      return entries.filter((e) => !filter.area || e.area === filter.area);
    }
    if (cmd === "plugin:dialog|save") return saveTo;
    if (cmd === "audit_export") {
      exports.push(a);
      return a.path;
    }
    return null;
  });
  return { requests, exports };
}

describe("Audit", () => {
  it("lists entries newest first with who, area, target and outcome", async () => {
    mocked();
    render(Audit, { workspace: workspace() });
    const rows = await screen.findAllByTestId("audit-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("ana@build-01");
    expect(rows[0]).toHaveTextContent("migrate.up");
    expect(rows[0]).toHaveTextContent("orbit");
    expect(rows[1]).toHaveTextContent("bo@laptop");
    expect(screen.getByText("failed")).toHaveClass("badge", "err");
  });

  it("sends each filter to the app and clears them", async () => {
    const { requests } = mocked();
    render(Audit, { workspace: workspace() });
    await screen.findAllByTestId("audit-row");
    expect(requests[0]).toMatchObject({ workspace_id: "cf1d882a935f951a", area: null });
    await screen.findByRole("option", { name: "secrets" });
    await userEvent.selectOptions(screen.getByLabelText("Area"), "secrets");
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(1));
    expect(requests.at(-1)).toMatchObject({ area: "secrets" });
    await userEvent.selectOptions(screen.getByLabelText("User"), "bo");
    expect(requests.at(-1)).toMatchObject({ user: "bo", area: "secrets" });
    await userEvent.click(screen.getByLabelText(/All workspaces/));
    expect(requests.at(-1)).toMatchObject({ workspace_id: null });
    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(2));
    expect(requests.at(-1)).toMatchObject({ user: null, area: null, workspace_id: null });
  });

  it("opens a row to its detail with the keyboard", async () => {
    mocked();
    render(Audit, { workspace: workspace() });
    await screen.findAllByTestId("audit-row");
    const toggle = screen.getByRole("button", { name: "Detail of secret.set" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    toggle.focus();
    await userEvent.keyboard("{Enter}");
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByTestId("audit-detail")).toHaveTextContent('"token": "***"');
  });

  it("exports the filtered list to the file picked in the save dialog", async () => {
    const { exports } = mocked();
    render(Audit, { workspace: workspace() });
    await screen.findAllByTestId("audit-row");
    await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByTestId("audit-written")).toHaveTextContent("/home/ana/audit.csv");
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ format: "csv", path: "/home/ana/audit.csv" });
    expect(exports[0]?.filter).toMatchObject({ workspace_id: "cf1d882a935f951a", limit: 10_000 });
  });

  it("writes nothing when the save dialog is cancelled", async () => {
    const { exports } = mocked(ENTRIES, null);
    render(Audit, { workspace: workspace() });
    await screen.findAllByTestId("audit-row");
    await userEvent.click(screen.getByRole("button", { name: "Export JSON" }));
    expect(exports).toHaveLength(0);
    expect(screen.queryByTestId("audit-written")).toBeNull();
  });

  it("says what gets audited when nothing was", async () => {
    mocked([]);
    render(Audit, { workspace: workspace() });
    const empty = await screen.findByTestId("audit-empty");
    expect(empty).toHaveTextContent("Nothing audited yet in this workspace");
    expect(empty).toHaveTextContent("migrations applied");
  });
});
