// How the Dependencies view shows what the core found: which rows a filter
// keeps and in what order, what a selection asks `deps_update` for, badges
// and labels. What is outdated, and by how much, comes from the core.
import type { Class } from "../../lib/bindings/Class";
import type { DepsEcosystem } from "../../lib/bindings/DepsEcosystem";
import type { Outdated } from "../../lib/bindings/Outdated";
import type { UpdateRequest } from "../../lib/bindings/UpdateRequest";

/** `behind`: any update class; `all`: up-to-date rows too. */
export type ClassFilter = "all" | "behind" | Class;

export type Filter = {
  class: ClassFilter;
  ecosystem: DepsEcosystem | "all";
  /** Matched against the name, the manifest and the table, ignoring case. */
  text: string;
};

export const DEFAULT_FILTER: Filter = { class: "behind", ecosystem: "all", text: "" };

export const CLASS_FILTERS: [ClassFilter, string][] = [
  ["behind", "Behind"],
  ["major", "Major"],
  ["minor", "Minor"],
  ["patch", "Patch"],
  ["all", "All"],
];

const ECOSYSTEM_LABELS: Record<DepsEcosystem, string> = {
  cargo: "Cargo",
  npm: "npm",
  pypi: "PyPI",
};

export function ecosystemLabel(e: DepsEcosystem): string {
  return ECOSYSTEM_LABELS[e];
}

/** One row's identity: a package may appear in several manifests and tables. */
export function rowKey(r: Outdated): string {
  return [r.ecosystem, r.manifest, r.kind, r.name].join("\u0000");
}

export function isSecurity(r: Outdated): boolean {
  return r.advisories.length > 0;
}

const CLASS_RANK: Record<Class, number> = { major: 3, minor: 2, patch: 1 };

function rank(c: Class | null): number {
  return c === null ? 0 : CLASS_RANK[c];
}

function keeps(f: Filter, r: Outdated): boolean {
  if (f.ecosystem !== "all" && r.ecosystem !== f.ecosystem) return false;
  // A row that could not be checked stays visible under "behind": its
  // error is something to act on.
  if (f.class === "behind" && r.class === null && r.error === null) return false;
  if (f.class !== "all" && f.class !== "behind" && r.class !== f.class) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  return [r.name, r.manifest, r.kind].some((s) => s.toLowerCase().includes(text));
}

/** The rows `f` keeps: security updates first, then the largest class,
 * then by manifest and name. */
export function filterRows(rows: Outdated[], f: Filter): Outdated[] {
  return rows
    .filter((r) => keeps(f, r))
    .sort(
      (a, b) =>
        Number(isSecurity(b)) - Number(isSecurity(a)) ||
        rank(b.class) - rank(a.class) ||
        a.manifest.localeCompare(b.manifest) ||
        a.name.localeCompare(b.name),
    );
}

/** The ecosystems present, for the filter's options. */
export function ecosystems(rows: Outdated[]): DepsEcosystem[] {
  return [...new Set(rows.map((r) => r.ecosystem))].sort();
}

/** Only a row with an update to make can be selected. */
export function selectable(r: Outdated): boolean {
  return r.class !== null && r.error === null;
}

/** Selection toggles of the header checkbox: every visible selectable row,
 * or none of them when all already are. Rows hidden by the filter keep
 * their state. */
export function toggleAll(visible: Outdated[], selected: ReadonlySet<string>): Set<string> {
  const keys = visible.filter(selectable).map(rowKey);
  const next = new Set(selected);
  const all = keys.length > 0 && keys.every((k) => next.has(k));
  for (const k of keys) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return next;
}

export function toggle(selected: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(selected);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** The selected rows that are still in the report and still selectable. */
export function selectedRows(rows: Outdated[], selected: ReadonlySet<string>): Outdated[] {
  return rows.filter((r) => selectable(r) && selected.has(rowKey(r)));
}

/** The options of "Create update branch". */
export type UpdateOptions = {
  /** Every update on one branch. */
  group: boolean;
  /** The largest class taken; null: any. */
  limit: Class | null;
};

/** The request for the selected rows: `deps_update` takes package names. */
export function updateRequest(
  rows: Outdated[],
  opts: UpdateOptions,
  dryRun: boolean,
  expect: string | null,
): UpdateRequest {
  return {
    class: opts.limit,
    only: [...new Set(rows.map((r) => r.name))].sort(),
    group: opts.group,
    branch: null,
    dry_run: dryRun,
    expect,
  };
}

/** Selected rows a class limit leaves out (they would not be updated). */
export function beyondLimit(rows: Outdated[], limit: Class | null): Outdated[] {
  if (limit === null) return [];
  return rows.filter((r) => rank(r.class) > CLASS_RANK[limit]);
}

/** The badge class of an update class. */
export function classBadge(c: Class | null): string {
  if (c === "major") return "err";
  if (c === "minor") return "warn";
  if (c === "patch") return "ok";
  return "";
}

/** The release day of an RFC 3339 time, or an em dash. */
export function releasedDay(released: string | null): string {
  return released && /^\d{4}-\d{2}-\d{2}/.test(released) ? released.slice(0, 10) : "—";
}

/** Where to read what changed: the release notes, else the repository,
 * else the homepage; https only (links open in the system browser). */
export function changelogLink(r: Outdated): { url: string; label: string } | null {
  const links: [string | null, string][] = [
    [r.release_notes, "release notes"],
    [r.repository, "repository"],
    [r.homepage, "homepage"],
  ];
  for (const [url, label] of links) {
    if (url?.startsWith("https://")) return { url, label };
  }
  return null;
}

/** Counts for the summary line. */
export function counts(rows: Outdated[]): {
  total: number;
  behind: number;
  security: number;
  errors: number;
} {
  return {
    total: rows.length,
    behind: rows.filter((r) => r.class !== null).length,
    security: rows.filter(isSecurity).length,
    errors: rows.filter((r) => r.error !== null).length,
  };
}
