import { describe, expect, it } from "vitest";

import type { BundleReport } from "../../lib/bindings/BundleReport";
import type { RouteSize } from "../../lib/bindings/RouteSize";
import { barWidth, bytes, delta, frameworkLabel, overBudget, visibleRoutes } from "./view";

function route(route: string, first: number, size: number, router = "pages"): RouteSize {
  return {
    route,
    router,
    first_load_js_bytes: first * 3,
    first_load_js_gzip_bytes: first,
    size_bytes: size * 3,
    size_gzip_bytes: size,
    chunks: [],
    packages: [],
    kind: null,
    prerendered: [],
  };
}

function report(routes: RouteSize[]): BundleReport {
  return {
    framework: "next",
    version: "15.1.0",
    routes,
    shared: { bytes: 0, gzip_bytes: 0, chunks: [] },
    dir: ".next",
    chunks: [],
    packages: [],
    duplicates: [],
    budgets: [
      {
        budget: "/blog/**",
        route: "/blog/[slug]",
        metric: "first_load_js",
        compression: "gzip",
        limit_bytes: 100,
        actual_bytes: 120,
        passed: false,
      },
      {
        budget: "/",
        route: "/",
        metric: "first_load_js",
        compression: "gzip",
        limit_bytes: 100,
        actual_bytes: 90,
        passed: true,
      },
    ],
    passed: false,
    warnings: [],
    base: null,
  };
}

describe("bytes", () => {
  it("prints three significant digits, 1000-based, like next build", () => {
    expect(bytes(142)).toBe("142 B");
    expect(bytes(999)).toBe("999 B");
    expect(bytes(5470)).toBe("5.47 kB");
    expect(bytes(87_234)).toBe("87.2 kB");
    expect(bytes(105_000)).toBe("105 kB");
    expect(bytes(1_234_567)).toBe("1.23 MB");
  });

  it("signs deltas", () => {
    expect(delta(0)).toBe("±0");
    expect(delta(1200)).toBe("+1.2 kB");
    expect(delta(-300)).toBe("−300 B");
  });
});

describe("route table", () => {
  const routes = [route("/", 90, 5), route("/blog/[slug]", 120, 30), route("/about", 80, 1, "app")];

  it("sorts by first load descending by default and by any column", () => {
    expect(
      visibleRoutes(routes, "", { key: "first_load", dir: "desc" }).map((r) => r.route),
    ).toEqual(["/blog/[slug]", "/", "/about"]);
    expect(visibleRoutes(routes, "", { key: "size", dir: "asc" }).map((r) => r.route)).toEqual([
      "/about",
      "/",
      "/blog/[slug]",
    ]);
    expect(visibleRoutes(routes, "", { key: "route", dir: "asc" }).map((r) => r.route)).toEqual([
      "/",
      "/about",
      "/blog/[slug]",
    ]);
  });

  it("filters by route and router", () => {
    expect(visibleRoutes(routes, "BLOG", { key: "route", dir: "asc" }).map((r) => r.route)).toEqual(
      ["/blog/[slug]"],
    );
    expect(visibleRoutes(routes, "app", { key: "route", dir: "asc" }).map((r) => r.route)).toEqual([
      "/about",
    ]);
  });

  it("finds the budgets a route is over, not the ones it holds", () => {
    const r = report(routes);
    expect(overBudget(r, "/blog/[slug]").map((b) => b.budget)).toEqual(["/blog/**"]);
    expect(overBudget(r, "/")).toEqual([]);
  });

  it("scales bars to the largest route", () => {
    expect(barWidth(routes, routes[1]!)).toBe(100);
    expect(barWidth(routes, routes[2]!)).toBe(67);
    expect(barWidth([route("/", 0, 0)], route("/", 0, 0))).toBe(0);
  });

  it("names the framework with its version", () => {
    expect(frameworkLabel(report(routes))).toBe("Next.js 15.1.0");
    expect(frameworkLabel({ ...report(routes), framework: "vite", version: null })).toBe("Vite");
  });
});
