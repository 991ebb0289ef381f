// Sorting and filtering for the views' tables.

export type Direction = "asc" | "desc";

export interface Sort<K extends string> {
  key: K;
  dir: Direction;
}

type Value = string | number | null | undefined;

/** A stable sort by one column; missing values last. */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: Sort<K>,
  value: (row: T, key: K) => Value,
): T[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row, sort.key) }))
    .sort((a, b) => {
      if (a.v == null && b.v == null) return a.i - b.i;
      if (a.v == null) return 1;
      if (b.v == null) return -1;
      const c =
        typeof a.v === "number" && typeof b.v === "number"
          ? a.v - b.v
          : String(a.v).localeCompare(String(b.v));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.row);
}

/** Clicking a header: same column flips direction, another starts descending. */
export function toggle<K extends string>(sort: Sort<K>, key: K): Sort<K> {
  return sort.key === key
    ? { key, dir: sort.dir === "asc" ? "desc" : "asc" }
    : { key, dir: "desc" };
}

/** Case-insensitive match of `query` against any of `fields`. */
export function matches(query: string, ...fields: (string | null | undefined)[]): boolean {
  const q = query.trim().toLowerCase();
  return q === "" || fields.some((f) => f?.toLowerCase().includes(q));
}
