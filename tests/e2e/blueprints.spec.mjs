// Blueprints in the real window, on a fresh workspace made here (a git
// repository with a package.json, so the JavaScript files are chosen): pick
// the shipped api-endpoint blueprint, fill its form, preview the diff,
// create. The files land on disk, the checklist page is shown, and the
// audit log holds the generation.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let ws;

const git = (...args) =>
  execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();

before(async () => {
  ws = join(tempDir("blueprints-"), "orders-api");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  writeFileSync(
    join(ws, "package.json"),
    '{"name":"orders-api","private":true,"type":"module"}\n',
  );
  git("add", "-A");
  git("commit", "-q", "-m", "feat: start the orders API");
  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/blueprints"]');
});

after(async () => {
  await s?.end();
});

test("a bad name is refused inline; the preview shows the diff of every new file", async () => {
  await s.click('[data-testid="blueprint-api-endpoint"]');
  await s.type('[data-testid="var-name"]', "9 lives");
  await s.waitForText('[data-testid="var-name-error"]', "Must match");
  const disabled = await s.execute(
    `return document.querySelector('[data-testid="blueprint-preview"]').disabled`,
  );
  assert.equal(disabled, true);

  await s.type('[data-testid="var-name"]', "list orders");
  await s.execute(
    `const el = document.querySelector('[data-testid="var-method"]');
     el.value = "POST"; el.dispatchEvent(new Event("change", { bubbles: true }));`,
  );
  await s.click('[data-testid="blueprint-preview"]');
  await s.waitForText(
    '[data-testid="blueprint-diff"]',
    "+++ b/docs/features/list-orders.md",
  );
  const diff = await s.text(await s.find('[data-testid="blueprint-diff"]'));
  assert.match(diff, /POST/);
  assert.equal(
    existsSync(join(ws, "docs/features/list-orders.md")),
    false,
    "a preview writes nothing",
  );
  await s.execute(
    "document.querySelector('.page-header').scrollIntoView({ block: 'start' })",
  );
  await new Promise((r) => setTimeout(r, 300));
  await shot(s, "blueprints");
});

test("create writes the files, shows the checklist, and is audited", async () => {
  await s.execute(
    `document.querySelector('[data-testid="blueprint-create"]').scrollIntoView({ block: "center" })`,
  );
  await s.click('[data-testid="blueprint-create"]');
  await s.waitForText('[data-testid="blueprint-checklist"]', "- [");
  const listed = await s.execute(
    `return [...document.querySelectorAll('[data-testid="blueprint-created"] li')].map((li) => li.textContent)`,
  );
  assert.ok(listed.length >= 2, `files: ${listed}`);
  for (const rel of listed)
    assert.ok(existsSync(join(ws, rel)), `${rel} on disk`);
  const checklist = await s.text(
    await s.find('[data-testid="blueprint-checklist"]'),
  );
  const onDisk = readFileSync(join(ws, "docs/features/list-orders.md"), "utf8");
  assert.equal(checklist.trim(), onDisk.trim());

  const { audit } = cli(["-C", ws, "activity", "--audit", "--json"]);
  const entry = audit.find((e) => e.action === "blueprint.create");
  assert.ok(entry, `audit: ${JSON.stringify(audit)}`);
  const detail = JSON.parse(entry.detail);
  assert.equal(detail.blueprint, "api-endpoint");
  assert.equal(detail.values.method, "POST");
  assert.deepEqual([...detail.files].sort(), [...listed].sort());
});

test("generating the same feature again is refused with the existing files", async () => {
  await s.execute(
    "document.querySelector('.page-header').scrollIntoView({ block: 'start' })",
  );
  await s.click('[data-testid="blueprint-api-endpoint"]');
  await s.type('[data-testid="var-name"]', "list orders");
  await s.click('[data-testid="blueprint-preview"]');
  await s.waitForText('[role="alert"]', "already exist");
  const alert = await s.text(await s.find('[role="alert"]'));
  assert.match(alert, /nothing was written/);
});
