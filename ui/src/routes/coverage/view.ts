// The Coverage view's table logic: the file table's sort and filter, and
// how the source viewer marks each line from the report's line hits.
import type { FileRow } from "../../lib/bindings/FileRow";
import { matches, sortRows, toggle, type Sort } from "../../lib/table";

export type FileKey = "path" | "covered" | "pct" | "uncovered";

/** Most uncovered lines first: where tests are missing most. */
export const DEFAULT_SORT: Sort<FileKey> = { key: "uncovered", dir: "desc" };

/** Rows rendered at once; a filter narrows the rest. */
export const MAX_SHOWN = 500;

function value(row: FileRow, key: FileKey): string | number {
  return key === "path" ? row.path : row[key];
}

/** The rows whose path contains `query`, in `sort` order. */
export function visibleFiles(
  rows: readonly FileRow[],
  query: string,
  sort: Sort<FileKey>,
): FileRow[] {
  return sortRows(
    rows.filter((r) => matches(query, r.path)),
    sort,
    value,
  );
}

/** A click on a header: the path column starts ascending, numbers descending. */
export function nextSort(sort: Sort<FileKey>, key: FileKey): Sort<FileKey> {
  const next = toggle(sort, key);
  return key === "path" && sort.key !== key ? { key, dir: "asc" } : next;
}

export type LineState = "hit" | "miss" | "none";

/** Line number → hits, for the source viewer. */
export function hitsByLine(row: FileRow): Map<number, number> {
  return new Map(row.lines.map(([line, hits]) => [line, hits]));
}

/** A line is a miss when the report counts it with no hits, a hit when
 * it ran, and neither when the tool does not count it (comments, blanks). */
export function lineState(hits: Map<number, number>, line: number): LineState {
  const h = hits.get(line);
  if (h === undefined) return "none";
  return h > 0 ? "hit" : "miss";
}

export function pct(v: number): string {
  return `${v.toFixed(2)} %`;
}
