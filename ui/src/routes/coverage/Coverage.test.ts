import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { run, view } from "../../test/coverage";
import { workspace } from "../../test/fixtures";
import Coverage from "./Coverage.svelte";

type Call = { cmd: string; args: Record<string, unknown> };

const SOURCE = [
  "def get(id):",
  "    user = load(id)",
  "    if not user:",
  "        raise",
  "    return",
];

function backend(opts: { sourceError?: boolean } = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case "coverage_report":
        return view();
      case "coverage_history":
        return [run(2_000, ["v1.4.2"]), run(1_000)];
      case "coverage_chart":
        return {
          id: "coverage_over_time",
          title: `${String(a.area)}: line coverage over 2 runs`,
          svg: "<svg></svg>",
          width: 640,
          height: 260,
          kind: "lines",
          unit: "%",
          columns: ["lines", "threshold", "tags"],
          rows: [
            { label: "#1000 5e0c72a", values: [42.86, 70, null] },
            { label: "#2000 v1.4.2", values: [42.86, 70, "v1.4.2"] },
          ],
        };
      case "coverage_source":
        if (opts.sourceError) {
          throw {
            code: "coverage.source_not_text",
            message: `${String(a.file)} is not a text file`,
            hint: "Only UTF-8 text files are shown.",
          };
        }
        return { path: a.file, lines: SOURCE };
      default:
        throw new Error(`not in this test: ${cmd}`);
    }
  });
  return calls;
}

const shownPaths = () => screen.getAllByTestId("cov-file").map((r) => r.getAttribute("data-path"));

describe("Coverage", () => {
  it("shows each area against its threshold, the reports and the trend", async () => {
    const calls = backend();
    render(Coverage, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("cov-area")).toHaveLength(2));
    const [backendArea, frontendArea] = screen.getAllByTestId("cov-area") as [
      HTMLElement,
      HTMLElement,
    ];
    expect(backendArea).toHaveAttribute("data-passed", "false");
    expect(backendArea).toHaveTextContent("42.86 %");
    expect(backendArea).toHaveTextContent("threshold 70 %");
    expect(frontendArea).toHaveAttribute("data-passed", "true");
    expect(screen.getByTestId("cov-verdict")).toHaveTextContent("under threshold");
    const reports = screen.getAllByTestId("cov-report");
    expect(reports[1]).toHaveTextContent("istanbul");
    expect(reports[1]).toHaveTextContent("50.00 % (1 / 2)");
    expect(reports[0]).toHaveTextContent("–");
    await waitFor(() =>
      expect(screen.getByTestId("chart")).toHaveAttribute(
        "aria-label",
        "backend: line coverage over 2 runs",
      ),
    );
    expect(screen.getByTestId("cov-runs")).toHaveTextContent("2 runs recorded, newest at 5e0c72a");
    const trend = within(screen.getByTestId("cov-trend"));
    expect(trend.getByText("#2000 v1.4.2")).toBeInTheDocument(); // the chart's own table
    expect(trend.getByText("#1000 5e0c72a")).toBeInTheDocument();
    await userEvent.click(screen.getAllByTestId("cov-trend-area")[1]!);
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "coverage_chart").at(-1)?.args.area).toBe("frontend"),
    );
  });

  it("sorts files by uncovered lines, flips, and filters by path", async () => {
    backend();
    render(Coverage, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("cov-file")).toHaveLength(3));
    expect(shownPaths()).toEqual(["src/api/users.py", "src/api/orders.py", "web/src/lib/cart.ts"]);
    const uncovered = screen.getByTestId("cov-sort-uncovered");
    expect(uncovered.closest("th")).toHaveAttribute("aria-sort", "descending");
    await userEvent.click(uncovered);
    expect(uncovered.closest("th")).toHaveAttribute("aria-sort", "ascending");
    expect(shownPaths()[2]).toBe("src/api/users.py");
    await userEvent.click(screen.getByTestId("cov-sort-pct"));
    expect(shownPaths()).toEqual(["web/src/lib/cart.ts", "src/api/orders.py", "src/api/users.py"]);
    await userEvent.type(screen.getByTestId("cov-file-filter"), "API/");
    expect(shownPaths()).toEqual(["src/api/orders.py", "src/api/users.py"]);
    expect(screen.getByTestId("cov-files-shown")).toHaveTextContent("2 files of 3");
  });

  it("opens a file with its uncovered lines highlighted", async () => {
    const calls = backend();
    render(Coverage, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("cov-file")).toHaveLength(3));
    const users = screen.getAllByTestId("cov-file")[0]!;
    await userEvent.click(within(users).getByTestId("cov-file-open"));
    const viewer = await screen.findByTestId("cov-source");
    expect(calls.find((c) => c.cmd === "coverage_source")?.args).toEqual({
      path: "/home/ana/orbit",
      file: "src/api/users.py",
    });
    const states = within(viewer)
      .getAllByTestId("cov-line")
      .map((l) => l.getAttribute("data-state"));
    expect(states).toEqual(["hit", "hit", "miss", "miss", "miss"]);
    expect(within(viewer).getAllByTestId("cov-line")[2]).toHaveClass("miss");
    expect(within(viewer).getByTestId("cov-source-misses")).toHaveTextContent("3 uncovered");
    await userEvent.click(within(viewer).getByTestId("cov-source-close"));
    expect(screen.queryByTestId("cov-source")).toBeNull();
  });

  it("says why a file cannot be shown", async () => {
    backend({ sourceError: true });
    render(Coverage, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("cov-file")).toHaveLength(3));
    await userEvent.click(screen.getAllByTestId("cov-file-open")[0]!);
    await waitFor(() => expect(screen.getByText(/is not a text file/)).toBeInTheDocument());
    expect(screen.queryByTestId("cov-source")).toBeNull();
  });
});
