import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { KeyParity } from "../../lib/bindings/KeyParity";
import type { ParityFilter } from "../../lib/bindings/ParityFilter";
import type { ParityReport } from "../../lib/bindings/ParityReport";
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
      if (cmd === "env_parity") return { ...report, stable_fingerprints: true };
      if (cmd === "env_history") return [];
      if (cmd === "env_parity_filter") {
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
