import { describe, expect, it } from "vitest";

import { dep, report } from "../../test/dependencies";
import {
  DEFAULT_FILTER,
  beyondLimit,
  changelogLink,
  classBadge,
  counts,
  ecosystems,
  filterRows,
  releasedDay,
  rowKey,
  selectable,
  selectedRows,
  toggle,
  toggleAll,
  updateRequest,
} from "./view";

const rows = report().dependencies;
const names = (list: { name: string }[]) => list.map((r) => r.name);

describe("filterRows", () => {
  it("shows what is behind and rows that failed, security first, then the largest class", () => {
    expect(names(filterRows(rows, DEFAULT_FILTER))).toEqual([
      "lodash",
      "react",
      "left-pad",
      "serde",
      "internal-sdk",
    ]);
  });

  it("keeps up-to-date rows under All", () => {
    expect(filterRows(rows, { ...DEFAULT_FILTER, class: "all" })).toHaveLength(rows.length);
  });

  it("filters by one class, ecosystem and text together", () => {
    expect(names(filterRows(rows, { ...DEFAULT_FILTER, class: "patch" }))).toEqual([
      "lodash",
      "serde",
    ]);
    expect(names(filterRows(rows, { class: "patch", ecosystem: "cargo", text: "" }))).toEqual([
      "serde",
    ]);
    expect(names(filterRows(rows, { class: "all", ecosystem: "pypi", text: "" }))).toEqual([
      "internal-sdk",
      "requests",
    ]);
  });

  it("matches text in the name and the manifest, ignoring case and spaces", () => {
    expect(names(filterRows(rows, { ...DEFAULT_FILTER, text: "  LEFT " }))).toEqual(["left-pad"]);
    expect(names(filterRows(rows, { ...DEFAULT_FILTER, text: "web/" }))).toEqual(["lodash"]);
    expect(filterRows(rows, { ...DEFAULT_FILTER, text: "nothing-like-it" })).toEqual([]);
  });
});

describe("selection", () => {
  it("selects only rows with an update and no error", () => {
    expect(
      rows
        .filter(selectable)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["left-pad", "lodash", "react", "serde"]);
  });

  it("toggles every visible selectable row, and keeps hidden rows' state", () => {
    const cargo = filterRows(rows, { ...DEFAULT_FILTER, ecosystem: "cargo" });
    const serde = rowKey(cargo[0]!);
    const npm = filterRows(rows, { ...DEFAULT_FILTER, ecosystem: "npm" });
    let sel = toggle(new Set(), serde);
    sel = toggleAll(npm, sel);
    expect(names(selectedRows(rows, sel)).sort()).toEqual(["left-pad", "lodash", "react", "serde"]);
    sel = toggleAll(npm, sel);
    expect(names(selectedRows(rows, sel))).toEqual(["serde"]);
    expect(toggle(sel, serde).size).toBe(0);
  });

  it("drops keys of rows no longer in the report or no longer behind", () => {
    const sel = new Set([rowKey(dep({ name: "gone" })), rowKey(rows[0]!)]);
    const fresh = rows.map((r) => (r.name === "left-pad" ? { ...r, class: null } : r));
    expect(selectedRows(fresh, sel)).toEqual([]);
  });

  it("tells the same package in two manifests apart", () => {
    expect(rowKey(dep({}))).not.toBe(rowKey(dep({ manifest: "web/package.json" })));
  });
});

describe("updateRequest", () => {
  it("asks for the selected names once each, with the options", () => {
    const chosen = [dep({}), dep({ manifest: "web/package.json" }), dep({ name: "lodash" })];
    expect(updateRequest(chosen, { group: true, limit: "minor" }, true, null)).toEqual({
      class: "minor",
      only: ["left-pad", "lodash"],
      group: true,
      branch: null,
      dry_run: true,
      expect: null,
    });
    expect(updateRequest(chosen, { group: false, limit: null }, false, "sha256:1")).toMatchObject({
      class: null,
      group: false,
      dry_run: false,
      expect: "sha256:1",
    });
  });

  it("names the selected updates a class limit leaves out", () => {
    expect(names(beyondLimit(rows.filter(selectable), "patch")).sort()).toEqual([
      "left-pad",
      "react",
    ]);
    expect(names(beyondLimit(rows.filter(selectable), "minor"))).toEqual(["react"]);
    expect(beyondLimit(rows, null)).toEqual([]);
  });
});

describe("labels", () => {
  it("links release notes, else the repository, else the homepage, https only", () => {
    expect(changelogLink(dep({}))?.label).toBe("release notes");
    expect(changelogLink(dep({ release_notes: null }))).toEqual({
      url: "https://github.com/stevemao/left-pad",
      label: "repository",
    });
    expect(
      changelogLink(
        dep({ release_notes: "javascript:alert(1)", repository: null, homepage: "http://x.test" }),
      ),
    ).toBeNull();
  });

  it("badges, days, ecosystems and counts", () => {
    expect([
      classBadge("major"),
      classBadge("minor"),
      classBadge("patch"),
      classBadge(null),
    ]).toEqual(["err", "warn", "ok", ""]);
    expect(releasedDay("2024-09-05T00:40:51.026Z")).toBe("2024-09-05");
    expect(releasedDay(null)).toBe("—");
    expect(releasedDay("yesterday")).toBe("—");
    expect(ecosystems(rows)).toEqual(["cargo", "npm", "pypi"]);
    expect(counts(rows)).toEqual({ total: 6, behind: 4, security: 1, errors: 1 });
  });
});
