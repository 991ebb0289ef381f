// The advisor view's pure logic: grouping and filtering findings, and the
// wording of their figures, costs, verification and history.
import type { AdvisorFigure } from "../../lib/bindings/AdvisorFigure";
import type { AdvisorFinding } from "../../lib/bindings/AdvisorFinding";
import type { AdvisorRun } from "../../lib/bindings/AdvisorRun";
import type { AdvisorSeverity } from "../../lib/bindings/AdvisorSeverity";
import type { Chart } from "../../lib/bindings/Chart";
import type { ChartId } from "../../lib/bindings/ChartId";
import type { Drift } from "../../lib/bindings/Drift";
import type { Engine } from "../../lib/bindings/Engine";
import type { FindingHistory } from "../../lib/bindings/FindingHistory";
import type { Verification } from "../../lib/bindings/Verification";
import { matches } from "../../lib/table";

export const SEVERITIES: { id: AdvisorSeverity; label: string; badge: string }[] = [
  { id: "critical", label: "Critical", badge: "err" },
  { id: "warning", label: "Warning", badge: "warn" },
  { id: "info", label: "Info", badge: "accent" },
];

export function engineLabel(engine: Engine | null): string {
  if (engine === "sqlite") return "SQLite";
  if (engine === "postgres") return "PostgreSQL";
  if (engine === "mysql") return "MariaDB/MySQL";
  return "engine unknown";
}

export type Filter = { check: string; table: string };

/** Findings of one check ("" = any) on tables matching `table` (substring, any case). */
export function filterFindings(findings: AdvisorFinding[], filter: Filter): AdvisorFinding[] {
  return findings.filter(
    (f) =>
      (filter.check === "" || f.check === filter.check) &&
      (filter.table.trim() === "" || matches(filter.table, f.table)),
  );
}

export type Group = {
  severity: AdvisorSeverity;
  label: string;
  badge: string;
  findings: AdvisorFinding[];
};

/** Critical, Warning, Info — every group, empty ones too, so the counts read 0. */
export function groupBySeverity(findings: AdvisorFinding[]): Group[] {
  return SEVERITIES.map((s) => ({
    severity: s.id,
    label: s.label,
    badge: s.badge,
    findings: findings.filter((f) => f.severity === s.id),
  }));
}

/** The distinct values of a field, sorted, for the filter selects. */
export function distinct(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== ""))].sort();
}

