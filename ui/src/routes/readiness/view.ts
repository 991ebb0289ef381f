// What the Readiness view shows for the gate's shapes: the text and colour
// of a status, the view behind each area, and where an exported report goes.
import type { ReadinessArea } from "../../lib/bindings/ReadinessArea";
import type { ReadinessStatus } from "../../lib/bindings/ReadinessStatus";
import type { ReadinessVerdict } from "../../lib/bindings/ReadinessVerdict";
import type { RouteId } from "../../lib/router.svelte";

/** The badge class of a status or verdict (the text says it too). */
export function tone(status: ReadinessStatus | ReadinessVerdict): string {
  if (status === "pass") return "ok";
  if (status === "warn") return "warn";
  if (status === "fail") return "err";
  return "";
}

export const STATUS_LABEL: Record<ReadinessStatus, string> = {
  pass: "pass",
  warn: "warn",
  fail: "fail",
  skipped: "skipped",
};

export const VERDICT_TEXT: Record<ReadinessVerdict, string> = {
  pass: "Ready to release",
  warn: "Ready, with warnings",
  fail: "Not ready",
};

const AREA_LABEL: Record<ReadinessArea, string> = {
  releases: "Releases",
  migrations: "Migrations",
  advisor: "Advisor",
  environments: "Environments",
  benchmarks: "Benchmarks",
  secrets: "Secrets",
  vulnerabilities: "Vulnerabilities",
  dependencies: "Dependencies",
  coverage: "Coverage",
  bundle: "Bundle",
  docs: "Docs",
};

const AREA_ROUTE: Record<ReadinessArea, RouteId> = {
  releases: "releases",
  migrations: "migrations",
  advisor: "advisor",
  environments: "environments",
  benchmarks: "benchmarks",
  secrets: "security",
  vulnerabilities: "security",
  dependencies: "dependencies",
  coverage: "coverage",
  bundle: "bundle",
  docs: "docs",
};

export function areaLabel(area: ReadinessArea): string {
  return AREA_LABEL[area] ?? area;
}

/** The view that shows an area's details. */
export function areaRoute(area: ReadinessArea): RouteId {
  return AREA_ROUTE[area] ?? "overview";
}

/** The short form of a commit sha. */
export function short(sha: string): string {
  return sha.slice(0, 7);
}

/** The folder a workspace lives in: exported reports go there, beside the
 * repository rather than inside it (never into `.git`). */
export function parentDir(root: string): string {
  const trimmed = root.replace(/[\\/]+$/, "");
  const at = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (at < 0) return trimmed;
  return at === 0 ? trimmed.slice(0, 1) : trimmed.slice(0, at);
}

/** A default file for a stored run's report: beside the workspace, named
 * after it, the candidate and the run. */
export function reportPath(
  root: string,
  name: string,
  version: string | null,
  runId: number,
  format: "html" | "pdf",
): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-");
  const sep = root.includes("\\") && !root.includes("/") ? "\\" : "/";
  const dir = parentDir(root);
  const base = `${safe(name)}-readiness-${safe(version ?? "head")}-run${runId}.${format}`;
  return dir.endsWith(sep) ? `${dir}${base}` : `${dir}${sep}${base}`;
}
