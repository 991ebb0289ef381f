// Formatting shared by every view.

const UNITS: [number, Intl.RelativeTimeFormatUnit][] = [
  [60, "second"],
  [60, "minute"],
  [24, "hour"],
  [30, "day"],
  [12, "month"],
  [Number.POSITIVE_INFINITY, "year"],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 days ago" for epoch milliseconds. */
export function ago(ms: number, now: number = Date.now()): string {
  let value = (ms - now) / 1000;
  if (Math.abs(value) < 45) return "just now";
  for (const [size, unit] of UNITS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), "year");
}

/** Absolute local time, for tooltips. */
export function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

/** "850 ms", "4.2 s", "3 min 5 s". */
export function duration(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "Jun 2" for a YYYY-MM-DD date. */
export function shortDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return d.toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export function jobKind(kind: string): string {
  return kind.replaceAll("_", " ").replace(/^\w/, (c) => c.toUpperCase());
}
