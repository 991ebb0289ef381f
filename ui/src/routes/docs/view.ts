// What the Docs view derives from a `docs check` report.
import type { DocResult } from "../../lib/bindings/DocResult";
import type { BrokenReason } from "../../lib/bindings/BrokenReason";

/** Stale pages first, then pages with broken links, then the rest; by path within each. */
export function ordered(docs: DocResult[]): DocResult[] {
  const rank = (d: DocResult) => (d.stale ? 0 : d.broken_links.length ? 1 : 2);
  return [...docs].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** Pages whose path contains `text` (case-insensitive). */
export function filterDocs(docs: DocResult[], text: string): DocResult[] {
  const q = text.trim().toLowerCase();
  return q ? docs.filter((d) => d.path.toLowerCase().includes(q)) : docs;
}

const REASONS: Record<BrokenReason, string> = {
  missing_file: "missing file",
  missing_anchor: "missing anchor",
  http_status: "HTTP status",
  unreachable: "unreachable",
};

export function reasonLabel(r: BrokenReason): string {
  return REASONS[r] ?? r;
}
