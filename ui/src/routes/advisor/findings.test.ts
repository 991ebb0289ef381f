import { describe, expect, it } from "vitest";

import type { AdvisorRun } from "../../lib/bindings/AdvisorRun";
import type { Chart } from "../../lib/bindings/Chart";
import { finding } from "../../test/advisor";
import {
  acceptable,
  bytes,
  cacheHitRows,
  chartOf,
  costDrop,
  costLabel,
  distinct,
  driftLabel,
  figureName,
  filterFindings,
  followedQueries,
  formatFigure,
  groupBySeverity,
  historyLabel,
  millis,
  seconds,
  verificationLabel,
} from "./findings";

const findings = [
  finding({ check: "foreign_key_without_index", severity: "warning", table: "api_tokens" }),
  finding({ check: "temp_b_tree", severity: "info", table: "audit_events" }),
  finding({ check: "slow_query", severity: "critical", table: null }),
  finding({ check: "foreign_key_without_index", severity: "warning", table: "sessions" }),
];

describe("grouping and filtering", () => {
  it("groups by severity, most urgent first, keeping empty groups for their count", () => {
    const groups = groupBySeverity(findings.slice(0, 2));
    expect(groups.map((g) => [g.label, g.findings.length])).toEqual([
      ["Critical", 0],
      ["Warning", 1],
      ["Info", 1],
    ]);
  });

  it("filters by check and by a part of the table name, in any case", () => {
    const fk = filterFindings(findings, { check: "foreign_key_without_index", table: "" });
    expect(fk.map((f) => f.table)).toEqual(["api_tokens", "sessions"]);
    expect(filterFindings(findings, { check: "", table: "TOKEN" }).map((f) => f.table)).toEqual([
      "api_tokens",
    ]);
    // A table filter leaves out findings about no table.
    expect(filterFindings(findings, { check: "", table: "s" })).not.toContainEqual(findings[2]);
    expect(filterFindings(findings, { check: "", table: "  " })).toHaveLength(4);
  });

  it("lists distinct checks and tables for the filters", () => {
    expect(distinct(findings.map((f) => f.table))).toEqual([
      "api_tokens",
      "audit_events",
      "sessions",
    ]);
  });

  it("offers Accept only for a schema change with SQL", () => {
    expect(acceptable(finding({ fix_sql: "CREATE INDEX i ON t (c);", migration: true }))).toBe(
      true,
    );
    expect(acceptable(finding({ fix_sql: "VACUUM ANALYZE t;", migration: false }))).toBe(false);
    expect(acceptable(finding({ fix_sql: null, migration: false }))).toBe(false);
  });
});

describe("figures", () => {
  it("formats each unit as a DBA reads it", () => {
    const f = (name: string, value: number, unit: string) => formatFigure({ name, value, unit });
    expect(f("mean_ms", 31.24, "ms")).toBe("31 ms");
    expect(f("mean_ms", 0.421, "ms")).toBe("0.42 ms");
    expect(f("total_ms", 125_000, "ms")).toBe("2 min 5 s");
    expect(f("hit_pct", 97.25, "%")).toBe("97.3 %");
    expect(f("size_bytes", 512, "bytes")).toBe("512 B");
    expect(f("size_bytes", 12_288, "bytes")).toBe("12.0 KiB");
    expect(f("size_bytes", 3.5 * 1024 * 1024, "bytes")).toBe("3.5 MiB");
    expect(f("rows", 1_234_567, "rows")).toBe("1,234,567 rows");
    expect(f("rows", 1, "rows")).toBe("1 row");
    expect(f("rows_per_call", 2.5, "rows")).toBe("2.5 rows");
    expect(f("calls", 1500, "calls")).toBe("1,500 calls");
    expect(f("running_s", 75, "s")).toBe("1 min 15 s");
    expect(f("uptime_s", 3 * 86_400, "s")).toBe("3 days");
    expect(f("pid", 48213, "")).toBe("48213");
    expect(f("last_value", 2_000_000, "")).toBe("2,000,000");
  });

  it("names figures in words", () => {
    expect(figureName("mean_ms")).toBe("Mean time");
    expect(figureName("index_use_pct")).toBe("Scans using an index");
    expect(figureName("wraparound_xids")).toBe("Wraparound xids");
    expect(figureName("lock_wait_ms")).toBe("Lock wait");
  });

  it("has the unit helpers agree at their edges", () => {
    expect(bytes(1023)).toBe("1,023 B");
    expect(bytes(1024)).toBe("1.0 KiB");
    expect(millis(999)).toBe("999 ms");
    expect(millis(1500)).toBe("1.5 s");
    expect(seconds(7200)).toBe("2 h");
  });
});

