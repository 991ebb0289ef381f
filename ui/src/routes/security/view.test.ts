import { describe, expect, it } from "vitest";

import type { SecretFinding } from "../../lib/bindings/SecretFinding";
import type { Vulnerability } from "../../lib/bindings/Vulnerability";
import {
  advisoryUrl,
  groupVulns,
  origin,
  type PackageGroup,
  place,
  severityClass,
  splitPaths,
} from "./view";

function vuln(over: Partial<Vulnerability>): Vulnerability {
  return {
    ecosystem: "npm",
    package: "lodash",
    version: "4.17.20",
    id: "GHSA-35jh-r3h4-6jhm",
    aliases: ["CVE-2021-23337"],
    severity: "high",
    score: 7.2,
    cvss: null,
    fixed: ["4.17.21"],
    upgrade_to: "4.17.21",
    lockfile: "package-lock.json",
    via: ["lodash"],
    summary: "Command Injection in lodash",
    url: null,
    ...over,
  };
}

describe("groupVulns", () => {
  it("groups advisories by package and version, worst package and advisory first", () => {
    const groups = groupVulns([
      vuln({ package: "ms", version: "2.0.0", id: "A", severity: "low", via: ["debug", "ms"] }),
      vuln({ id: "B", severity: "medium" }),
      vuln({ id: "C", severity: "critical" }),
    ]);
    expect(groups.map((g) => g.package)).toEqual(["lodash", "ms"]);
    const [lodash, ms] = groups as [PackageGroup, PackageGroup];
    expect(lodash.worst).toBe("critical");
    expect(lodash.advisories.map((a) => a.id)).toEqual(["C", "B"]);
    expect(lodash.via).toEqual([]);
    expect(ms.via).toEqual(["debug", "ms"]);
    expect(lodash.upgradeTo).toBe("4.17.21");
  });

  it("keeps two versions of one package apart", () => {
    const groups = groupVulns([vuln({ version: "4.17.20" }), vuln({ version: "3.10.1" })]);
    expect(groups).toHaveLength(2);
  });
});

describe("labels", () => {
  it("links an advisory to its own https page, else to osv.dev", () => {
    expect(advisoryUrl(vuln({ url: "https://github.com/advisories/GHSA-x" }))).toBe(
      "https://github.com/advisories/GHSA-x",
    );
    expect(advisoryUrl(vuln({ url: "javascript:alert(1)" }))).toBe(
      "https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm",
    );
  });

  it("colours severities and places results", () => {
    expect(severityClass("critical")).toBe("err");
    expect(severityClass("medium")).toBe("warn");
    expect(severityClass(null)).toBe("");
    expect(place("app/server.py", 7)).toBe("app/server.py:7");
    expect(place(null, 3)).toBe("outside the workspace");
  });

  it("says where a secret came from", () => {
    const f = {
      commit: "0123456789abcdef",
      author: "Ada",
      date: "2026-11-02T10:00:00Z",
    } as SecretFinding;
    expect(origin(f)).toBe("0123456 · Ada · 2026-11-02");
    expect(origin({ ...f, commit: null })).toBe("working tree");
  });

  it("splits typed paths", () => {
    expect(splitPaths(" /a.sarif, /b.sarif\n\n/c.sarif ")).toEqual([
      "/a.sarif",
      "/b.sarif",
      "/c.sarif",
    ]);
  });
});
