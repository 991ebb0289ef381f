// Realistic data for component tests (shapes from the generated bindings).
import type { HistoryStats } from "../lib/bindings/HistoryStats";
import type { JobRecord } from "../lib/bindings/JobRecord";
import type { WorkspaceInfo } from "../lib/bindings/WorkspaceInfo";

export function workspace(overrides: Partial<WorkspaceInfo> = {}): WorkspaceInfo {
  return {
    id: "cf1d882a935f951a",
    root: "/home/ana/orbit",
    name: "orbit",
    branch: "main",
    detached: false,
    head: "5e0c72a842114fe6a87f1511898db04d9bba316d",
    head_commit: {
      sha: "5e0c72a842114fe6a87f1511898db04d9bba316d",
      short_sha: "5e0c72a",
      subject: "feat(api): add bulk import",
      author: "Ada Lindqvist",
      time: Date.now() - 3 * 86_400_000,
    },
    dirty: false,
    dirty_files: 0,
    last_tag: "v1.4.2",
    last_version: "1.4.2",
    commits_since_tag: 20,
    ecosystems: ["cargo", "npm"],
    manifests: [{ ecosystem: "cargo", path: "Cargo.toml" }],
    migration_folders: [{ path: "migrations", files: 24, layout: "sqlx", configured: true }],
    config: { present: true, valid: true, error: null },
    ...overrides,
  };
}

export function stats(): HistoryStats {
  return {
    head: "5e0c72a842114fe6a87f1511898db04d9bba316d",
    commits: 296,
    merges: 1,
    authors: 5,
    first_commit_at: Date.now() - 365 * 86_400_000,
    last_commit_at: Date.now(),
    weekly: Array.from({ length: 26 }, (_, i) => ({
      week_start: new Date(Date.UTC(2026, 4, 25) + i * 7 * 86_400_000).toISOString().slice(0, 10),
      commits: (i * 7) % 11,
    })),
    types: [
      { kind: "feat", commits: 86 },
      { kind: "fix", commits: 78 },
    ],
    top_authors: [{ name: "Ada Lindqvist", commits: 70 }],
    scanned_at: Date.now(),
  };
}

export function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 1,
    workspace_id: "cf1d882a935f951a",
    kind: "workspace_scan",
    started_at: Date.now() - 60_000,
    finished_at: Date.now() - 59_000,
    duration_ms: 1000,
    outcome: "succeeded",
    summary: "296 commits by 5 authors",
    error: null,
    ...overrides,
  };
}