/** "foreign_key_without_index" → "Foreign key without index", when the catalogue has no title. */
export function humanize(id: string): string {
  const s = id.replaceAll("_", " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const NAMES: Record<string, string> = {
  mean_ms: "Mean time",
  total_ms: "Total time",
  calls: "Calls",
  rows: "Rows",
  rows_per_call: "Rows per call",
  dead_rows: "Dead rows",
  bloat_bytes: "Bloat",
  bloat_pct: "Bloat share",
  size_bytes: "Size",
  hit_pct: "Cache hit ratio",
  index_use_pct: "Scans using an index",
  used_pct: "Range used",
  seq_scans: "Sequential scans",
  no_index_used: "Calls without an index",
  running_s: "Running for",
  uptime_s: "Uptime",
  days_since_stats_reset: "Since statistics reset",
  last_value: "Last value",
  max_value: "Maximum value",
  blocks_hit: "Blocks from cache",
  blocks_read: "Blocks from disk",
  pid: "Process id",
};

/** A figure's name as a label: "mean_ms" → "Mean time". */
export function figureName(name: string): string {
  return NAMES[name] ?? humanize(name.replace(/_(ms|pct|bytes|s)$/, ""));
}

const whole = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/** 512 B, 12.0 KiB, 3.4 MiB, 1.2 GiB. */
export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${whole.format(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** 0.42 ms, 3.1 ms, 312 ms, 1.5 s, 2 min 5 s. */
export function millis(value: number): string {
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  return seconds(value / 1000);
}

/** 45 s, 12 min 5 s, 5.2 h, 3.1 days. */
export function seconds(value: number): string {
  if (value < 10) return `${value.toFixed(1)} s`;
  if (value < 60) return `${Math.round(value)} s`;
  if (value < 3600) {
    const min = Math.floor(value / 60);
    const s = Math.round(value % 60);
    return s ? `${min} min ${s} s` : `${min} min`;
  }
  if (value < 86_400) return `${oneDecimal.format(value / 3600)} h`;
  return `${oneDecimal.format(value / 86_400)} days`;
}

/** A figure with its unit, as a DBA reads it. */
export function formatFigure(f: AdvisorFigure): string {
  switch (f.unit) {
    case "ms":
      return millis(f.value);
    case "s":
      return seconds(f.value);
    case "%":
      return `${oneDecimal.format(f.value)} %`;
    case "bytes":
      return bytes(f.value);
    case "rows":
    case "calls":
    case "xids":
    case "days": {
      const n = f.value < 10 && !Number.isInteger(f.value) ? oneDecimal : whole;
      return `${n.format(f.value)} ${f.value === 1 ? f.unit.replace(/s$/, "") : f.unit}`;
    }
    default:
      return f.name === "pid" ? String(f.value) : oneDecimal.format(f.value);
  }
}

/** Planner cost, as EXPLAIN prints it: 1,234.5. */
export function cost(value: number): string {
  return new Intl.NumberFormat("en", { maximumFractionDigits: 1 }).format(value);
}

/** How much cheaper the plan gets, in % of the cost before (null when unknown). */
export function costDrop(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before <= 0) return null;
  return Math.round(((before - after) / before) * 100);
}

/** "1,234.5 → 12.3 (−99 %)" */
export function costLabel(before: number | null, after: number | null): string | null {
  if (before === null || after === null) return null;
  const drop = costDrop(before, after);
  const pct = drop === null ? "" : drop >= 0 ? ` (−${drop} %)` : ` (+${-drop} %)`;
  return `${cost(before)} → ${cost(after)}${pct}`;
}

export function verificationLabel(v: Verification): string {
  if (v === "hypopg") return "Verified with HypoPG";
  if (v === "scratch_copy") return "Verified on a scratch copy";
  return "Unverified — review before applying";
}

export function verificationBadge(v: Verification): string {
  return v === "unverified" ? "warn" : "ok";
}

const day = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric" });

/** "Seen in 4 runs since Nov 2, 2026"; "First seen in this run" for a new one. */
export function historyLabel(h: FindingHistory | undefined): string | null {
  if (!h) return null;
  if (h.runs <= 1) return `First seen in this run (${day.format(new Date(h.first_seen))})`;
  return `Seen in ${h.runs} runs since ${day.format(new Date(h.first_seen))}`;
}

/** Whether Accept can turn the finding into a migration. */
export function acceptable(f: AdvisorFinding): boolean {
  return f.fix_sql !== null && f.migration;
}

/** One of advisor_charts' charts, by its id (there is none without data). */
export function chartOf(charts: Chart[], id: ChartId): Chart | null {
  return charts.find((c) => c.id === id) ?? null;
}

/** The statements the slow-query chart follows: q1…q5 of the newest run that has any. */
export function followedQueries(runs: AdvisorRun[]) {
  const newest = runs.find((r) => r.metrics.queries.length > 0);
  return (newest?.metrics.queries ?? []).slice(0, 5).map((q, i) => ({
    label: `q${i + 1}`,
    query: q.query,
    mean_ms: q.mean_ms,
    calls: q.calls,
  }));
}

/** Cache hit ratio per run, newest first, each labelled by its time (labels unique). */
export function cacheHitRows(runs: AdvisorRun[], label: (at: number) => string) {
  const seen = new Map<string, number>();
  return runs
    .filter((r) => r.metrics.cache_hit_pct !== null)
    .slice(0, 20)
    .map((r) => {
      const base = label(r.at);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return {
        label: n === 1 ? base : `${base} (${n})`,
        value: Math.round((r.metrics.cache_hit_pct ?? 0) * 10) / 10,
      };
    });
}

/** "2 tables added (a, b), 1 removed (c), 1 changed (d)" */
export function driftLabel(d: Drift): string {
  const part = (names: string[], what: string) =>
    names.length
      ? `${names.length} ${names.length === 1 ? "table" : "tables"} ${what} (${names.join(", ")})`
      : "";
  const parts = [
    part(d.added_tables, "added"),
    part(d.removed_tables, "removed"),
    part(d.changed_tables, "changed"),
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "the text differs";
}
