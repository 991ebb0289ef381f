// Realistic Dependencies rows for the view's tests (shapes from the bindings).
import type { Outdated } from "../lib/bindings/Outdated";
import type { OutdatedReport } from "../lib/bindings/OutdatedReport";
import type { UpdateOutcome } from "../lib/bindings/UpdateOutcome";

export function dep(over: Partial<Outdated>): Outdated {
  return {
    ecosystem: "npm",
    name: "left-pad",
    manifest: "package.json",
    requirement: "^1.1.0",
    current: "1.1.0",
    wanted: "1.3.0",
    latest: "1.3.0",
    class: "minor",
    kind: "dependencies",
    released: "2024-09-05T00:40:51.026Z",
    homepage: null,
    repository: "https://github.com/stevemao/left-pad",
    release_notes: "https://github.com/stevemao/left-pad/releases",
    advisories: [],
    group: null,
    error: null,
    ...over,
  };
}

export function report(): OutdatedReport {
  return {
    schedule: "weekly",
    warnings: [],
    dependencies: [
      dep({}),
      dep({
        ecosystem: "cargo",
        name: "serde",
        manifest: "Cargo.toml",
        requirement: "1.0.100",
        current: "1.0.100",
        wanted: "1.0.215",
        latest: "1.0.215",
        class: "patch",
        release_notes: null,
        repository: "https://github.com/serde-rs/serde",
      }),
      dep({
        name: "lodash",
        manifest: "web/package.json",
        requirement: "^4.17.20",
        current: "4.17.20",
        wanted: "4.17.21",
        latest: "4.17.21",
        class: "patch",
        advisories: ["GHSA-35jh-r3h4-6jhm"],
      }),
      dep({
        ecosystem: "pypi",
        name: "requests",
        manifest: "pyproject.toml",
        requirement: ">=2.0",
        current: "2.32.3",
        wanted: "2.32.3",
        latest: "2.32.3",
        class: null,
        kind: "project",
      }),
      dep({
        ecosystem: "pypi",
        name: "internal-sdk",
        manifest: "pyproject.toml",
        requirement: ">=1",
        current: "1.2.0",
        wanted: null,
        latest: null,
        class: null,
        kind: "project",
        error: {
          code: "dependencies.registry_status",
          message: "https://pypi.example.com/simple/internal-sdk/ answered 401",
          hint: "Check the index credentials in pip.conf",
        },
      }),
      dep({
        name: "react",
        current: "17.0.2",
        wanted: "17.0.2",
        latest: "18.3.1",
        requirement: "^17.0.2",
        class: "major",
      }),
    ],
  };
}

/** The dry run (or, with `commit`, the result) of updating left-pad. */
export function outcome(dryRun: boolean): UpdateOutcome {
  return {
    dry_run: dryRun,
    base: "5e0c72a842114fe6a87f1511898db04d9bba316d",
    digest: "sha256:9a1f",
    branches: [
      {
        branch: "shipdeck/deps/npm-left-pad-1.3.0",
        commit: dryRun ? null : "77aa01b2c3d4e5f60718293a4b5c6d7e8f901234",
        message: "chore(deps): bump left-pad from 1.1.0 to 1.3.0",
        bumps: [
          {
            ecosystem: "npm",
            name: "left-pad",
            manifest: "package.json",
            from: "1.1.0",
            to: "1.3.0",
            class: "minor",
            requirement_from: "^1.1.0",
            requirement_to: "^1.3.0",
            advisories: [],
            group: null,
          },
        ],
        diff: '--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-  "left-pad": "^1.1.0"\n+  "left-pad": "^1.3.0"\n',
        commands: ["npm install --package-lock-only --ignore-scripts"],
      },
    ],
  };
}
