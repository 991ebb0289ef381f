// How the Security view shows what the core found: grouping, badges and
// labels. The findings themselves (what is a secret, which version fixes
// an advisory, new or fixed since the release) come from the core.
import type { SarifLevel } from "../../lib/bindings/SarifLevel";
import type { SarifStatus } from "../../lib/bindings/SarifStatus";
import type { SecretFinding } from "../../lib/bindings/SecretFinding";
import type { Vulnerability } from "../../lib/bindings/Vulnerability";
import type { VulnSeverity } from "../../lib/bindings/VulnSeverity";

export type Tab = "secrets" | "vulns" | "sarif";

export const TABS: [Tab, string][] = [
  ["secrets", "Secrets"],
  ["vulns", "Vulnerabilities"],
  ["sarif", "Code scanning"],
];

/** One locked package with every advisory against it. */
export type PackageGroup = {
  key: string;
  ecosystem: string;
  package: string;
  version: string;
  lockfile: string;
  /** The chain from a direct dependency, when the package is transitive. */
  via: string[];
  upgradeTo: string | null;
  worst: VulnSeverity | null;
  advisories: Vulnerability[];
};

const SEVERITY_RANK: Record<VulnSeverity, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  none: 0,
};

function rank(s: VulnSeverity | null): number {
  return s === null ? -1 : SEVERITY_RANK[s];
}

/** Vulnerabilities grouped by (ecosystem, package, version), worst first. */
export function groupVulns(vulns: Vulnerability[]): PackageGroup[] {
  const groups = new Map<string, PackageGroup>();
  for (const v of vulns) {
    const key = `${v.ecosystem}\u0000${v.package}\u0000${v.version}\u0000${v.lockfile}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        ecosystem: v.ecosystem,
        package: v.package,
        version: v.version,
        lockfile: v.lockfile,
        via: v.via.length > 1 ? v.via : [],
        upgradeTo: v.upgrade_to,
        worst: v.severity,
        advisories: [],
      };
      groups.set(key, g);
    }
    g.advisories.push(v);
    if (rank(v.severity) > rank(g.worst)) g.worst = v.severity;
    g.upgradeTo ??= v.upgrade_to;
  }
  const list = [...groups.values()];
  for (const g of list) g.advisories.sort((a, b) => rank(b.severity) - rank(a.severity));
  list.sort((a, b) => rank(b.worst) - rank(a.worst) || a.package.localeCompare(b.package));
  return list;
}

/** The badge class of a severity. */
export function severityClass(s: VulnSeverity | null): string {
  if (s === "critical" || s === "high") return "err";
  if (s === "medium") return "warn";
  return "";
}

export function severityLabel(s: VulnSeverity | null): string {
  return s ?? "unrated";
}

/** The advisory's own link, else its page on osv.dev. */
export function advisoryUrl(v: Vulnerability): string {
  return v.url?.startsWith("https://")
    ? v.url
    : `https://osv.dev/vulnerability/${encodeURIComponent(v.id)}`;
}

export function levelClass(level: SarifLevel): string {
  if (level === "error") return "err";
  if (level === "warning") return "warn";
  return "";
}

export function statusClass(status: SarifStatus): string {
  if (status === "new") return "err";
  if (status === "fixed") return "ok";
  return "";
}

/** `file:line`, or a note when the result has no place in the workspace. */
export function place(file: string | null, line: number | null): string {
  if (!file) return "outside the workspace";
  return line ? `${file}:${line}` : file;
}

/** Where a secret was found: the commit's short id, author and day, or the working tree. */
export function origin(f: SecretFinding): string {
  if (!f.commit) return "working tree";
  const parts = [f.commit.slice(0, 7)];
  if (f.author) parts.push(f.author);
  if (f.date) parts.push(f.date.slice(0, 10));
  return parts.join(" · ");
}

/** Paths typed or pasted into the import box: one per line or comma-separated. */
export function splitPaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}
