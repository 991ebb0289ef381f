//! Vitest's V8 coverage, produced in the test by the Vitest the UI builds
//! with (`ui/node_modules`, pinned `@vitest/coverage-v8`): the
//! `coverage-final.json`, `coverage-summary.json` and `lcov.info` it writes
//! for one run must all read as the totals its own summary states.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

const CALC: &str = "export function classify(n) {
  if (n < 0) {
    return \"neg\";
  } else if (n === 0) {
    return \"zero\";
  }
  const parts = [1, 2, 3].map((i) => (i > n ? \"big\" : \"small\"));
  let seen = 0;
  for (const p of parts) {
    if (p === \"big\") {
      seen++;
    }
  }
  return seen > 0 ? \"some\" : \"pos\";
}

export function unused(x) {
  const y = x * 2;
  return y + 1;
}
";

const TEST: &str = "import { expect, test } from \"vitest\";
import { classify } from \"./src/calc.js\";

test(\"classify\", () => {
  expect(classify(2)).toBe(\"some\");
  expect(classify(-1)).toBe(\"neg\");
});
";

const CONFIG: &str = "export default {
  test: {
    include: [\"*.test.js\"],
    coverage: {
      enabled: true,
      provider: \"v8\",
      include: [\"src/**\"],
      reporter: [\"json\", \"json-summary\", \"lcov\"],
      reportsDirectory: \"coverage\",
    },
  },
};
";

/// The UI's node_modules, where scripts/setup.sh installs Vitest.
fn ui_modules() -> PathBuf {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules");
    assert!(
        modules.join("@vitest/coverage-v8/package.json").is_file() && modules.join(".bin/vitest").is_file(),
        "Vitest with @vitest/coverage-v8 is missing under {}: run scripts/setup.sh (npm ci in ui/)",
        modules.display()
    );
    modules.canonicalize().unwrap()
}

#[test]
fn vitest_v8_reports_read_as_vitest_summarises_them() {
    let modules = ui_modules();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    common::write(&root, "src/calc.js", CALC);
    common::write(&root, "calc.test.js", TEST);
    common::write(&root, "vitest.config.mjs", CONFIG);
    std::os::unix::fs::symlink(&modules, root.join("node_modules")).unwrap();
    let root_arg = root.to_str().unwrap();
    common::run_tool(&root, &modules.join(".bin/vitest"), &["run", "--root", root_arg]);

    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("coverage/coverage-summary.json")).unwrap())
            .unwrap();
    let lines = &summary["total"]["lines"];
    let want = (
        lines["covered"].as_u64().unwrap(),
        lines["total"].as_u64().unwrap(),
    );
    let branches = &summary["total"]["branches"];
    let want_br = (
        branches["covered"].as_u64().unwrap(),
        branches["total"].as_u64().unwrap(),
    );
    assert!(want.1 > want.0 && want.0 > 0, "a partly covered run: {summary}");

    let r = common::run(&root, &[]).unwrap();
    let formats: Vec<&str> = r.reports.iter().map(|x| x.format).collect();
    assert_eq!(formats, ["istanbul", "istanbul-summary", "lcov"], "{r:?}");
    for x in &r.reports {
        assert_eq!((x.lines.covered, x.lines.total), want, "{}", x.path);
        let b = x.branches.unwrap();
        assert_eq!((b.covered, b.total), want_br, "{}", x.path);
        assert_eq!(x.files, 1, "{}", x.path);
    }
    // The merged line map of the source file has Vitest's line count too.
    let calc = &r.files["src/calc.js"];
    assert_eq!(calc.lines.len() as u64, want.1);
}
