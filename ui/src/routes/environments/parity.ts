// Pure helpers of the Environments view: summarising each environment for
// its tile. Filtering the parity matrix is the core's (environments_parity_filter).
import type { HealthResult } from "../../lib/bindings/HealthResult";
import type { ParityReport } from "../../lib/bindings/ParityReport";
import type { VersionDrift } from "../../lib/bindings/VersionDrift";

export type Tile = {
  env: string;
  missing: number;
  differs: number;
  errors: number;
  warnings: number;
  health: HealthResult | null;
  /** Why the reported version is a concern, if it is. */
  drift: string | null;
};

/** One tile per environment: what parity, health and drift say about it. */
export function tiles(
  report: ParityReport,
  health: HealthResult[] | null,
  drift: VersionDrift | null,
): Tile[] {
  return report.environments.map((env) => {
    const mine = report.findings.filter((f) => f.env === env);
    const h = health?.find((r) => r.env === env) ?? null;
    let why: string | null = null;
    if (drift?.behind.includes(env)) why = `behind ${drift.latest_tag ?? "the latest release"}`;
    else if (drift?.findings.some((f) => f.env === env && f.check === "version_drift"))
      why = "differs from the other environments";
    return {
      env,
      missing: report.keys.filter((k) => k.status[env] === "missing").length,
      differs: report.keys.filter((k) => k.cells[env]?.state === "differs").length,
      errors: mine.filter((f) => f.severity === "error").length,
      warnings: mine.filter((f) => f.severity === "warning").length,
      health: h,
      drift: why,
    };
  });
}

/** Badge class of a health status. */
export function healthClass(status: string | undefined): string {
  if (status === "pass") return "ok";
  if (status === "warn" || status === "not_configured") return "warn";
  return status ? "err" : "";
}
