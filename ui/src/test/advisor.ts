// Advisor data for component tests (shapes from the generated bindings).
import type { AdvisorFinding } from "../lib/bindings/AdvisorFinding";
import type { AdvisorView } from "../lib/bindings/AdvisorView";

export function finding(overrides: Partial<AdvisorFinding> = {}): AdvisorFinding {
  const f: AdvisorFinding = {
    check: "foreign_key_without_index",
    severity: "warning",
    table: "api_tokens",
    index: null,
    columns: ["user_id"],
    evidence: {
      figures: [{ name: "rows", value: 12_480, unit: "rows" }],
      query: null,
      plan: null,
      cost_before: null,
      cost_after: null,
      verification: null,
    },
    message:
      "api_tokens (user_id) references users and has no index: deleting or updating a row of users scans api_tokens.",
    why: "Deleting or updating a referenced row scans the referencing table for matches, under lock.",
    fix_sql: "CREATE INDEX IF NOT EXISTS api_tokens_user_id_idx ON api_tokens (user_id);",
    migration: true,
    key: "",
    ...overrides,
  };
  f.key ||= `${f.check}|${f.table ?? ""}|${f.index ?? ""}|${f.columns.join(",")}|`;
  return f;
}

/** A temp B-tree sort with its query, plan and a verified index. */
export function sortFinding(): AdvisorFinding {
  return finding({
    check: "temp_b_tree",
    severity: "info",
    table: "audit_events",
    columns: ["at"],
    evidence: {
      figures: [
        { name: "rows", value: 48_211, unit: "rows" },
        { name: "size_bytes", value: 6_815_744, unit: "bytes" },
      ],
      query: "SELECT id, actor_id, action, at FROM audit_events ORDER BY at DESC LIMIT 50",
      plan: "SCAN audit_events\nUSE TEMP B-TREE FOR ORDER BY",
      cost_before: 4821.5,
      cost_after: 52.1,
      verification: "scratch_copy",
    },
    message: "Sorting audit_events by at builds a temporary B-tree on every run.",
    why: "SQLite builds a temporary B-tree to sort or group on every run; an index in that order avoids it.",
    fix_sql: "CREATE INDEX IF NOT EXISTS audit_events_at_idx ON audit_events (at);",
  });
}

export function advisorView(overrides: Partial<AdvisorView> = {}): AdvisorView {
  const findings = [finding(), sortFinding()];
  return {
    run_id: 7,
    at: Date.now() - 5 * 60_000,
    history: findings.map((f) => ({ key: f.key, first_seen: Date.UTC(2026, 10, 2), runs: 3 })),
    dismissals: [],
    database: "main",
    engine: "sqlite",
    findings,
    notices: [],
    dismissed: 0,
    metrics: { cache_hit_pct: null, queries: [], tables: [] },
    checks: [
      "missing_index",
      "temp_b_tree",
      "automatic_index",
      "duplicate_index",
      "foreign_key_without_index",
    ],
    duration_ms: 84,
    ...overrides,
  };
}
