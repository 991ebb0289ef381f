// Lint findings per migration version, for the badges in the table.
import type { LintFinding } from "../../lib/bindings/LintFinding";

export type LintSummary = { errors: number; warnings: number; findings: LintFinding[] };

export function byVersion(findings: LintFinding[]): Map<number, LintSummary> {
  const out = new Map<number, LintSummary>();
  for (const f of findings) {
    const s = out.get(f.version) ?? { errors: 0, warnings: 0, findings: [] };
    if (f.severity === "error") s.errors += 1;
    else s.warnings += 1;
    s.findings.push(f);
    out.set(f.version, s);
  }
  return out;
}

/** "2 errors, 1 warning" */
export function lintLabel(s: LintSummary): string {
  const parts = [];
  if (s.errors) parts.push(`${s.errors} error${s.errors === 1 ? "" : "s"}`);
  if (s.warnings) parts.push(`${s.warnings} warning${s.warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** Milliseconds as the table shows them: "0.8 ms", "12 ms", "3.2 s". */
export function ms(value: number | null): string {
  if (value === null) return "";
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}
