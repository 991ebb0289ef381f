// Dependencies in the real window, on a workspace made here: an npm project
// whose own .npmrc names a registry this spec serves on 127.0.0.1 with the
// real packuments of left-pad, uuid and semver (the dependencies crate's
// fixtures). The Outdated table shows each with its locked, wanted and
// latest version and class; the filters narrow it; selecting uuid (a major
// update, so the manifest's requirement moves) and "Create update branch"
// shows the exact diff of a dry run, and Confirm makes the branch.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { launch, shot, tempDir } from "./lib/env.mjs";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../crates/shipdeck-dependencies/tests/fixtures/npm");
const packuments = Object.fromEntries(
  ["left-pad", "uuid", "semver"].map((name) => [name, readFileSync(join(fixtures, `${name}.json`), "utf8")]),
);
/** name → [requirement, locked version] */
const deps = { "left-pad": ["^1.1.0", "1.1.0"], uuid: ["^9.0.0", "9.0.0"], semver: ["~7.8.0", "7.8.0"] };

let s;
let ws;
let registry;
/** Paths the registry was asked for. */
const asked = [];

/**
 * An npm registry on 127.0.0.1: `/<name>` answers the packument. It also
 * answers OSV's `/v1/querybatch` with "no advisory" for every query, so the
 * security labels are asked of it and never of the public API.
 */
