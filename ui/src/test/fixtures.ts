// Realistic data for component tests (shapes from the generated bindings).
import type { AuditEntry } from "../lib/bindings/AuditEntry";
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
    user: "ann",
    host: "build-01",
    ...overrides,
  };
}

import type { PackagePlan } from "../lib/bindings/PackagePlan";
import type { PlannedCommit } from "../lib/bindings/PlannedCommit";

export function planned(overrides: Partial<PlannedCommit> = {}): PlannedCommit {
  return {
    sha: "4bd6c29aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    short_sha: "4bd6c29",
    type: "feat",
    scope: "api",
    breaking: false,
    breaking_note: null,
    subject: "add request tracing",
    author: "Ada Lindqvist",
    time: Date.now() - 86_400_000,
    refs: [],
    ref_urls: [],
    commit_url: null,
    group: "Added",
    group_rank: 0,
    hidden: false,
    bump: "minor",
    decisive: false,
    reverted: false,
    ...overrides,
  };
}

export function packagePlan(overrides: Partial<PackagePlan> = {}): PackagePlan {
  return {
    name: "orbit",
    path: ".",
    current_version: "1.4.2",
    current_tag: "v1.4.2",
    next_version: "1.5.0",
    next_tag: "v1.5.0",
    bump: "minor",
    reasons: [
      "feat(api): add request tracing (4bd6c29) is a feature → minor",
      "feat(web): add x (1111111) is a feature → minor",
      "feat(web): add y (2222222) is a feature → minor",
      "feat(web): add z (3333333) is a feature → minor",
    ],
    commits: [
      planned({ decisive: true }),
      planned({
        sha: "f".repeat(40),
        short_sha: "fffffff",
        type: "fix",
        scope: null,
        subject: "handle empty results",
        group: "Fixed",
        group_rank: 4,
        bump: "patch",
        refs: [73],
        ref_urls: ["https://github.com/acme/orbit/pull/73"],
      }),
      planned({
        sha: "c".repeat(40),
        short_sha: "ccccccc",
        type: "chore",
        scope: null,
        subject: "bump deps",
        group: "Chores",
        group_rank: 14,
        hidden: true,
        bump: "none",
      }),
    ],
    changelog: "## [1.5.0] - 2026-11-25\n\n### Added\n\n- **api:** add request tracing (4bd6c29)\n",
    changelog_path: "CHANGELOG.md",
    override_reason: null,
    ...overrides,
  };
}

export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  const user = overrides.user ?? "ana";
  return {
    id: 1,
    at: Date.now() - 5 * 60_000,
    actor: user,
    workspace_id: "cf1d882a935f951a",
    action: "migrate.up",
    detail: '{"database":"main","outcome":"ok"}',
    user,
    host: "build-01",
    area: "migrations",
    target: "main",
    outcome: "ok",
    ...overrides,
  };
}
