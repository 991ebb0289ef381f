import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { job, workspace } from "../test/fixtures";
import Activity from "./Activity.svelte";

describe("Activity", () => {
  const jobs = [
    job({ id: 1, started_at: 3000, duration_ms: 500, summary: "first" }),
    job({
      id: 2,
      started_at: 2000,
      duration_ms: 9000,
      outcome: "cancelled",
      summary: "second",
      user: "dba",
      host: "db-admin-01",
    }),
    job({
      id: 3,
      started_at: 1000,
      duration_ms: 100,
      outcome: "failed",
      summary: null,
      error: { code: "git.error", message: "object not found", hint: null },
    }),
  ];

  async function rendered() {
    mockIPC((cmd) => (cmd === "activity_list" ? jobs : null));
    render(Activity, { workspace: workspace() });
    await screen.findAllByTestId("job-row");
  }

  const summaries = () =>
    screen.getAllByTestId("job-row").map((r) => r.querySelectorAll("td")[5]?.textContent);

  it("lists jobs newest first with outcome and the error of a failed one", async () => {
    await rendered();
    expect(summaries()).toEqual(["first", "second", "object not found"]);
    expect(screen.getByText("cancelled")).toHaveClass("badge");
  });

  it("says who ran each job and on which machine", async () => {
    await rendered();
    const who = screen
      .getAllByTestId("job-row")
      .map((r) => r.querySelectorAll("td")[4]?.textContent);
    expect(who).toEqual(["ann@build-01", "dba@db-admin-01", "ann@build-01"]);
  });

  it("sorts by a column when its header is clicked", async () => {
    await rendered();
    await userEvent.click(screen.getByRole("button", { name: /Duration/ }));
    expect(summaries()).toEqual(["second", "first", "object not found"]);
    await userEvent.click(screen.getByRole("button", { name: /Duration/ }));
    expect(summaries()).toEqual(["object not found", "first", "second"]);
  });

  it("filters by outcome and text", async () => {
    await rendered();
    await userEvent.selectOptions(screen.getByLabelText("Outcome"), "failed");
    expect(summaries()).toEqual(["object not found"]);
    await userEvent.selectOptions(screen.getByLabelText("Outcome"), "");
    await userEvent.type(screen.getByLabelText("Filter jobs"), "SECOND");
    expect(summaries()).toEqual(["second"]);
  });
});