function registryServer() {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      asked.push(req.url);
      if (req.method === "POST" && req.url === "/v1/querybatch") {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          const { queries = [] } = JSON.parse(body || "{}");
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ results: queries.map(() => ({})) }));
        });
        return;
      }
      const name = decodeURIComponent(req.url.slice(1));
      if (req.method === "GET" && Object.hasOwn(packuments, name)) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(packuments[name]);
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"error":"not found"}');
      }
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const git = (...args) => execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();
function write(rel, text) {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

/** package-lock.json (v3) locking each dependency as npm would, from the packument. */
function lockfile(requires) {
  const packages = { "": { name: "web", version: "1.0.0", dependencies: requires } };
  for (const [name, [, version]] of Object.entries(deps)) {
    const dist = JSON.parse(packuments[name]).versions[version].dist;
    packages[`node_modules/${name}`] = { version, resolved: dist.tarball, integrity: dist.integrity };
  }
  return JSON.stringify({ name: "web", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2) + "\n";
}

before(async () => {
  registry = await registryServer();
  ws = join(tempDir("deps-"), "web");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  const requires = Object.fromEntries(Object.entries(deps).map(([n, [req]]) => [n, req]));
  write("package.json", JSON.stringify({ name: "web", version: "1.0.0", dependencies: requires }, null, 2) + "\n");
  write("package-lock.json", lockfile(requires));
  write(".npmrc", `registry=http://127.0.0.1:${registry.address().port}/\n`);
  const origin = `http://127.0.0.1:${registry.address().port}`;
  write("shipdeck.toml", `[security.vulns]\nosv_url = "${origin}"\n\n[dependencies]\nschedule = "weekly"\n`);
  git("add", "-A");
  git("commit", "-q", "-m", "feat: web app");

  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/dependencies"]');
});

after(async () => {
  await s?.end();
  registry?.close();
});

/** After two frames: what the DOM says is on screen. */
function painted() {
  return s.cmd("POST", "/execute/async", {
    script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    args: [],
  });
}

/** The visible rows as `name current wanted latest class`. */
async function rows() {
  return s.execute(`return [...document.querySelectorAll('[data-testid="dep-row"]')].map((r) =>
    [r.dataset.name, ...["dep-current", "dep-wanted", "dep-latest"].map((t) => r.querySelector('[data-testid="' + t + '"]').innerText), r.dataset.class].join(" "))`);
}

async function rowsAre(what, want) {
  let got;
  try {
    return await s.waitFor(what, async () => {
      got = await rows();
      return JSON.stringify(got) === JSON.stringify(want) ? got : null;
    }, 30_000);
  } catch (e) {
    assert.deepEqual(got, want, e.message);
    throw e;
  }
}

test("Outdated: each dependency with its locked, wanted and latest version, read from the workspace's registry", async () => {
  await rowsAre("the three rows, largest class first", [
    "uuid 9.0.0 9.0.1 14.0.3 major",
    "left-pad 1.1.0 1.3.0 1.3.0 minor",
    "semver 7.8.0 7.8.6 7.8.6 patch",
  ]);
  for (const name of ["/left-pad", "/uuid", "/semver"]) assert.ok(asked.includes(name), `${name} asked of ${asked}`);
  assert.match(await s.text(await s.find('[data-testid="deps-summary"]')), /3 dependencies behind of 3/);
  assert.equal(await s.text(await s.find('[data-testid="deps-schedule"]')), "checked weekly", "[dependencies] schedule");
  const leftPad = await s.find('[data-testid="dep-row"][data-name="left-pad"]');
  assert.match(await s.text(leftPad), /package\.json/);
  assert.match(await s.text(leftPad), /2024-09-05/, "the release day of 1.3.0");

  await s.click('[data-testid="deps-filter-class"] option[value="patch"]');
  await rowsAre("patch updates only", ["semver 7.8.0 7.8.6 7.8.6 patch"]);
  await s.click('[data-testid="deps-filter-class"] option[value="behind"]');
  await s.type('[data-testid="deps-filter-text"]', "pad");
  await rowsAre("the text filter", ["left-pad 1.1.0 1.3.0 1.3.0 minor"]);
  await s.execute(`const i = document.querySelector('[data-testid="deps-filter-text"]');
    i.value = ""; i.dispatchEvent(new Event("input", { bubbles: true }));`);
  await rowsAre("every row again", [
    "uuid 9.0.0 9.0.1 14.0.3 major",
    "left-pad 1.1.0 1.3.0 1.3.0 minor",
    "semver 7.8.0 7.8.6 7.8.6 patch",
  ]);
  await s.click('[data-testid="dep-row"][data-name="uuid"] [data-testid="dep-select"]');
  await s.waitForText('[data-testid="deps-selected"]', "1 dependency selected");
  await painted();
  await shot(s, "dependencies-outdated");
});

/** Waits for the dialog to show `testid`, or fails at once with the error it shows instead. */
async function settled(what, testid) {
  const [state, el] = await s.waitFor(what, async () => {
    const failed = await s.findAll('dialog [role="alert"]');
    if (failed.length) return ["failed", failed[0]];
    const done = await s.findAll(`[data-testid="${testid}"]`);
    return done.length ? ["done", done[0]] : null;
  }, 120_000);
  if (state === "failed") assert.fail(`${what}: ${await s.text(el)}`);
}

test("Create update branch: the dry run's exact diff, then the branch on confirmation", async () => {
  await s.click('[data-testid="deps-create-branch"]');
  await settled("the dry run", "deps-update-preview");
  const branch = await s.find('[data-testid="deps-branch"]');
  const name = await s.attribute(branch, "data-branch");
  const bump = await s.text(await s.find('[data-testid="deps-bump"][data-name="uuid"]'));
  assert.match(bump, /9\.0\.0 → 14\.0\.3/);
  assert.equal((await s.findAll('[data-testid="deps-bump"]')).length, 1, "only the selected dependency");
  const added = await s.execute(
    `return [...document.querySelectorAll('[data-testid="deps-branch"] pre .add')].map((l) => l.innerText.trimEnd()).join("\\n")`,
  );
  assert.equal(added, '+    "uuid": "^14.0.3",', "the manifest's one changed line");
  assert.throws(() => git("rev-parse", "--verify", "-q", name), "a dry run makes no branch");
  await painted();
  await shot(s, "dependencies-update");

  await s.click('[data-testid="deps-confirm"]');
  await settled("the branch", "deps-update-done");
  assert.match(await s.text(await s.find('[data-testid="deps-update-done"]')), new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const lock = JSON.parse(git("show", `${name}:package-lock.json`));
  assert.equal(lock.packages["node_modules/uuid"].version, "14.0.3");
  assert.equal(lock.packages["node_modules/left-pad"].version, "1.1.0", "unselected rows untouched");
  assert.match(git("show", `${name}:package.json`), /"uuid": "\^14\.0\.3"/);
  assert.equal(git("rev-parse", "--abbrev-ref", "HEAD"), "main", "the working tree stays on main");
  await s.find('[data-testid="deps-propose"]');
});
