import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { KeyParity } from "../../lib/bindings/KeyParity";
import type { ParityFilter } from "../../lib/bindings/ParityFilter";
import type { ParityReport } from "../../lib/bindings/ParityReport";
import type { ParityView } from "../../lib/bindings/ParityView";
import { workspace } from "../../test/fixtures";
import Environments from "./Environments.svelte";

function key(name: string): KeyParity {
  const cell = {
    state: "same" as const,
    kind: "string" as const,
    fingerprint: "abc",
    file: ".env",
    line: 1,
  };
  return {
    key: name,
    secret: false,
    same_across: true,
    status: { dev: "present" },
    cells: { dev: cell },
  };
}

const report: ParityReport = {
  environments: ["dev"],
  keys: [key("DB_URL"), key("LOG_LEVEL")],
  findings: [],
  score: 100,
  files: [],
};

describe("Environments", () => {
  // The app once filtered keys itself, ignoring case, while the CLI did not.
  it("asks the core to filter the parity table and shows what it returns", async () => {
    const filters: ParityFilter[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "environments_parity") return { ...report, stable_fingerprints: true };
      if (cmd === "environments_history") return [];
      if (cmd === "environments_parity_filter") {
        const a = args as { report: ParityReport; filter: ParityFilter };
        filters.push(a.filter);
        expect(a.report.keys).toHaveLength(2);
        // A stand-in for the core: the view must show what comes back.
        const keep = a.filter.prefix ? ["DB_URL"] : ["DB_URL", "LOG_LEVEL"];
        return { ...a.report, keys: a.report.keys.filter((k) => keep.includes(k.key)) };
      }
      throw new Error(`not in this test: ${cmd}`);
    });
    render(Environments, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("parity-row")).toHaveLength(2));

    await userEvent.type(screen.getByLabelText("Key prefix"), "dB");
    await waitFor(() => expect(screen.getAllByTestId("parity-row")).toHaveLength(1));
    expect(screen.getByTestId("parity-row")).toHaveAttribute("data-key", "DB_URL");
    expect(filters.at(-1)).toEqual({ only_problems: false, prefix: "dB" });
  });
});

const parity: ParityView = {
  stable_fingerprints: true,
  environments: ["dev", "prod"],
  keys: [],
  findings: [],
  score: 100,
  files: [],
};

const chart = { kind: "line", title: "", svg: "<svg></svg>", unit: null, columns: [], rows: [] };

/** Every command the view sends, answered with empty data. */
function backend() {
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    switch (cmd) {
      case "environments_parity":
      case "environments_parity_check":
        return parity;
      case "environments_parity_filter":
        return (args as { report: ParityReport }).report;
      case "environments_history":
        return [];
      case "environments_health":
        return { results: [], drift: { latest: null, behind: [], findings: [] } };
      case "environments_doctor":
        return { ok: true, checks: [] };
      default:
        return chart;
    }
  });
  return calls;
}

describe("Environments: reads and checks", () => {
  it("opening the view reads parity and polls or records nothing", async () => {
    const calls = backend();
    render(Environments, { workspace: workspace() });
    await screen.findByTestId("parity-summary");
    await waitFor(() => expect(calls).toContain("environments_doctor"));
    expect(calls).toContain("environments_parity");
    expect(calls).not.toContain("environments_parity_check");
    expect(calls).not.toContain("environments_health");
    expect(screen.getAllByTestId("health-status").map((t) => t.textContent)).toEqual([
      "health not checked",
      "health not checked",
    ]);
  });

  it("Refresh records a parity check and Check health polls", async () => {
    const calls = backend();
    render(Environments, { workspace: workspace() });
    await screen.findByTestId("parity-summary");
    await userEvent.click(screen.getByTestId("parity-button"));
    await waitFor(() => expect(calls).toContain("environments_parity_check"));
    await userEvent.click(screen.getByTestId("health-button"));
    await waitFor(() => expect(calls).toContain("environments_health"));
  });
});
