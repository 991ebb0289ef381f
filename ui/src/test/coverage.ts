// Coverage data for component tests (shapes from the generated bindings).
import type { CoverageRun } from "../lib/bindings/CoverageRun";
import type { CoverageView } from "../lib/bindings/CoverageView";
import type { FileRow } from "../lib/bindings/FileRow";

const pct = (c: number, t: number) => (t === 0 ? 100 : Math.round((c * 10_000) / t) / 100);

/** A file whose line i + 1 ran `hits[i]` times. */
export function fileRow(path: string, hits: number[]): FileRow {
  const covered = hits.filter((h) => h > 0).length;
  return {
    path,
    covered,
    total: hits.length,
    pct: pct(covered, hits.length),
    uncovered: hits.length - covered,
    lines: hits.map((h, i) => [i + 1, h] as [number, number]),
    lines_omitted: false,
  };
}

export function view(): CoverageView {
  const files = [
    fileRow("src/api/users.py", [1, 1, 0, 0, 0]),
    fileRow("src/api/orders.py", [3, 0]),
    fileRow("web/src/lib/cart.ts", [0, 1, 1, 1]),
  ];
  return {
    report: {
      reports: [
        {
          path: "coverage.json",
          format: "coverage.py",
          lines: { covered: 3, total: 7, pct: 42.86 },
          branches: null,
          files: 2,
        },
        {
          path: "web/coverage/coverage-final.json",
          format: "istanbul",
          lines: { covered: 3, total: 4, pct: 75 },
          branches: { covered: 1, total: 2, pct: 50 },
          files: 1,
        },
      ],
      areas: [
        {
          name: "backend",
          globs: ["**/*.py"],
          lines_pct: 42.86,
          threshold: 70,
          passed: false,
          lines_covered: 3,
          lines_total: 7,
        },
        {
          name: "frontend",
          globs: ["**/*.ts"],
          lines_pct: 75,
          threshold: 50,
          passed: true,
          lines_covered: 3,
          lines_total: 4,
        },
      ],
      passed: false,
      skipped: [],
    },
    files,
  };
}

export function run(at: number, tags: string[] = []): CoverageRun {
  const v = view().report;
  return {
    id: at,
    at,
    commit_sha: "5e0c72a842114fe6a87f1511898db04d9bba316d",
    branch: "main",
    tags,
    passed: v.passed,
    lines: { covered: 6, total: 11, pct: 54.55 },
    areas: v.areas.map((a) => ({
      name: a.name,
      lines_covered: a.lines_covered,
      lines_total: a.lines_total,
      lines_pct: a.lines_pct,
      threshold: a.threshold,
      passed: a.passed,
    })),
    reports: [],
  };
}
