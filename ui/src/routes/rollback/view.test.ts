import { describe, expect, it } from "vitest";

import type { RollbackRunResult } from "../../lib/bindings/RollbackRunResult";
import type { RollbackStepStatus } from "../../lib/bindings/RollbackStepStatus";
import { ending, liveState, versions } from "./view";

function result(statuses: RollbackStepStatus[], completed: boolean): RollbackRunResult {
  return {
    env: "production",
    from: "2.0.0",
    to: "1.9.0",
    completed,
    steps: statuses.map((status) => ({
      step: { kind: "deploy", description: "", command: null, sql: null, reversible: true },
      status,
      output: "",
      duration_ms: 0,
    })),
  };
}

describe("rollback view helpers", () => {
  it("lists each version once, newest first", () => {
    const entry = (package_: string, version: string, date: number) => ({
      package: package_,
      version,
      tag: `${package_}@${version}`,
      sha: "",
      date,
      commits: 1,
      prerelease: false,
    });
    expect(
      versions([entry("api", "1.0.0", 1), entry("web", "1.1.0", 3), entry("api", "1.1.0", 2)]),
    ).toEqual(["1.1.0", "1.0.0"]);
  });

  it("marks the steps before the one asking as done while a run is under way", () => {
    expect([1, 2, 3].map((n) => liveState(n, 0, false))).toEqual(["pending", "pending", "pending"]);
    expect([1, 2, 3].map((n) => liveState(n, 2, false))).toEqual(["done", "waiting", "pending"]);
    expect(liveState(2, 2, true)).toBe("running");
  });

  it("says where a run stopped, what was done and what remains", () => {
    expect(ending(result(["done", "done", "done"], true))).toEqual({
      completed: true,
      stoppedAt: null,
      how: null,
      done: [1, 2, 3],
      remaining: [],
    });
    expect(ending(result(["done", "failed", "not_run", "not_run"], false))).toEqual({
      completed: false,
      stoppedAt: 2,
      how: "failed",
      done: [1],
      remaining: [2, 3, 4],
    });
    // Every step ran but the environment never reported the version.
    expect(ending(result(["done", "done"], false)).stoppedAt).toBeNull();
  });
});
