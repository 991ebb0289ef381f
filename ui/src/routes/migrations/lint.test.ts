import { describe, expect, it } from "vitest";

import type { LintFinding } from "../../lib/bindings/LintFinding";
import { byVersion, lintLabel, ms } from "./lint";

function finding(version: number, severity: "error" | "warning"): LintFinding {
  return {
    rule: "renaming-column",
    severity,
    file: `db/${version}.sql`,
    version,
    line: 1,
    column: 1,
    message: "m",
    why: "w",
    fix: "f",
  };
}

describe("lint summaries", () => {
  it("counts errors and warnings per version", () => {
    const m = byVersion([finding(1, "error"), finding(1, "warning"), finding(2, "warning")]);
    expect(m.get(1)).toMatchObject({ errors: 1, warnings: 1 });
    expect(lintLabel(m.get(1)!)).toBe("1 error, 1 warning");
    expect(lintLabel(m.get(2)!)).toBe("1 warning");
    expect(m.has(3)).toBe(false);
  });

  it("formats durations", () => {
    expect(ms(null)).toBe("");
    expect(ms(0.816)).toBe("0.8 ms");
    expect(ms(42.4)).toBe("42 ms");
    expect(ms(3210)).toBe("3.2 s");
  });
});
