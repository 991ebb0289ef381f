import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Chart } from "../../lib/bindings/Chart";
import type { ReleaseHistory } from "../../lib/bindings/ReleaseHistory";
import ChartWithTable from "../../lib/components/ChartWithTable.svelte";
import History from "./History.svelte";

const months = [
  "2025-12",
  "2026-01",
  "2026-02",
  "2026-03",
  "2026-04",
  "2026-05",
  "2026-06",
  "2026-07",
  "2026-08",
  "2026-09",
  "2026-10",
  "2026-11",
];

function history(): ReleaseHistory {
  return {
    releases: [
      {
        package: "app",
        version: "1.1.0",
        tag: "v1.1.0",
        sha: "b".repeat(40),
        date: Date.parse("2026-11-03T10:00:00Z"),
        commits: 4,
        prerelease: false,
      },
      {
        package: "app",
        version: "1.0.0",
        tag: "v1.0.0",
        sha: "a".repeat(40),
        date: Date.parse("2026-03-01T10:00:00Z"),
        commits: 9,
        prerelease: false,
      },
    ],
    events: [],
    cadence: {
      per_month: months.map((month) => ({
        month,
        releases: month === "2026-03" || month === "2026-11" ? 1 : 0,
      })),
      per_release: [
        ["1.0.0", 9],
        ["1.1.0", 4],
      ],
    },
  };
}

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((r) =>
      within(r)
        .getAllByRole("cell")
        .map((c) => c.textContent ?? ""),
    );
}

describe("release cadence table", () => {
  // The table once listed only months with a release while the chart drew
  // twelve calendar months.
  it("lists the core's twelve calendar months, empty ones included", () => {
    render(History, { history: history(), chart: null, onrollback: () => {} });
    const table = screen.getByRole("columnheader", { name: "Month" }).closest("table")!;
    const rows = rowsOf(table);
    expect(rows.map((r) => r[0])).toEqual(months);
    expect(rows.find((r) => r[0] === "2026-05")?.[1]).toBe("0");
    expect(rows.find((r) => r[0] === "2026-11")?.[1]).toBe("1");
  });
});

describe("release history rows", () => {
  it("offer an environment rollback to that release", async () => {
    const chosen: string[] = [];
    render(History, {
      history: history(),
      chart: null,
      onrollback: () => {},
      onenvrollback: (r) => chosen.push(r.version),
    });
    const rows = screen.getAllByTestId("release-row");
    await userEvent.click(within(rows[1]!).getByTestId("release-env-rollback"));
    expect(chosen).toEqual(["1.0.0"]);
    // The release's own rollback stays the row's first button.
    expect(within(rows[0]!).getAllByRole("button")[0]!.textContent).toBe("Roll back…");
  });
});

describe("ChartWithTable", () => {
  it("lists the chart's own numbers in its unit when given no rows", () => {
    const chart: Chart = {
      id: "migration_durations",
      title: "Migration durations on main (2 applied)",
      svg: "<svg></svg>",
      width: 640,
      height: 260,
      kind: "bars",
      unit: "ms",
      columns: ["ms"],
      rows: [
        { label: "1 users", values: [1530.25] },
        { label: "2 projects", values: [12.34] },
        { label: "3 skipped", values: [null] },
      ],
    };
    render(ChartWithTable, { chart, labelHeader: "Migration" });
    const table = screen.getByRole("columnheader", { name: "ms" }).closest("table")!;
    expect(rowsOf(table)).toEqual([
      ["1 users", "1,530.3"],
      ["2 projects", "12.3"],
    ]);
  });
});
