import { describe, expect, it } from "vitest";

import { matches, sortRows, toggle } from "./table";

describe("table helpers", () => {
  const rows = [
    { n: "b", v: 2 },
    { n: "a", v: null },
    { n: "c", v: 1 },
  ];

  it("sorts numbers and strings, missing values last in both directions", () => {
    const by = (r: (typeof rows)[number], k: "n" | "v") => r[k];
    expect(sortRows(rows, { key: "v", dir: "asc" }, by).map((r) => r.n)).toEqual(["c", "b", "a"]);
    expect(sortRows(rows, { key: "v", dir: "desc" }, by).map((r) => r.n)).toEqual(["b", "c", "a"]);
    expect(sortRows(rows, { key: "n", dir: "asc" }, by).map((r) => r.n)).toEqual(["a", "b", "c"]);
  });

  it("toggles direction on the same column and starts descending on another", () => {
    expect(toggle({ key: "a", dir: "desc" }, "a")).toEqual({ key: "a", dir: "asc" });
    expect(toggle({ key: "a", dir: "asc" }, "b")).toEqual({ key: "b", dir: "desc" });
  });

  it("matches case-insensitively on any field", () => {
    expect(matches("SCAN", "workspace_scan", null)).toBe(true);
    expect(matches("", "x")).toBe(true);
    expect(matches("nope", "workspace_scan", undefined)).toBe(false);
  });
});
