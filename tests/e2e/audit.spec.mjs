// The Audit view in the real window. Before the app starts, the CLI writes
// into the same data folder what three people did: "release-bot" generates
// a file from a blueprint in the workspace, "dba" applies a migration to its
// SQLite database, "ana" creates a demo workspace (an entry of no
// workspace). The view lists the workspace's entries with who, where, the
// area, the target and the outcome; the area filter narrows them to nothing
// and back; "All workspaces" shows all three, and a row opens to its
// redacted detail.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { CLI, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let ws;

const git = (...args) =>
  execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();

/** The CLI as another OS user. */
const cliAs = (user, args) =>
  execFileSync(CLI, args, {
    encoding: "utf8",
    env: { ...process.env, USER: user },
  });

/** Sets a <select> the way a person does (Svelte listens to "change"). */
const choose = (testid, value) =>
  s.execute(
    `const el = document.querySelector('[data-testid="${testid}"]');
     el.value = arguments[0]; el.dispatchEvent(new Event("change", { bubbles: true }));`,
    [value],
  );

const rows = () =>
  s.execute(
    `return [...document.querySelectorAll('[data-testid="audit-row"]')].map((r) => ({
       who: r.querySelector('[data-testid="audit-who"]').textContent.trim(),
       area: r.dataset.area,
       outcome: r.querySelector(".badge")?.textContent.trim() ?? null,
       text: r.textContent,
     }))`,
  );

before(async () => {
  const dir = tempDir("audit-");
  ws = join(dir, "billing");
  mkdirSync(join(ws, "blueprints/note/files/notes"), { recursive: true });
  git("init", "-q", "-b", "main");
  writeFileSync(
    join(ws, "blueprints/note/blueprint.toml"),
    'description = "A note"\n[[variables]]\nname = "name"\nprompt = "Name"\n',
  );
  writeFileSync(
    join(ws, "blueprints/note/files/notes/{{ name }}.txt"),
    "{{ name }}\n",
  );
  mkdirSync(join(ws, "migrations"));
  writeFileSync(
    join(ws, "migrations/1_invoices.sql"),
    "CREATE TABLE invoices (id BIGINT PRIMARY KEY);\n",
  );
  writeFileSync(
    join(ws, "shipdeck.toml"),
    `[databases.main]\nurl = "sqlite://${join(dir, "billing.db")}"\nmigrations = "migrations"\n`,
  );
  git("add", "-A");
  git("commit", "-q", "-m", "feat: notes");
  cliAs("release-bot", [
    "-C",
    ws,
    "blueprint",
    "new",
    "note",
    "--set",
    "name=launch",
    "--json",
  ]);
  cliAs("dba", ["-C", ws, "migrate", "up", "--json"]);
  cliAs("ana", ["demo", "create", join(dir, "demo"), "--json"]);
  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/audit"]');
});

after(async () => {
  await s?.end();
});

test("the workspace's entries show who, on which machine, the area, target and outcome", async () => {
  await s.waitFor("the audit rows", async () =>
    (await rows()).length === 2 ? true : null,
  );
  const [migration, blueprint] = await rows();
  assert.match(migration.who, /^dba@.+/);
  assert.equal(migration.area, "migrations");
  assert.match(migration.text, /migrate\.up/);
  assert.match(migration.text, /main/);
  assert.equal(migration.outcome, "ok");
  assert.match(blueprint.who, /^release-bot@.+/);
  assert.equal(blueprint.area, "blueprints");
  assert.match(blueprint.text, /blueprint\.create/);
  assert.match(blueprint.text, /billing/);
});

test("filtering by another area leaves no row, and clearing it brings it back", async () => {
  await s.waitFor("the area menu", async () =>
    (await s.find('[data-testid="audit-area"] option[value="demo"]'))
      ? true
      : null,
  );
  await choose("audit-area", "demo");
  await s.waitForText('[data-testid="audit-empty"]', "No entry matches");
  assert.equal((await rows()).length, 0);
  await choose("audit-area", "");
  await s.waitFor("the rows again", async () =>
    (await rows()).length === 2 ? true : null,
  );
});

test("all workspaces list every person's entries; a row opens to its detail", async () => {
  await s.click('input[name="audit-scope"][value="all"]');
  // Other specs' entries share the data folder: count this spec's people.
  const ours = async () =>
    (await rows()).filter((r) => /^(ana|dba|release-bot)@/.test(r.who));
  await s.waitFor("all three entries", async () =>
    (await ours()).length === 3 ? true : null,
  );
  const [newest] = await ours();
  assert.match(newest.who, /^ana@/);
  assert.equal(newest.area, "demo");
  await s.click(
    '[data-testid="audit-row"][data-area="migrations"] button.expand',
  );
  await s.waitForText('[data-testid="audit-detail"]', '"database": "main"');
  await shot(s, "audit");
});
