// The Audit view in the real window. Before the app starts, the CLI writes
// into the same data folder what two people did: "release-bot" generates a
// file from a blueprint in the workspace, "ana" creates a demo workspace
// (an entry of no workspace). The view lists the workspace's entry with
// who, where and the area; the area filter narrows it to nothing and back;
// "All workspaces" shows both, and a row opens to its redacted detail.
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
  cliAs("ana", ["demo", "create", join(dir, "demo"), "--json"]);
  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/audit"]');
});

after(async () => {
  await s?.end();
});

test("the workspace's entry shows who, on which machine, and the area", async () => {
  await s.waitFor("the audit rows", async () =>
    (await rows()).length === 1 ? true : null,
  );
  const [row] = await rows();
  assert.match(row.who, /^release-bot@.+/);
  assert.equal(row.area, "blueprints");
  assert.match(row.text, /blueprint\.create/);
  assert.match(row.text, /billing/);
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
  await s.waitFor("the row again", async () =>
    (await rows()).length === 1 ? true : null,
  );
});

test("all workspaces list both people's entries; a row opens to its detail", async () => {
  await s.click('input[name="audit-scope"][value="all"]');
  await s.waitFor("both entries", async () =>
    (await rows()).length === 2 ? true : null,
  );
  const [newest, older] = await rows();
  assert.match(newest.who, /^ana@/);
  assert.equal(newest.area, "demo");
  assert.match(older.who, /^release-bot@/);
  await s.click('[data-testid="audit-row"]:last-of-type button.expand');
  await s.waitForText('[data-testid="audit-detail"]', '"blueprint": "note"');
  await shot(s, "audit");
});
