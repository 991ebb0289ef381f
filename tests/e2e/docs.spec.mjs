// Docs in the real window, on a git repository made here: a page that
// links to code changed after it (stale, with the commit that did it), a
// broken link and a broken anchor next to a good one, and a fresh README.
// The view shows what `shipdeck docs check --json` reports, stale first;
// "Mark reviewed" makes the page fresh.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { CLI, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let ws;
/** The CLI's report of the same workspace: what the view must show. */
let expected;

const git = (...args) =>
  execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();
function write(rel, text) {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}
function check() {
  const out = spawnSync(CLI, ["-C", ws, "docs", "check", "--json"], {
    encoding: "utf8",
  });
  return {
    status: out.status,
    report: JSON.parse(out.stdout),
    stderr: out.stderr,
  };
}

function writeRepo() {
  write(
    "src/billing/refund.rs",
    "pub fn refund(cents: u64) -> u64 {\n    cents\n}\n",
  );
  write("README.md", "# Shop\n\nSee [billing](docs/billing.md#usage).\n");
  write(
    "docs/billing.md",
    "# Billing\n\nRefunds live in [refund.rs](../src/billing/refund.rs) " +
      "(`src/billing/refund.rs`).\n\n## Usage\n\nSee [usage](#usage), " +
      "[the old guide](old-guide.md) and [limits](#limits).\n",
  );
}

before(async () => {
  ws = join(tempDir("docs-"), "shop");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  writeRepo();
  git("add", "-A");
  git("commit", "-q", "-m", "docs: billing page");
  write(
    "src/billing/refund.rs",
    "/// Refunds at most the amount paid.\npub fn refund(cents: u64, paid: u64) -> u64 {\n" +
      "    cents.min(paid)\n}\n",
  );
  git("commit", "-q", "-am", "Cap refunds at the amount paid");
  const out = check();
  assert.equal(out.status, 1, `stale and broken: exit 1\n${out.stderr}`);
  expected = out.report;
  assert.equal(expected.summary.stale, 1);
  assert.equal(expected.summary.broken_links, 2);

  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/docs"]');
});

after(async () => {
  await s?.end();
});

const pageSel = (path) => `[data-testid="docs-page"][data-path="${path}"]`;

test("the stale page first with its commit, diff stat and broken links, as the CLI reports", async () => {
  await s.waitFor(
    "the pages",
    async () =>
      (await s.findAll('[data-testid="docs-page"]')).length ===
      expected.docs.length
        ? true
        : null,
    60_000,
  );
  const order = await s.execute(
    `return [...document.querySelectorAll('[data-testid="docs-page"]')].map((p) => p.dataset.path)`,
  );
  assert.equal(order[0], "docs/billing.md");
  assert.deepEqual([...order].sort(), expected.docs.map((d) => d.path).sort());

  const billing = expected.docs.find((d) => d.path === "docs/billing.md");
  assert.equal(billing.stale, true);
  const text = await s.text(await s.find(pageSel("docs/billing.md")));
  for (const c of billing.stale_commits) {
    assert.ok(text.includes(c.subject), text);
    assert.ok(text.includes(c.author), text);
    assert.ok(text.includes(c.date.slice(0, 10)), text);
  }
  assert.match(text, /Cap refunds at the amount paid/);
  const u = billing.suggested_update;
  assert.ok(
    text.includes(`+${u.insertions}`) && text.includes(`−${u.deletions}`),
    text,
  );
  assert.ok(text.includes("src/billing/refund.rs"), text);
  const broken = await s.execute(
    `return [...document.querySelectorAll('${pageSel("docs/billing.md")} [data-testid="docs-broken-link"]')].map((r) => r.dataset.target)`,
  );
  assert.deepEqual(
    broken,
    billing.broken_links.map((l) => l.target),
  );
  assert.deepEqual([...broken].sort(), ["#limits", "old-guide.md"]);
  assert.match(
    await s.text(await s.find('[data-testid="docs-summary"]')),
    /2 pages · 1 stale · 2 broken links/,
  );
  // Let the window paint the view before the capture.
  await s.execute(
    "document.querySelector('.page').scrollIntoView({ block: 'start' })",
  );
  await new Promise((r) => setTimeout(r, 500));
  await shot(s, "docs-check");
});

test("marking the page reviewed makes it fresh, in the view and for the CLI", async () => {
  await s.click(
    `${pageSel("docs/billing.md")} [data-testid="docs-mark-reviewed"]`,
  );
  await s.waitFor(
    "the review",
    async () =>
      (await s.findAll('[data-testid="docs-reviewed"]')).length === 1
        ? true
        : null,
    60_000,
  );
  assert.equal((await s.findAll('[data-testid="docs-stale"]')).length, 0);
  assert.match(
    await s.text(await s.find('[data-testid="docs-summary"]')),
    /0 stale/,
  );
  const after = check().report;
  assert.equal(after.summary.stale, 0);
  const billing = after.docs.find((d) => d.path === "docs/billing.md");
  assert.equal(billing.reviewed.commit, git("rev-parse", "HEAD"));
});
