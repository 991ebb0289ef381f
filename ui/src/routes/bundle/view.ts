// The Bundle view's pure parts: byte formatting as the build tools print
// it, the route table's sorting and filter, and budget lookups.

import type { BudgetResult } from "../../lib/bindings/BudgetResult";
import type { BundleReport } from "../../lib/bindings/BundleReport";
import type { RouteSize } from "../../lib/bindings/RouteSize";
import { matches, sortRows, type Sort } from "../../lib/table";

export type RouteKey = "route" | "size" | "first_load" | "first_load_raw";

export const DEFAULT_SORT: Sort<RouteKey> = { key: "first_load", dir: "desc" };

/** Bytes with three significant digits, 1000-based, as `next build` and Vite print them. */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB"];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** A signed byte delta ("+1.2 kB", "−300 B", "±0"). */
export function delta(n: number): string {
  if (n === 0) return "±0";
  return `${n > 0 ? "+" : "−"}${bytes(Math.abs(n))}`;
}

function value(r: RouteSize, key: RouteKey): string | number {
  switch (key) {
    case "route":
      return r.route;
    case "size":
      return r.size_gzip_bytes;
    case "first_load":
      return r.first_load_js_gzip_bytes;
    case "first_load_raw":
      return r.first_load_js_bytes;
  }
}

/** The marks `next build` puts before a route of each kind. */
export const KIND_MARK: Record<string, string> = { static: "○", ssg: "●", dynamic: "ƒ" };

/** The routes matching `query`, in `sort` order. */
export function visibleRoutes(
  routes: readonly RouteSize[],
  query: string,
  sort: Sort<RouteKey>,
): RouteSize[] {
  return sortRows(
    routes.filter((r) => matches(query, r.route, r.router)),
    sort,
    value,
  );
}

/** The budgets a route is over. */
export function overBudget(report: BundleReport, route: string): BudgetResult[] {
  return report.budgets.filter((b) => b.route === route && !b.passed);
}

/** A route's share of the largest First Load JS, for the inline bar (0–100). */
export function barWidth(routes: readonly RouteSize[], r: RouteSize): number {
  const max = Math.max(0, ...routes.map((x) => x.first_load_js_gzip_bytes));
  return max === 0 ? 0 : Math.round((r.first_load_js_gzip_bytes / max) * 100);
}

/** "next 15.1.0", "vite", … */
export function frameworkLabel(report: BundleReport): string {
  const names: Record<string, string> = {
    next: "Next.js",
    vite: "Vite",
    webpack: "webpack",
    rollup: "Rollup",
    esbuild: "esbuild",
  };
  const name = names[report.framework] ?? report.framework;
  return report.version ? `${name} ${report.version}` : name;
}
