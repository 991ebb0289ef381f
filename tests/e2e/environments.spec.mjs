// Environments in the real window, on the demo workspace: the drifts its
// .env files carry are found, health tiles show two local health endpoints
// (one on the latest release, one behind it) and a dead one, a non-secret
// value can be revealed, and no secret value ever reaches the page.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;
const servers = [];

/** A health endpoint on the demo's configured port, answering `body`. */
function healthServer(port, body) {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/health+json" });
      res.end(JSON.stringify(body));
    });
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

before(async () => {
  // staging is on the latest release, production behind it; development
  // (8001) has nothing listening.
  servers.push(
    await healthServer(8002, {
      status: "pass",
      releaseId: "1.4.2",
      checks: { "db:responseTime": [{ status: "pass", observedValue: 3, observedUnit: "ms" }] },
    }),
    await healthServer(8003, { status: "pass", releaseId: "1.3.0" }),
  );
  demo = join(tempDir("env-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/environments"]');
});

after(async () => {
  await s?.end();
  for (const server of servers) server.close();
});

test("the parity matrix and findings show the demo's drifts", async () => {
  await s.waitForText('[data-testid="parity-summary"]', "3 environments");
  const checks = await s.waitFor("the findings", async () => {
    const items = await s.findAll('[data-testid="env-finding"]');
    return items.length > 0 ? items : null;
  });
  const ids = new Set();
  for (const item of checks) ids.add(await s.attribute(item, "data-check"));
  for (const id of ["missing_key", "type_drift", "debug_in_production", "localhost_in_production", "lowercase_key", "duplicate_key"]) {
    assert.ok(ids.has(id), `finding ${id} among ${[...ids].join(", ")}`);
  }
  const logLevel = await s.find('[data-testid="parity-row"][data-key="LOG_LEVEL"]');
  assert.match(await s.text(logLevel), /missing/);
  await s.waitFor("the heat map", () => s.find('[data-testid="parity-chart"] svg'));
});

test("health tiles: one healthy, one behind the latest release, one unreachable", async () => {
  // Opening the view polls nothing: health is checked when the user asks.
  const before = await Promise.all((await s.findAll('[data-testid="health-status"]')).map((x) => s.text(x)));
  assert.ok(before.every((t) => t === "health not checked"), before.join(", "));
  await s.click('[data-testid="health-button"]');
  await s.waitFor("three health results", async () => {
    const statuses = await s.findAll('[data-testid="health-status"]');
    const texts = await Promise.all(statuses.map((x) => s.text(x)));
    return texts.length === 3 && !texts.includes("health not checked") ? texts : null;
  }, 20_000);
  const tiles = await s.findAll('[data-testid="env-tile"]');
  const text = await Promise.all(tiles.map((t) => s.text(t)));
  assert.match(text[0], /development[\s\S]*unreachable/);
  assert.match(text[1], /staging[\s\S]*pass[\s\S]*version 1\.4\.2/);
  assert.doesNotMatch(text[1], /behind|differs from/, "staging is on the latest release");
  assert.match(text[2], /production[\s\S]*pass[\s\S]*version 1\.3\.0[\s\S]*behind v1\.4\.2/);
  await shot(s, "environments");
});

test("a non-secret value is revealed on request; secrets never reach the page", async () => {
  const row = '[data-testid="parity-row"][data-key="APP_ENV"]';
  await s.click(`${row} td:nth-child(4) button`);
  assert.equal(await s.text(await s.waitFor("the value", () => s.find(`${row} [data-testid="revealed"]`))), "production");
  const secret = '[data-testid="parity-row"][data-key="SESSION_SECRET"]';
  assert.equal((await s.findAll(`${secret} button`)).length, 0, "no show button on a secret");
  const html = await s.execute("return document.documentElement.outerHTML");
  for (const value of ["dev-only-3f9a1c7e", "stg-7d41e09b5c2a", "prd-b8e2f61a90dc", "9a8b7c6d5e4f30211203f4e5d6c7b8a9"]) {
    assert.ok(!html.includes(value), `a secret value is in the page`);
  }
  // Only problems: APP_NAME, the same everywhere, leaves the matrix.
  const same = '[data-testid="parity-row"][data-key="APP_NAME"]';
  assert.equal((await s.findAll(same)).length, 1);
  await s.click('[data-testid="only-problems"]');
  await s.waitFor("the filter", async () => ((await s.findAll(same)).length === 0 ? true : null));
  assert.equal((await s.findAll(row)).length, 1, "APP_ENV differs, so it stays");
  await s.execute("document.querySelector('[data-testid=\"env-findings\"]').scrollIntoView({ block: 'start' })");
  await new Promise((r) => setTimeout(r, 300)); // let the scrolled frame paint
  await shot(s, "environments-findings");
  await s.waitFor("the history chart", () => s.find('[data-testid="env-history"] [data-testid="chart"] svg'));
  await s.execute("document.querySelector('[data-testid=\"env-history\"]').scrollIntoView({ block: 'start' })");
  await new Promise((r) => setTimeout(r, 300));
  await shot(s, "environments-history");
});

test("the CLI reports the same parity and fails on error findings", async () => {
  let out;
  try {
    cli(["-C", demo, "env", "parity", "--json"]);
    assert.fail("env parity should exit 1 on the demo's error findings");
  } catch (e) {
    assert.equal(e.status, 1);
    out = JSON.parse(e.stdout);
  }
  assert.deepEqual(out.environments, ["development", "staging", "production"]);
  const key = out.keys.find((k) => k.key === "SESSION_SECRET");
  assert.equal(key.secret, true);
  assert.equal(key.same_across, false);
  assert.ok(!JSON.stringify(out).includes("prd-b8e2f61a90dc"));
});
