// Readiness in the real window, on the demo workspace: the gate run from
// the view shows, area by area, the statuses `shipdeck ready --json`
// reports; every run is stored (the CLI's too) and a stored run opens from
// the history; the shown run exports as a self-contained HTML file beside
// the workspace. The vulnerability and dependency checks ask local
// stand-ins for OSV and the npm registry, so nothing leaves the machine.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { CLI, cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;
let remote;
/** What the CLI's gate reported for the same HEAD. */
let expected;

/** `shipdeck ready --json`: exit 1 on a failing verdict, 0 otherwise. Run
 * without blocking: the stand-in answers from this process. */
async function ready() {
  const child = spawn(CLI, ["-C", demo, "ready", "--json"]);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise((resolve) => child.on("close", resolve));
  assert.ok(status === 0 || status === 1, `ready exited ${status}\n${stderr}`);
  const report = JSON.parse(stdout);
  assert.equal(
    status,
    report.verdict === "fail" ? 1 : 0,
    "exit code follows the verdict",
  );
  return report;
}

/** The areas on screen as [area, status] pairs, in order. */
function shownStatuses() {
  return s.execute(
    `return [...document.querySelectorAll('[data-testid="readiness-area"]')]
      .map((a) => [a.dataset.area, a.dataset.status])`,
  );
}

/** An npm registry's document of a package whose latest is `version`. */
function packument(name, version) {
  const time = "2022-12-01T00:00:00.000Z";
  return {
    name,
    "dist-tags": { latest: version },
    versions: { [version]: { name, version } },
    time: { created: time, modified: time, [version]: time },
  };
}

/** The remote APIs the gate asks, on 127.0.0.1: an OSV-compatible API that
 * knows no vulnerability, and an npm registry where the demo's one
 * dependency is up to date. */
function standIn() {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (req.method === "POST" && req.url === "/v1/querybatch") {
          const queries = JSON.parse(body || "{}").queries ?? [];
          res.end(JSON.stringify({ results: queries.map(() => ({})) }));
        } else if (req.method === "GET" && req.url === "/ms") {
          res.end(JSON.stringify(packument("ms", "2.1.3")));
        } else {
          res.statusCode = 404;
          res.end('{"error":"Not found"}');
        }
      });
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

before(async () => {
  demo = join(tempDir("ready-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  remote = await standIn();
  const url = `http://127.0.0.1:${remote.address().port}`;
  appendFileSync(
    join(demo, "shipdeck.toml"),
    `\n[security.vulns]\nosv_url = "${url}"\n`,
  );
  writeFileSync(join(demo, ".npmrc"), `registry=${url}/\n`);
  execFileSync("git", ["-C", demo, "add", "-A"]);
  execFileSync("git", [
    "-C",
    demo,
    "commit",
    "-q",
    "-m",
    "chore: local OSV API and npm registry",
  ]);
  expected = await ready();
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
});

after(async () => {
  await s?.end();
  remote?.close();
});

test("Overview links to the gate with the latest verdict", async () => {
  const link = await s.waitFor("the latest verdict", async () => {
    const el = await s.find('[data-testid="readiness-latest"] [data-verdict]');
    return el ? el : null;
  });
  assert.equal(await s.attribute(link, "data-verdict"), expected.verdict);
  await s.click('[data-testid="readiness-latest"]');
  await s.waitFor("the Readiness view", async () =>
    (await s.find('[data-testid="readiness-verdict"]')) ? true : null,
  );
  // The CLI's run is stored: the view opens on it.
  assert.deepEqual(
    await shownStatuses(),
    expected.checks.map((c) => [c.area, c.status]),
  );
});

test("running the gate shows, area by area, the statuses the CLI reports", async () => {
  const before = (await s.findAll('[data-testid="readiness-history-row"]'))
    .length;
  await s.click('[data-testid="readiness-run"]');
  await s.waitFor(
    "the new run in the history",
    async () =>
      (await s.findAll('[data-testid="readiness-history-row"]')).length ===
        before + 1 &&
      (await s.findAll('[data-testid="readiness-progress"]')).length === 0
        ? true
        : null,
    25_000,
  );
  assert.deepEqual(
    await shownStatuses(),
    expected.checks.map((c) => [c.area, c.status]),
  );
  const banner = await s.find('[data-testid="readiness-verdict"]');
  assert.equal(await s.attribute(banner, "data-verdict"), expected.verdict);
  assert.match(
    await s.text(banner),
    new RegExp(expected.candidate.commit.slice(0, 7)),
  );
  if (expected.candidate.version) {
    assert.equal(
      await s.text(await s.find('[data-testid="readiness-version"]')),
      expected.candidate.version,
    );
  }
  for (const c of expected.checks) {
    const row = await s.find(
      `[data-testid="readiness-area"][data-area="${c.area}"]`,
    );
    assert.ok(
      (await s.text(row)).includes(c.command),
      `${c.area} shows ${c.command}`,
    );
  }
  await new Promise((r) => setTimeout(r, 300));
  await shot(s, "readiness");
});

test("a stored run opens from the history", async () => {
  const rows = await s.findAll('[data-testid="readiness-history-row"]');
  assert.ok(rows.length >= 2, "the CLI's run and the view's");
  const oldest = rows[rows.length - 1];
  const id = await s.attribute(oldest, "data-run");
  await s.click(
    `[data-testid="readiness-history-row"][data-run="${id}"] button`,
  );
  await s.waitForText('[data-testid="readiness-verdict"]', `stored run #${id}`);
  const selected = await s.find(
    `[data-testid="readiness-history-row"][data-run="${id}"]`,
  );
  assert.equal(await s.attribute(selected, "aria-selected"), "true");
});

test("the shown run exports as an HTML file beside the workspace", async () => {
  const input = await s.find('[data-testid="readiness-file"]');
  const file = await s.execute("return arguments[0].value", [s.ref(input)]);
  assert.equal(
    dirname(file),
    dirname(demo),
    "beside the workspace, not inside it",
  );
  assert.match(file, /\.html$/);
  await s.click('[data-testid="readiness-export"]');
  await s.waitForText('[data-testid="readiness-written"]', file, 20_000);
  assert.ok(existsSync(file), file);
  const html = readFileSync(file, "utf8");
  assert.match(html, /<html/i);
  assert.match(html, new RegExp(expected.candidate.commit.slice(0, 7)));
  for (const c of expected.checks) {
    assert.ok(
      html.toLowerCase().includes(c.area),
      `the report names ${c.area}`,
    );
  }
});
