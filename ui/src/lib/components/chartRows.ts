// The table beside a chart, read from the chart the core drew.
import type { Chart } from "../bindings/Chart";

/** The chart's rows that have a number in its first column, in the core's order. */
export function chartRows(chart: Chart | null): { label: string; value: number }[] {
  return (chart?.rows ?? []).flatMap((r) => {
    const v = r.values[0];
    return typeof v === "number" ? [{ label: r.label, value: v }] : [];
  });
}
