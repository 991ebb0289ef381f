import { describe, expect, it } from "vitest";

import { fileRow } from "../../test/coverage";
import { DEFAULT_SORT, hitsByLine, lineState, nextSort, visibleFiles } from "./view";

const rows = [
  fileRow("src/api/users.py", [1, 1, 0, 0, 0]),
  fileRow("src/api/orders.py", [1, 0]),
  fileRow("web/src/App.svelte", [1, 1, 1, 1]),
  fileRow("web/src/lib/cart.ts", [0, 0, 0, 1, 1, 1]),
];

describe("file table", () => {
  it("puts the most uncovered file first by default", () => {
    const paths = visibleFiles(rows, "", DEFAULT_SORT).map((r) => r.path);
    expect(paths).toEqual([
      "src/api/users.py",
      "web/src/lib/cart.ts",
      "src/api/orders.py",
      "web/src/App.svelte",
    ]);
  });

  it("sorts by percentage both ways and by path ascending first", () => {
    const byPct = nextSort(DEFAULT_SORT, "pct");
    expect(byPct).toEqual({ key: "pct", dir: "desc" });
    expect(visibleFiles(rows, "", byPct)[0]!.path).toBe("web/src/App.svelte");
    const up = nextSort(byPct, "pct");
    expect(visibleFiles(rows, "", up)[0]!.path).toBe("src/api/users.py");
    const byPath = nextSort(up, "path");
    expect(byPath).toEqual({ key: "path", dir: "asc" });
    expect(visibleFiles(rows, "", byPath)[0]!.path).toBe("src/api/orders.py");
  });

  it("filters by path, case-insensitively", () => {
    expect(visibleFiles(rows, "WEB/", DEFAULT_SORT).map((r) => r.path)).toEqual([
      "web/src/lib/cart.ts",
      "web/src/App.svelte",
    ]);
    expect(visibleFiles(rows, "nothing", DEFAULT_SORT)).toEqual([]);
  });
});

describe("source lines", () => {
  it("marks counted lines hit or miss and leaves the rest unmarked", () => {
    const hits = hitsByLine(fileRow("a.py", [2, 0]));
    expect(lineState(hits, 1)).toBe("hit");
    expect(lineState(hits, 2)).toBe("miss");
    expect(lineState(hits, 3)).toBe("none");
  });
});
