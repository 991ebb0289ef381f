import { describe, expect, it } from "vitest";

import { ago, duration, jobKind, plural, shortDate } from "./format";

describe("format", () => {
  const now = Date.UTC(2026, 10, 25, 12);

  it("says how long ago", () => {
    expect(ago(now - 10_000, now)).toBe("just now");
    expect(ago(now - 5 * 60_000, now)).toBe("5 minutes ago");
    expect(ago(now - 3 * 86_400_000, now)).toBe("3 days ago");
    expect(ago(now - 400 * 86_400_000, now)).toBe("last year");
  });

  it("formats durations at a readable scale", () => {
    expect(duration(null)).toBe("–");
    expect(duration(850)).toBe("850 ms");
    expect(duration(4200)).toBe("4.2 s");
    expect(duration(185_000)).toBe("3 min 5 s");
  });

  it("formats week starts and counts", () => {
    expect(shortDate("2026-06-01")).toBe("Jun 1");
    expect(plural(1, "commit")).toBe("1 commit");
    expect(plural(1200, "commit")).toBe("1,200 commits");
    expect(jobKind("workspace_scan")).toBe("Workspace scan");
  });
});