describe("cost, verification and history", () => {
  it("shows the cost drop in %", () => {
    expect(costDrop(1000, 8)).toBe(99);
    expect(costDrop(null, 8)).toBeNull();
    expect(costDrop(0, 0)).toBeNull();
    expect(costLabel(1234.56, 12.3)).toBe("1,234.6 → 12.3 (−99 %)");
    expect(costLabel(10, 12)).toBe("10 → 12 (+20 %)");
    expect(costLabel(null, null)).toBeNull();
  });

  it("says how a suggestion was verified", () => {
    expect(verificationLabel("hypopg")).toBe("Verified with HypoPG");
    expect(verificationLabel("scratch_copy")).toBe("Verified on a scratch copy");
    expect(verificationLabel("unverified")).toBe("Unverified — review before applying");
  });

  it("says since when a finding is around", () => {
    const first = Date.UTC(2026, 10, 2, 12);
    expect(historyLabel({ key: "k", first_seen: first, runs: 4 })).toBe(
      "Seen in 4 runs since Nov 2, 2026",
    );
    expect(historyLabel({ key: "k", first_seen: first, runs: 1 })).toMatch(
      /^First seen in this run/,
    );
    expect(historyLabel(undefined)).toBeNull();
  });

  it("words schema drift", () => {
    expect(
      driftLabel({
        up_to_date: false,
        added_tables: ["a", "b"],
        removed_tables: [],
        changed_tables: ["c"],
        diff: null,
      }),
    ).toBe("2 tables added (a, b), 1 table changed (c)");
  });
});

describe("chart data", () => {
  const run = (id: number, at: number, hit: number | null, mean: number): AdvisorRun => ({
    id,
    at,
    duration_ms: 40,
    findings: 2,
    checks: [],
    notices: [],
    metrics: {
      cache_hit_pct: hit,
      queries: [
        {
          id: "q-a",
          query: "SELECT * FROM orders WHERE customer_id = $1",
          calls: 900,
          mean_ms: mean,
          total_ms: 900 * mean,
        },
        {
          id: "q-b",
          query: "SELECT count(*) FROM events",
          calls: 120,
          mean_ms: 45,
          total_ms: 5400,
        },
      ],
      tables: [
        { table: "events", bytes: 3 * 1024 * 1024, rows: 50_000 },
        { table: "orders", bytes: 8 * 1024 * 1024, rows: 120_000 },
      ],
    },
  });
  const runs = [run(2, 2000, 99.42, 31), run(1, 1000, 98.1, 40)];
  const charts: Chart[] = [
    {
      id: "slow_statements",
      title: "Slowest statements: mean time and calls over 2 run(s)",
      svg: "",
      width: 1,
      height: 1,
      kind: "lines",
      unit: "ms",
      columns: [],
      rows: [],
    },
    {
      id: "table_sizes",
      title: "Table sizes in KiB (tables, indexes and TOAST), latest run",
      svg: "",
      width: 1,
      height: 1,
      kind: "bars",
      unit: "KiB",
      columns: [],
      rows: [],
    },
  ];

  it("finds each chart by its id, whatever its title says", () => {
    const renamed = charts.map((c) => ({ ...c, title: "Renamed" }));
    expect(chartOf(renamed, "slow_statements")?.kind).toBe("lines");
    expect(chartOf(renamed, "table_sizes")?.unit).toBe("KiB");
    expect(chartOf(renamed, "cache_hit")).toBeNull();
  });

  it("labels the followed statements q1… from the newest run", () => {
    expect(followedQueries(runs)).toEqual([
      {
        label: "q1",
        query: "SELECT * FROM orders WHERE customer_id = $1",
        mean_ms: 31,
        calls: 900,
      },
      { label: "q2", query: "SELECT count(*) FROM events", mean_ms: 45, calls: 120 },
    ]);
  });

  it("lists the cache hit per run with unique labels", () => {
    expect(cacheHitRows(runs, () => "same minute")).toEqual([
      { label: "same minute", value: 99.4 },
      { label: "same minute (2)", value: 98.1 },
    ]);
  });
});
