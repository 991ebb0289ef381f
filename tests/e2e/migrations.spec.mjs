// Migrations in the real window, on the demo workspace's SQLite database:
// the table with a lint badge, apply through the confirmation (refused when
// a migration is added after the preview, until previewed again), roll back
// the newest one, and the CLI agrees with what the window shows.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;

before(async () => {
  demo = join(tempDir("migrate-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/migrations"]');
});

after(async () => {
  await s?.end();
});

const rows = () => s.findAll('[data-testid="migration-row"]');

async function closeDialog() {
  await s.click("dialog footer button");
  await s.waitFor("the dialog to close", async () => ((await s.findAll("dialog[open]")).length === 0 ? true : null));
}

test("the table lists every migration, pending, with a lint badge", async () => {
  await s.waitForText('[data-testid="migrations-summary"]', "13 migrations: 0 applied, 13 pending");
  assert.equal((await rows()).length, 13);
  const badge = await s.waitForText('[data-testid="lint-badge"]', "error");
  const row = await s.text(await s.find('[data-testid="migration-row"]:last-child'));
  assert.match(row, /rename webhooks url/);
  assert.match(await s.attribute(badge, "title"), /renaming-column/);
  // The SQL viewer shows the finding on its line.
  await s.execute(
    "document.querySelector('[data-testid=\"migration-row\"]:last-child').scrollIntoView({ block: 'center' })",
  );
  await s.click('[data-testid="migration-row"]:last-child td:nth-child(2)');
  const viewer = await s.waitForText('[data-testid="sql-viewer"]', "RENAME COLUMN url TO target_url");
  assert.match(await s.text(viewer), /renaming-column/);
  await s.execute("document.querySelector('[data-testid=\"sql-viewer\"]').scrollIntoView({ block: 'end' })");
  await new Promise((r) => setTimeout(r, 300)); // let the scrolled frame paint
  await shot(s, "migrations-lint");
  await s.execute("document.querySelector('.content').scrollTop = 0");
});

test("apply shows what will run, refuses a plan that moved, then applies it", async () => {
  await s.click('[data-testid="apply-button"]');
  await s.waitForText('[data-testid="run-preview"]', "Apply 13 migrations, in this order");
  await shot(s, "migrations-apply-confirm");

  // A teammate's migration lands while the preview is on screen: running
  // would apply 14, not the 13 shown, so the confirmation is refused.
  writeFileSync(join(demo, "migrations/99990101000000_late_notes.up.sql"), "CREATE TABLE late_notes (id INTEGER PRIMARY KEY);\n");
  writeFileSync(join(demo, "migrations/99990101000000_late_notes.down.sql"), "DROP TABLE late_notes;\n");
  await s.click('[data-testid="run-confirm"]');
  const refused = await s.waitForText('dialog [role="alert"]', "plan changed");
  assert.equal(await s.attribute(refused, "data-code"), "migrations.plan_changed");
  const untouched = cli(["-C", demo, "migrate", "status", "--json"]);
  assert.equal(untouched.migrations.length, 14);
  assert.ok(untouched.migrations.every((m) => !m.applied), "nothing was applied");
  await new Promise((r) => setTimeout(r, 400)); // let the refusal paint
  await shot(s, "migrations-plan-changed");

  // Preview again: the new plan is what runs.
  await s.click('[data-testid="run-preview-again"]');
  await s.waitForText('[data-testid="run-preview"]', "Apply 14 migrations, in this order");
  await s.click('[data-testid="run-confirm"]');
  await s.waitForText('[data-testid="run-done"]', "Applied 14 migrations", 30_000);
  await closeDialog();
  await s.waitForText('[data-testid="migrations-summary"]', "14 applied, 0 pending");
  const status = cli(["-C", demo, "migrate", "status", "--json"]);
  assert.ok(status.migrations.every((m) => m.applied && m.checksum === "ok"));
});

test("roll back one: the newest migration is pending again", async () => {
  await s.click('[data-testid="rollback-button"]');
  const preview = await s.waitForText('[data-testid="run-preview"]', "Roll back 1 migration");
  assert.match(await s.text(preview), /rename webhooks url stays applied/);
  await shot(s, "migrations-rollback");
  await s.click('[data-testid="run-confirm"]');
  await s.waitForText('[data-testid="run-done"]', "Rolled back 1 migration");
  await closeDialog();
  await s.waitForText('[data-testid="migrations-summary"]', "13 applied, 1 pending");
  const last = await s.text(await s.find('[data-testid="migration-row"]:last-child [data-testid="migration-state"]'));
  assert.match(last, /pending/);
  const status = cli(["-C", demo, "migrate", "status", "--json"]);
  assert.equal(status.migrations.at(-1).applied, false);
  assert.equal(status.migrations.at(-2).applied, true);
  const runs = await s.waitFor("the recorded runs", () => s.find('[data-testid="migration-runs"]'));
  // Who ran it: the OS account, even though the app has no login environment.
  assert.match(await s.text(runs), new RegExp(`\\b${userInfo().username}\\b`));
  await shot(s, "migrations");
  await s.execute("document.querySelector('[data-testid=\"migration-runs\"]').scrollIntoView({ block: 'end' })");
  await new Promise((r) => setTimeout(r, 300)); // let the scrolled frame paint
  await shot(s, "migrations-history");
});
