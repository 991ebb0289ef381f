// What the Audit view asks for and shows: the filter it sends for the
// chosen scope, user, area and days; who acted where; the outcome's colour;
// the workspace's name; the detail as readable JSON; the export's file.
import type { AuditEntry } from "../../lib/bindings/AuditEntry";
import type { AuditExportFormat } from "../../lib/bindings/AuditExportFormat";
import type { AuditFilter } from "../../lib/bindings/AuditFilter";

/** The most entries the view lists (the export takes as many). */
export const LIMIT = 1000;

export type Scope = "workspace" | "all";

export interface Filters {
  scope: Scope;
  /** "" for every user. */
  user: string;
  /** "" for every area. */
  area: string;
  /** `<input type="date">` values: "YYYY-MM-DD" or "". */
  from: string;
  to: string;
}

export const NO_FILTERS: Filters = { scope: "workspace", user: "", area: "", from: "", to: "" };

/** Local midnight of a "YYYY-MM-DD" day, `days` later; null when empty or invalid. */
export function dayStart(day: string, days = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).getTime();
  return Number.isNaN(at) ? null : at;
}

/** The request for the filters: days are local, and "to" includes its day. */
export function toRequest(f: Filters, workspaceId: string, limit = LIMIT): AuditFilter {
  return {
    workspace_id: f.scope === "workspace" ? workspaceId : null,
    user: f.user || null,
    area: f.area || null,
    since: dayStart(f.from),
    until: dayStart(f.to, 1),
    limit,
  };
}

/** True when any filter narrows the list (the scope aside). */
export function narrowed(f: Filters): boolean {
  return f.user !== "" || f.area !== "" || f.from !== "" || f.to !== "";
}

/** "ana@build-01", or the user alone for entries written before hosts were kept. */
export function who(e: AuditEntry): string {
  return e.host ? `${e.user}@${e.host}` : e.user;
}

/** The badge class of an outcome (the text says it too). */
export function outcomeTone(outcome: string | null): string {
  if (outcome === "ok") return "ok";
  if (outcome === "failed") return "err";
  if (outcome === "cancelled" || outcome === "declined" || outcome === "not_run") return "warn";
  return "";
}

/** The workspace's name when it is known here, else its short id, "—" for none. */
export function workspaceLabel(id: string | null, names: Map<string, string>): string {
  if (id === null) return "—";
  return names.get(id) ?? id.slice(0, 8);
}

/** The detail as indented JSON (as stored when it is not JSON). */
export function prettyDetail(detail: string): string {
  try {
    return JSON.stringify(JSON.parse(detail), null, 2);
  } catch {
    return detail;
  }
}

/** Where the save dialog starts: beside the workspace, named by the day. */
export function exportPath(root: string, format: AuditExportFormat, now = new Date()): string {
  const trimmed = root.replace(/\/+$/, "");
  const cut = trimmed.lastIndexOf("/");
  const parent = cut <= 0 ? "/" : trimmed.slice(0, cut);
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return `${parent === "/" ? "" : parent}/shipdeck-audit-${day}.${format}`;
}
