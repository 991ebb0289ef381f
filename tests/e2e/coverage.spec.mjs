// Coverage in the real window, on a workspace made here: a small Python
// project measured with coverage.py itself (its JSON report), at two
// commits, the second tagged as a release. The CLI records the first two
// reads; opening the view reads (and records) a third. The view shows each
// area against its threshold, the trend chart with the threshold and the
// release tag, the files by uncovered lines, and a file's source with its
// uncovered lines highlighted.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { CLI, cli, launch, shot, tempDir } from "./lib/env.mjs";

// coverage.py from the tools run.sh uses (TAURI_DRIVER is $tools/tauri-driver-*/bin/…).
const tools = process.env.SHIPDECK_TOOLS ?? dirname(dirname(dirname(process.env.TAURI_DRIVER)));
const coverage = join(tools, "venv/bin/coverage");

let s;
let ws;
/** The CLI's report of the last measurement: the figures the view must show. */
let expected;

const git = (...args) => execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();
function write(rel, text) {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

const USERS = `"""Users: lookup, creation and deactivation."""


def find(users, user_id):
    for user in users:
        if user["id"] == user_id:
            return user
    return None


def create(users, name, email):
    if not name:
        raise ValueError("a user needs a name")
    if "@" not in email:
        raise ValueError("not an email address")
    user = {"id": len(users) + 1, "name": name, "email": email, "active": True}
    users.append(user)
    return user


def deactivate(users, user_id):
    user = find(users, user_id)
    if user is None:
        raise KeyError(user_id)
    user["active"] = False
    return user
`;

const PRICING = `"""Prices with discounts and tax."""

TAX = 0.2


def total(items):
    return sum(price * qty for price, qty in items)


def discounted(amount, code):
    if code == "WELCOME":
        return amount * 0.9
    if code == "VIP":
        return amount * 0.8
    return amount


def with_tax(amount):
    return round(amount * (1 + TAX), 2)
`;

/** Runs `tests` under coverage.py and writes its JSON report. */
function measure(tests) {
  write("tests/run.py", `import sys\nsys.path.insert(0, ".")\n${tests}\n`);
  execFileSync(coverage, ["run", "--source=app", "tests/run.py"], { cwd: ws });
  execFileSync(coverage, ["json", "-o", "coverage.json"], { cwd: ws });
}

/** `coverage report --json` through the CLI: the report, whatever the exit code. */
function report() {
  const out = spawnSync(CLI, ["-C", ws, "coverage", "report", "--json"], { encoding: "utf8" });
  assert.ok([0, 1].includes(out.status), out.stderr);
  return JSON.parse(out.stdout);
}

before(async () => {
  ws = join(tempDir("cov-"), "shop");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  write("app/__init__.py", "");
  write("app/api/__init__.py", "");
  write("app/api/users.py", USERS);
  write("app/core/__init__.py", "");
  write("app/core/pricing.py", PRICING);
  write(
    "shipdeck.toml",
    '[coverage.areas.api]\nglobs = ["app/api/**"]\nthreshold = 80\n\n' +
      '[coverage.areas.core]\nglobs = ["app/core/**"]\nthreshold = 60\n',
  );
  write(".gitignore", ".coverage\ncoverage.json\n__pycache__/\n");
  measure("from app.core import pricing\nassert pricing.total([(2.5, 2)]) == 5.0");
  git("add", "-A");
  git("commit", "-q", "-m", "feat: users and pricing");
  const first = report();
  assert.equal(first.reports[0].format, "coverage.py");
  measure(
    [
      "from app.api import users",
      "from app.core import pricing",
      "db = []",
      'users.create(db, "ada", "ada@example.com")',
      "assert users.find(db, 1)['name'] == 'ada'",
      "assert pricing.with_tax(pricing.discounted(pricing.total([(10, 1)]), 'VIP')) == 9.6",
    ].join("\n"),
  );
  git("add", "-A");
  git("commit", "-q", "-m", "test: users");
  git("tag", "v1.1.0");
  expected = report();

  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/coverage"]');
});

after(async () => {
  await s?.end();
});

/** The file table's paths, top to bottom. */
const paths = () =>
  s.execute(`return [...document.querySelectorAll('[data-testid="cov-file"]')].map((r) => r.dataset.path)`);

async function pathsAre(what, want) {
  let got;
  try {
    return await s.waitFor(what, async () => {
      got = await paths();
      return JSON.stringify(got) === JSON.stringify(want) ? got : null;
    });
  } catch (e) {
    assert.deepEqual(got, want, e.message);
    throw e;
  }
}

async function scrollTo(css) {
  await s.execute(`document.querySelector('${css}').scrollIntoView({ block: "start" })`);
  await new Promise((r) => setTimeout(r, 300)); // let the scrolled frame paint
}

test("areas against their thresholds, the report, and the trend with the release tag", async () => {
  await s.waitFor("both areas", async () => ((await s.findAll('[data-testid="cov-area"]')).length === 2 ? true : null), 60_000);
  for (const area of expected.areas) {
    const card = await s.find(`[data-testid="cov-area"][data-name="${area.name}"]`);
    assert.equal(await s.attribute(card, "data-passed"), String(area.passed), area.name);
    assert.match(await s.text(card), new RegExp(`${area.lines_pct.toFixed(2)} %`));
  }
  const reportRow = await s.text(await s.find('[data-testid="cov-report"]'));
  assert.match(reportRow, /coverage\.json/);
  assert.match(reportRow, /coverage\.py/);
  const lines = expected.reports[0].lines;
  assert.ok(reportRow.includes(`(${lines.covered} / ${lines.total})`), reportRow);

  // Two CLI reads and the view's own: three recorded runs, the tag drawn.
  await s.waitForText('[data-testid="cov-runs"]', "3 runs recorded", 30_000);
  const chart = await s.waitFor("the annotated chart", async () => {
    const svg = await s.find('[data-testid="cov-trend"] [data-testid="chart"]');
    return svg && (await s.text(svg)).includes("v1.1.0") ? svg : null;
  }, 30_000);
  assert.match(await s.attribute(chart, "aria-label"), /^api: line coverage over 3 runs/);
  assert.match(await s.text(chart), /threshold/);
  // The chart's table lists each run, oldest first, even two read within one second.
  const listed = await s.execute(
    `return [...document.querySelectorAll('[data-testid="cov-trend"] tbody tr')].map((r) => r.innerText.replace(/\\s+/g, " ").trim())`,
  );
  assert.equal(listed.length, 3, JSON.stringify(listed));
  assert.match(listed[2], /^#\d+ v1\.1\.0 57\.9$/);
  assert.match(listed[0], /^#\d+ [0-9a-f]{7} 0$/, "api untested at first");
  const h = cli(["-C", ws, "coverage", "history", "--area", "api", "--json"]);
  assert.equal(h.runs.length, 3);
  assert.deepEqual(h.runs.map((r) => r.tags), [["v1.1.0"], ["v1.1.0"], []], "newest first");
  assert.equal(h.runs.at(-1).areas[0].lines_pct, 0, "api untested at first");
});

test("files by uncovered lines, sorted and filtered, and the source with its misses", async () => {
  await pathsAre("most uncovered first", [
    "app/api/users.py",
    "app/core/pricing.py",
    "app/__init__.py",
    "app/api/__init__.py",
    "app/core/__init__.py",
  ]);
  await s.click('[data-testid="cov-sort-path"]');
  await pathsAre("by path", [
    "app/__init__.py",
    "app/api/__init__.py",
    "app/api/users.py",
    "app/core/__init__.py",
    "app/core/pricing.py",
  ]);
  await s.type('[data-testid="cov-file-filter"]', "users");
  await pathsAre("the filter", ["app/api/users.py"]);
  await s.click('[data-testid="cov-file"][data-path="app/api/users.py"] [data-testid="cov-file-open"]');
  const viewer = await s.waitFor("the source viewer", () => s.find('[data-testid="cov-source"]'), 15_000);
  assert.equal(await s.attribute(viewer, "data-path"), "app/api/users.py");
  const states = await s.execute(
    `return Object.fromEntries([...document.querySelectorAll('[data-testid="cov-line"]')].map((l) => [l.dataset.line, l.dataset.state]))`,
  );
  // create() ran with good input: its raises did not; deactivate() never ran.
  assert.equal(states["13"], "miss", "raise ValueError(\"a user needs a name\")");
  assert.equal(states["16"], "hit", "user = {…}");
  assert.equal(states["23"], "miss", "deactivate's body");
  assert.equal(states["4"], "hit", "def find");
  assert.equal(states["1"], "none", "coverage.py does not count a docstring");
  assert.equal(states["2"], "none", "nor a blank line");
  const red = await s.execute(
    `return getComputedStyle(document.querySelector('[data-testid="cov-line"][data-line="13"]')).backgroundColor`,
  );
  assert.notEqual(red, "rgba(0, 0, 0, 0)", "an uncovered line is highlighted");
  const misses = Object.values(states).filter((x) => x === "miss").length;
  await s.waitForText('[data-testid="cov-source-misses"]', `${misses} uncovered`);
  // Clear the filter so the table and the viewer show together.
  await s.execute(`const i = document.querySelector('[data-testid="cov-file-filter"]');
    i.value = ""; i.dispatchEvent(new Event("input", { bubbles: true }));`);
  await s.click('[data-testid="cov-sort-uncovered"]');
  await pathsAre("most uncovered first again", [
    "app/api/users.py",
    "app/core/pricing.py",
    "app/__init__.py",
    "app/api/__init__.py",
    "app/core/__init__.py",
  ]);
  await scrollTo('[data-testid="cov-files"]');
  await shot(s, "coverage-source");
  await scrollTo(".page");
  await shot(s, "coverage");
});
