import { describe, expect, it } from "vitest";

import type { BenchRunView } from "../../lib/bindings/BenchRunView";
import { metricNames, pointsOf, verdictClass } from "./bench";

function run(id: number, at: number, tags: string[], metrics: [string, number][]): BenchRunView {
  return {
    id,
    started_at: at,
    finished_at: at + 1000,
    status: "ok",
    source: "scenario",
    name: "api",
    commit_sha: "abc",
    branch: "main",
    tags: JSON.stringify(tags),
    machine: "cpu × 2",
    detail: "{}",
    metrics: metrics.map(([name, value]) => ({
      name,
      unit: "ms",
      lower_is_better: true,
      value,
      samples: [],
      stddev: null,
      n: null,
    })),
  } as unknown as BenchRunView;
}

const now = 10_000_000;
// Newest first, as the history comes.
const history = [
  run(3, now - 60_000, [], [["api: latency", 12.3456]]),
  run(
    2,
    now - 120_000,
    ["v1.4.2"],
    [
      ["api: latency", 10],
      ["db: latency", 2],
    ],
  ),
  run(1, now - 180_000, [], [["db: latency", 3]]),
];

describe("bench helpers", () => {
  it("lists metric names, most recent first, once each", () => {
    expect(metricNames(history)).toEqual(["api: latency", "db: latency"]);
  });

  it("gives one point per run measuring the metric, oldest first, tagged runs named", () => {
    expect(pointsOf(history, "api: latency", now)).toEqual([
      { label: "#2 2 minutes ago (v1.4.2)", value: 10 },
      { label: "#3 1 minute ago", value: 12.346 },
    ]);
  });

  it("colours verdicts", () => {
    expect(
      ["regression", "improvement", "no_change", "insufficient_data", "failed_iterations"].map(
        verdictClass,
      ),
    ).toEqual(["err", "ok", "", "warn", "err"]);
  });
});
