// Pure helpers of the Benchmarks view.
import type { BenchRunView } from "../../lib/bindings/BenchRunView";
import { ago } from "../../lib/format";

/** Every metric name in the history, most recently measured first. */
export function metricNames(history: BenchRunView[]): string[] {
  const seen: string[] = [];
  for (const h of history) for (const m of h.metrics) if (!seen.includes(m.name)) seen.push(m.name);
  return seen;
}

/** One metric's value per run, oldest first, labelled by age and tags. */
export function pointsOf(
  history: BenchRunView[],
  metric: string,
  now: number = Date.now(),
): { label: string; value: number }[] {
  return [...history].reverse().flatMap((h) => {
    const m = h.metrics.find((x) => x.name === metric);
    if (!m) return [];
    const tags = JSON.parse(h.tags) as string[];
    const label = `#${h.id} ${ago(h.started_at, now)}${tags.length ? ` (${tags.join(", ")})` : ""}`;
    return [{ label, value: Math.round(m.value * 1000) / 1000 }];
  });
}

/** Failed iterations fail the gate as a regression does. */
export function verdictClass(v: string): string {
  if (v === "regression" || v === "failed_iterations") return "err";
  return v === "improvement" ? "ok" : v === "no_change" ? "" : "warn";
}
