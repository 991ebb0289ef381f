import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import type { HttpLoadRules } from "../../lib/bindings/HttpLoadRules";
import { workspace } from "../../test/fixtures";
import Benchmarks from "./Benchmarks.svelte";

describe("Benchmarks load test form", () => {
  // The form once had its own defaults (8 connections, 5 s) and bounds.
  it("takes its defaults and bounds from the core, as bench http does", async () => {
    const rules: HttpLoadRules = {
      default_connections: 12,
      default_duration_s: 7,
      max_connections: 77,
      max_duration_s: 99,
    };
    mockIPC((cmd) => {
      if (cmd === "benchmarks_http_rules") return rules;
      if (cmd === "benchmarks_scenarios" || cmd === "benchmarks_history") return [];
      return null;
    });
    render(Benchmarks, { workspace: workspace() });
    const connections = screen.getByLabelText("Connections");
    const seconds = screen.getByLabelText("Seconds");
    await waitFor(() => expect(connections).toHaveValue(12));
    expect(connections).toHaveAttribute("max", "77");
    expect(seconds).toHaveValue(7);
    expect(seconds).toHaveAttribute("max", "99");
    expect(screen.getByRole("button", { name: "Start" })).toBeEnabled();
  });
});
