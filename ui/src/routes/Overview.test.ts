import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";

import { app } from "../lib/state.svelte";
import { stats, workspace } from "../test/fixtures";
import Overview from "./Overview.svelte";

describe("Overview", () => {
  beforeEach(() => {
    app.stats = null;
    app.jobs = [];
  });

  it("shows branch, HEAD, version and ecosystems", () => {
    mockIPC(() => null);
    render(Overview, { workspace: workspace() });
    expect(screen.getByTestId("branch")).toHaveTextContent("main");
    expect(screen.getByTestId("head")).toHaveTextContent("5e0c72a feat(api): add bulk import");
    expect(screen.getByTestId("head")).toHaveTextContent("Ada Lindqvist, 3 days ago");
    expect(screen.getByTestId("version")).toHaveTextContent("v1.4.2");
    expect(screen.getByTestId("version")).toHaveTextContent("20 commits since");
    expect(within(screen.getByTestId("ecosystems")).getByText("cargo")).toBeInTheDocument();
    expect(screen.getByTestId("changes")).toHaveTextContent("clean");
  });

  it("says 'detached at' for a detached HEAD and counts changed files", () => {
    mockIPC(() => null);
    render(Overview, {
      workspace: workspace({ branch: null, detached: true, dirty: true, dirty_files: 3 }),
    });
    expect(screen.getByTestId("branch")).toHaveTextContent("detached at 5e0c72a");
    expect(screen.getByTestId("changes")).toHaveTextContent("3 files changed");
  });

  it("shows an invalid shipdeck.toml with its hint", () => {
    mockIPC(() => null);
    const error = {
      code: "config.invalid",
      message: "shipdeck.toml:3:1: unknown field `release_brnch`",
      hint: "Did you mean `release_branch`?",
    };
    render(Overview, { workspace: workspace({ config: { present: true, valid: false, error } }) });
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("unknown field `release_brnch`");
    expect(alert).toHaveTextContent("release_branch");
    expect(screen.getByTestId("config")).toHaveTextContent("invalid");
  });

  it("asks the core for the chart in the current theme and shows the numbers beside it", async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "workspace_chart") {
        asked.push(args);
        return {
          title: "Commits per week, last 26 weeks",
          svg: "<svg></svg>",
          width: 640,
          height: 260,
        };
      }
    });
    app.stats = stats();
    render(Overview, { workspace: workspace() });
    const chart = await screen.findByTestId("chart");
    expect(chart).toHaveAttribute("role", "img");
    expect(chart).toHaveAttribute("aria-label", "Commits per week, last 26 weeks");
    expect(chart.querySelector("svg")).not.toBeNull();
    expect(asked).toEqual([{ path: "/home/ana/orbit", theme: app.theme }]);
    expect(screen.getAllByRole("row")).toHaveLength(27); // header + 26 weeks
  });

  it("shows the running scan with a cancel button", () => {
    mockIPC(() => null);
    app.jobs = [
      {
        id: 9,
        kind: "workspace_scan",
        workspace_id: null,
        started_at: 0,
        done: 4096,
        total: null,
        message: "4096 commits read",
      },
    ];
    render(Overview, { workspace: workspace() });
    const progress = screen.getByTestId("scan-progress");
    expect(progress).toHaveTextContent("4096 commits read");
    expect(within(progress).getByRole("button", { name: "Cancel" })).toBeInTheDocument();
  });
});
