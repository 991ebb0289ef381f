import { describe, expect, it } from "vitest";

import { auditEntry } from "../../test/fixtures";
import {
  NO_FILTERS,
  dayStart,
  exportPath,
  outcomeTone,
  prettyDetail,
  toRequest,
  who,
  workspaceLabel,
} from "./view";

describe("audit view helpers", () => {
  it("turns the filters into the request: local days, `to` including its day", () => {
    expect(toRequest(NO_FILTERS, "w1")).toEqual({
      workspace_id: "w1",
      user: null,
      area: null,
      since: null,
      until: null,
      limit: 1000,
    });
    const r = toRequest(
      { scope: "all", user: "ana", area: "migrations", from: "2026-12-01", to: "2026-12-03" },
      "w1",
      10_000,
    );
    expect(r.workspace_id).toBeNull();
    expect([r.user, r.area, r.limit]).toEqual(["ana", "migrations", 10_000]);
    expect(r.since).toBe(new Date(2026, 11, 1).getTime());
    expect(r.until).toBe(new Date(2026, 11, 4).getTime());
    expect(dayStart("01/12/2026")).toBeNull();
    expect(dayStart("")).toBeNull();
  });

  it("says who acted where and colours outcomes", () => {
    expect(who(auditEntry({ user: "ana", host: "build-01" }))).toBe("ana@build-01");
    expect(who(auditEntry({ user: "ana", host: null }))).toBe("ana");
    expect(outcomeTone("ok")).toBe("ok");
    expect(outcomeTone("failed")).toBe("err");
    expect(outcomeTone("declined")).toBe("warn");
    expect(outcomeTone(null)).toBe("");
  });

  it("names workspaces, shows detail as JSON and saves beside the workspace", () => {
    const names = new Map([["w1", "orbit"]]);
    expect(workspaceLabel("w1", names)).toBe("orbit");
    expect(workspaceLabel("0123456789abcdef", names)).toBe("01234567");
    expect(workspaceLabel(null, names)).toBe("—");
    expect(prettyDetail('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyDetail("not json")).toBe("not json");
    const day = new Date(2026, 11, 4);
    expect(exportPath("/home/ana/orbit/", "csv", day)).toBe(
      "/home/ana/shipdeck-audit-2026-12-04.csv",
    );
    expect(exportPath("/orbit", "json", day)).toBe("/shipdeck-audit-2026-12-04.json");
  });
});
