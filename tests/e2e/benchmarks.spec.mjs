// Benchmarks in the real window, on the demo workspace: run its two
// scenarios (a local health endpoint and a SQLite query) with progress,
// see the results and the chart over time, and the CLI agrees.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;
let server;
let served = 0;

before(async () => {
  // The demo's development health endpoint.
  server = await new Promise((resolve, reject) => {
    const srv = createServer((req, res) => {
      served++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"pass"}');
    });
    srv.once("error", reject);
    srv.listen(8001, "127.0.0.1", () => resolve(srv));
  });
  demo = join(tempDir("bench-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/benchmarks"]');
});

after(async () => {
  await s?.end();
  server?.close();
});

const row = (name) => `[data-testid="scenario-row"][data-name="${name}"]`;

test("running every scenario shows progress, results and thresholds", async () => {
  await s.waitFor("the scenarios", () => s.find(row("schema lookup")));
  await s.click('[data-testid="run-all"]');
  await s.waitFor("the progress bar", () => s.find('[data-testid="bench-progress"]'));
  const result = await s.waitForText(`${row("schema lookup")} [data-testid="scenario-result"]`, "ops/s", 30_000);
  assert.match(await s.text(result), /p99 < 50ms/);
  const http = await s.waitForText(`${row("health endpoint")} [data-testid="scenario-result"]`, "ops/s", 30_000);
  assert.match(await s.text(http), /p99 < 200ms/);
  assert.ok(served > 10, `the health endpoint was loaded (${served} requests)`);
  await s.waitFor("the chart", () => s.find('[data-testid="bench-history"] [data-testid="chart"] svg'));
  // The selected metric kept its samples: its distribution by percentile.
  await s.waitFor("the percentile curve", () => s.find('[data-testid="percentiles"] svg'));
  await shot(s, "benchmarks");
});

test("a run on a release is annotated on the chart; the CLI lists the history", async () => {
  // Release HEAD, then measure again: that run carries the tag.
  execFileSync("git", ["-C", demo, "tag", "v1.5.0"]);
  await s.click(`${row("schema lookup")} [data-testid="run-one"]`);
  await s.waitFor("the annotated chart", async () => {
    const svg = await s.find('[data-testid="bench-history"] [data-testid="chart"]');
    return svg && (await s.text(svg)).includes("v1.5.0") ? svg : null;
  }, 30_000);
  const h = cli(["-C", demo, "bench", "history", "--json"]);
  const names = h.runs.map((r) => r.name).sort();
  assert.deepEqual(names, ["health endpoint", "schema lookup", "schema lookup"]);
  assert.ok(h.runs.every((r) => r.status === "ok" && r.commit_sha && r.machine.includes("×")));
  assert.deepEqual(JSON.parse(h.runs[0].tags), ["v1.5.0"]);
  await s.execute("document.querySelector('[data-testid=\"bench-history\"]').scrollIntoView({ block: 'start' })");
  await new Promise((r) => setTimeout(r, 300)); // let the scrolled frame paint
  await shot(s, "benchmarks-history");
});
