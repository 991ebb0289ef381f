import { describe, expect, it } from "vitest";

import { areaRoute, parentDir, reportPath, tone } from "./view";

describe("readiness view helpers", () => {
  it("puts a report beside the workspace, never inside it", () => {
    expect(parentDir("/home/ana/orbit/")).toBe("/home/ana");
    expect(parentDir("/orbit")).toBe("/");
    expect(reportPath("/home/ana/orbit", "orbit", "2.0.0-rc.1", 3, "html")).toBe(
      "/home/ana/orbit-readiness-2.0.0-rc.1-run3.html",
    );
    expect(reportPath("/srv/my app", "my app", null, 1, "pdf")).toBe(
      "/srv/my-app-readiness-head-run1.pdf",
    );
    expect(reportPath("/orbit", "orbit", "1.0.0", 1, "html")).toBe(
      "/orbit-readiness-1.0.0-run1.html",
    );
  });

  it("names the view behind each area and colours statuses", () => {
    expect(areaRoute("secrets")).toBe("security");
    expect(areaRoute("vulnerabilities")).toBe("security");
    expect(areaRoute("docs")).toBe("docs");
    expect(tone("fail")).toBe("err");
    expect(tone("skipped")).toBe("");
  });
});
