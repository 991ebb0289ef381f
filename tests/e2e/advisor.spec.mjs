// The Advisor in the real window, on the demo workspace's SQLite database
// (migrations applied with the CLI): run the checks, read a finding's
// evidence, accept a fix as a migration (the file is really written and
// holds CREATE INDEX), dismiss another with a reason, and see the charts
// and the schema's ER diagram.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;

const FK_ACCEPT = "foreign_key_without_index|api_tokens||user_id|";
const FK_DISMISS = "foreign_key_without_index|audit_events||actor_id|";
const finding = (key) => `[data-testid="advisor-finding"][data-key="${key}"]`;

before(async () => {
  demo = join(tempDir("advisor-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  cli(["-C", demo, "migrate", "up", "--json"]);
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/advisor"]');
});

after(async () => {
  await s?.end();
});

/** A screenshot once the last change is painted (WebKit may hand back the
 * previous frame otherwise). */
async function snap(name) {
  await new Promise((r) => setTimeout(r, 400));
  await shot(s, name);
}

/** Scrolls an element into the middle of the view and lets the frame paint. */
async function reveal(css, block = "center") {
  await s.execute(`document.querySelector(${JSON.stringify(css)}).scrollIntoView({ block: "${block}" })`);
}

async function expand(key) {
  await s.click(`${finding(key)} button[aria-expanded]`);
  return s.waitFor(`${key} expanded`, () => s.find(`${finding(key)} [data-testid="finding-detail"]`));
}

test("nothing runs on open; Run checks finds the demo's unindexed foreign keys", async () => {
  await s.waitForText('[data-testid="advisor-never-run"]', "Run checks to see recommendations");
  await s.waitForText('[data-testid="advisor-info"]', "main · SQLite");
  await s.click('[data-testid="run-checks"]');
  await s.waitFor("the findings", () => s.find(finding(FK_ACCEPT)), 30_000);
  const counts = await s.text(await s.find('[data-testid="severity-counts"]'));
  assert.match(counts, /Critical 0/);
  assert.match(counts, /Warning 9/);
  const groups = await s.findAll('[data-testid="severity-group"]');
  const severities = await Promise.all(groups.map((g) => s.attribute(g, "data-severity")));
  assert.deepEqual(severities, ["warning", "info"]);
  await s.waitForText('[data-testid="advisor-info"]', "last run");
  await snap("advisor");
});

test("a finding expands to its evidence, plan, verification and fix", async () => {
  const key = "temp_b_tree|deployments||release_id,started_at|";
  const keys = await Promise.all(
    (await s.findAll('[data-testid="advisor-finding"][data-check="temp_b_tree"]')).map((f) => s.attribute(f, "data-key")),
  );
  const sortKey = keys.find((k) => k.startsWith("temp_b_tree|deployments")) ?? key;
  const detail = await expand(sortKey);
  const text = await s.text(detail);
  assert.match(text, /Why it matters/);
  assert.match(text, /WHERE release_id = \?/);
  assert.match(text, /TEMP B-TREE/);
  assert.match(text, /Verified on a scratch copy/);
  assert.match(text, /CREATE INDEX IF NOT EXISTS deployments_release_id_started_at_idx/);
  assert.match(text, /First seen in this run/);
  await reveal(`${finding(sortKey)} [data-testid="finding-detail"]`);
  await snap("advisor-finding");
  await s.click(`${finding(sortKey)} button[aria-expanded]`);
});

test("Accept writes the fix as a linted migration", async () => {
  await expand(FK_ACCEPT);
  await s.click(`${finding(FK_ACCEPT)} [data-testid="accept-button"]`);
  const file = await s.text(await s.waitFor("the written file", () => s.find('[data-testid="accepted-file"]')));
  assert.match(file, /^migrations\/\d{14}_add_api_tokens_user_id_idx\.up\.sql$/);
  await s.waitForText('[data-testid="sql-viewer"]', "CREATE INDEX");
  assert.match(await s.text(await s.find('[data-testid="accept-lint"]')), /Lint: /);
  await snap("advisor-accept");

  const path = join(demo, file);
  assert.ok(existsSync(path), `${path} exists`);
  assert.match(readFileSync(path, "utf8"), /CREATE INDEX IF NOT EXISTS api_tokens_user_id_idx ON api_tokens \(user_id\);/);
  const status = cli(["-C", demo, "migrate", "status", "--json"]);
  const last = status.migrations.at(-1);
  assert.equal(last.applied, false);
  assert.match(last.description, /api tokens user id idx/);

  // "Open in Migrations" goes there, where the new file is pending.
  await s.click('[data-testid="open-migrations"]');
  await s.waitForText('[data-testid="migrations-summary"]', "1 pending");
  await s.click('a[href="#/advisor"]');
  await s.waitFor("the findings again", () => s.find(finding(FK_DISMISS)));
});

test("Dismiss needs a reason and hides the finding", async () => {
  await expand(FK_DISMISS);
  await s.click(`${finding(FK_DISMISS)} [data-testid="dismiss-button"]`);
  const confirm = await s.waitFor("the dismiss dialog", () => s.find('[data-testid="dismiss-confirm"]'));
  assert.equal(await s.attribute(confirm, "disabled"), "true");
  await s.type('[data-testid="dismiss-reason"]', "audit events are never deleted");
  await s.click('[data-testid="dismiss-confirm"]');
  await s.waitForText('[data-testid="dismissed-count"]', "1 dismissed");
  assert.equal((await s.findAll(finding(FK_DISMISS))).length, 0);
  await s.click('[data-testid="show-dismissed"]');
  const row = await s.waitForText('[data-testid="dismissed-row"]', "audit events are never deleted");
  assert.match(await s.text(row), /audit_events \(actor_id\)/);

  // The CLI's next run agrees: the dismissed finding is left out.
  const run = cli(["-C", demo, "advisor", "run", "--json"]);
  assert.equal(run.dismissed, 1);
  assert.ok(!run.findings.some((f) => f.key === FK_DISMISS));
});

test("Suggest an index answers for one query, verified on a scratch copy", async () => {
  await s.click('[data-testid="tab-suggest"]');
  await s.type('[data-testid="suggest-query"]', "SELECT user_id, expires_at FROM sessions WHERE token_hash = ?");
  await s.click('[data-testid="suggest-submit"]');
  const result = await s.waitFor("the suggestion", () => s.find('[data-testid="suggest-result"]'));
  const text = await s.text(result);
  assert.match(text, /CREATE INDEX/);
  assert.match(text, /sessions \(token_hash\)/);
  assert.match(text, /Verified on a scratch copy/);
});

test("the charts tab draws the stored runs", async () => {
  await s.click('[data-testid="tab-charts"]');
  await s.waitFor("the table sizes chart", () => s.find('[data-testid="chart-tables"] svg'));
  // SQLite keeps no statement statistics; the view says where they come from.
  assert.match(await s.text(await s.find('[data-testid="charts-missing"]')), /no statement statistics/);
  await snap("advisor-charts");
});

test("the schema tab shows the ER diagram and writes the domain model page", async () => {
  await s.click('[data-testid="tab-schema"]');
  await s.waitFor("the ER diagram", () => s.find('[data-testid="er-diagram"] svg'), 30_000);
  assert.equal((await s.findAll('[data-testid="er-source"]')).length, 0, "Mermaid drew the diagram");
  const drift = await s.waitForText('[data-testid="schema-drift"]', "docs/domain-model.md");
  assert.match(await s.text(drift), /has drifted: \d+ tables added/);
  const labels = await s.execute(
    "return [...document.querySelectorAll('[data-testid=\"er-diagram\"] svg text, [data-testid=\"er-diagram\"] svg .nodeLabel')].map((t) => t.textContent).join(' ')",
  );
  assert.match(labels, /deployments/);
  await snap("advisor-schema");

  await s.click('[data-testid="write-docs"]');
  await s.waitForText('[data-testid="schema-drift"]', "is up to date");
  assert.match(readFileSync(join(demo, "docs/domain-model.md"), "utf8"), /erDiagram/);
});
