import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Chart } from "../../lib/bindings/Chart";
import type { ChartId } from "../../lib/bindings/ChartId";
import type { BundleReport } from "../../lib/bindings/BundleReport";
import type { RouteSize } from "../../lib/bindings/RouteSize";
import { workspace } from "../../test/fixtures";
import Bundle from "./Bundle.svelte";

function route(route: string, gzip: number, router = "pages"): RouteSize {
  return {
    route,
    router,
    first_load_js_bytes: gzip * 3,
    first_load_js_gzip_bytes: gzip,
    size_bytes: 600,
    size_gzip_bytes: 200,
    chunks: [],
    packages: route === "/chart" ? [{ name: "chart.js", bytes: 61_000 }] : [],
    kind: null,
    prerendered: [],
  };
}

function report(): BundleReport {
  return {
    framework: "next",
    version: "15.1.0",
    dir: "web/.next",
    routes: [route("/", 90_100), route("/chart", 151_000), route("/about", 88_000, "app")],
    shared: {
      bytes: 260_000,
      gzip_bytes: 87_300,
      chunks: [{ path: "static/chunks/framework.js", bytes: 140_000, gzip_bytes: 45_200 }],
    },
    chunks: [],
    packages: [{ name: "chart.js", versions: ["4.4.1"], bytes: 61_000, routes: 1 }],
    duplicates: [{ name: "lodash", versions: ["4.17.20", "4.17.21"], wasted_bytes: 24_000 }],
    budgets: [
      {
        budget: "/chart",
        route: "/chart",
        metric: "first_load_js",
        compression: "gzip",
        limit_bytes: 120_000,
        actual_bytes: 151_000,
        passed: false,
      },
    ],
    passed: false,
    warnings: [],
    base: null,
  };
}

function chart(id: ChartId): Chart {
  return {
    id,
    title: id,
    kind: "treemap",
    unit: "kB",
    svg: `<svg xmlns="http://www.w3.org/2000/svg"><text>${id}</text></svg>`,
    width: 640,
    height: 360,
    columns: ["gzip"],
    // The same package in two files: rows with one label must not break the table.
    rows: [
      { label: "framework.js", values: [45.2] },
      { label: "(app)", values: [3.1] },
      { label: "(app)", values: [1.2] },
    ],
  };
}

function backend(fail = false) {
  const dirs: unknown[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== "bundle_view") return null;
    dirs.push(((args as Record<string, unknown>).request as { dir: unknown }).dir);
    if (fail) {
      throw {
        code: "bundle.not_found",
        message: "no build output found under .",
        hint: "Build the app first",
      };
    }
    return { report: report(), treemap: chart("bundle_treemap"), trend: chart("bundle_over_time") };
  });
  return dirs;
}

describe("Bundle view", () => {
  it("shows every route largest first, the shared chunks, packages and the budget breach", async () => {
    backend();
    render(Bundle, { workspace: workspace() });
    const rows = await screen.findAllByTestId("bundle-route");
    expect(rows.map((r) => r.dataset.route)).toEqual(["/chart", "/", "/about"]);
    expect(within(rows[0]!).getByTestId("bundle-first-load").textContent).toContain("151 kB");
    expect(within(rows[0]!).getByTestId("bundle-over").textContent).toContain("over 120 kB");
    expect(within(rows[1]!).queryByTestId("bundle-over")).toBeNull();
    expect(screen.getByTestId("bundle-summary").textContent).toContain("Next.js 15.1.0");
    expect(screen.getByTestId("bundle-shared").textContent).toBe("87.3 kB");
    expect(screen.getByTestId("bundle-budgets").textContent).toContain("1 budget exceeded");
    expect(screen.getByTestId("bundle-duplicates").textContent).toContain("lodash × 2");
    expect(screen.getByTestId("bundle-packages").textContent).toContain("chart.js");
    expect(screen.getByTestId("bundle-treemap").innerHTML).toContain("bundle_treemap");
    expect(screen.getByTestId("bundle-trend").innerHTML).toContain("bundle_over_time");
  });

  it("sorts by a clicked column and filters by route", async () => {
    backend();
    render(Bundle, { workspace: workspace() });
    await screen.findAllByTestId("bundle-route");
    await userEvent.click(screen.getByTestId("bundle-sort-route"));
    await userEvent.click(screen.getByTestId("bundle-sort-route"));
    const sorted = screen.getAllByTestId("bundle-route").map((r) => r.dataset.route);
    expect(sorted).toEqual(["/", "/about", "/chart"]);
    await userEvent.type(screen.getByTestId("bundle-filter"), "ab");
    expect(screen.getAllByTestId("bundle-route").map((r) => r.dataset.route)).toEqual(["/about"]);
  });

  it("sends the folder typed in and shows a missing build as an error with its hint", async () => {
    const dirs = backend(true);
    render(Bundle, { workspace: workspace() });
    await waitFor(() => expect(screen.getByText(/no build output found/)).toBeTruthy());
    expect(screen.getByText(/Build the app first/)).toBeTruthy();
    await userEvent.type(screen.getByTestId("bundle-dir"), " web ");
    await userEvent.click(screen.getByTestId("bundle-analyze"));
    await waitFor(() => expect(dirs).toEqual([null, "web"]));
  });
});
