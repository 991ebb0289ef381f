// The foundation flow in the real window: open the demo workspace, see its
// branch and chart, the scan job in Activity, store a credential (name
// listed, value never shown), and an invalid folder's error with its hint.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

const CANARY = "e2e-canary-Zx81qP0vLm";
let s;
let demo;

before(async () => {
  demo = join(tempDir("demo-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
});

after(async () => {
  await s?.end();
});

test("overview shows the branch, the version tag and the chart", async () => {
  await s.waitForText('[data-testid="branch"]', "main");
  await s.waitForText('[data-testid="version"]', "v1.4.2");
  const chart = await s.waitFor("the chart", () => s.find('[data-testid="chart"]'), 30_000);
  assert.match(await s.attribute(chart, "aria-label"), /Commits per week/);
  const bars = await s.execute(
    "return arguments[0].querySelectorAll('svg rect[fill=\"#2563EB\"]').length",
    [s.ref(chart)],
  );
  assert.ok(bars >= 20, `${bars} bars drawn`);
  // The numbers beside it: one row per week.
  const rows = await s.findAll(".chart-with-table tbody tr");
  assert.equal(rows.length, 26);
  await shot(s, "overview");
});

test("activity lists the workspace scan job", async () => {
  await s.click('a[href="#/activity"]');
  const row = await s.waitForText('[data-testid="job-row"]', "Workspace scan");
  assert.match(await s.text(row), /succeeded/);
  assert.match(await s.text(row), /commits by 5 authors/);
  await shot(s, "activity");
});

test("a credential saved in Settings is listed by name and its value never shown", async () => {
  await s.click('a[href="#/settings"]');
  await s.type("#cred-name", "e2e-token");
  await s.type("#cred-value", CANARY);
  await s.click('.cred-form button[type="submit"]');
  const row = await s.waitForText('[data-testid="credential-row"]', "e2e-token");
  assert.match(await s.text(row), /present/);
  assert.ok(!(await s.source()).includes(CANARY), "the value appears nowhere in the page");
  await shot(s, "settings");

  // It really is in the Secret Service, under the workspace's account.
  const listed = cli(["-C", demo, "secret", "list", "--json"]);
  assert.deepEqual(
    listed.credentials.map((c) => [c.name, c.present]),
    [["e2e-token", true]],
  );
  const info = cli(["-C", demo, "workspace", "info", "--json"]);
  const stored = execFileSync(
    "secret-tool",
    ["lookup", "service", "shipdeck", "username", `${info.id}/e2e-token`],
    { encoding: "utf8" },
  );
  assert.equal(stored, CANARY);
});

test("the logs view tails the app's log", async () => {
  await s.click('a[href="#/logs"]');
  await s.waitForText('[data-testid="log-line"]', "workspace opened");
  assert.ok(!(await s.source()).includes(CANARY), "no secret in the log view");
  await shot(s, "logs");
});

test("the doctor lists what the workspace needs", async () => {
  await s.click('a[href="#/doctor"]');
  await s.waitForText('[data-testid="doctor-check"]', "Credential store");
  const checks = await s.findAll('[data-testid="doctor-check"]');
  const labels = await Promise.all(checks.map((c) => s.text(c)));
  const cargo = checks[labels.findIndex((l) => l.includes("cargo"))];
  assert.equal(await s.attribute(cargo, "data-ok"), "true", labels.join("\n"));
  assert.ok(labels.some((l) => l.includes("Database `main`")), labels.join("\n"));
  await shot(s, "doctor");
});

test("the dark theme redraws the chart", async () => {
  await s.click('a[href="#/settings"]');
  // The credentials list loads after the view and moves Appearance down:
  // click once it has settled.
  await s.waitForText('[data-testid="credential-row"]', "e2e-token");
  await s.click('input[name="theme"][value="dark"]');
  await s.waitFor("the dark theme", () => s.execute("return document.documentElement.dataset.theme === 'dark'"));
  await s.click('a[href="#/overview"]');
  await s.waitFor("a dark chart", async () => {
    const chart = await s.find('[data-testid="chart"]');
    return (await s.execute("return arguments[0].innerHTML", [s.ref(chart)])).includes("#60A5FA");
  });
  await shot(s, "overview-dark");
  await s.click('a[href="#/settings"]');
  await s.click('input[name="theme"][value="light"]');
});

test("opening a folder that is not a repository shows the error and its hint", async () => {
  const plain = tempDir("plain-");
  await s.click(".sidebar .bottom button");
  await s.waitForText("h1", "Welcome to Shipdeck");
  await s.type("#path", plain);
  await s.click('.path-form button[type="submit"]');
  const panel = await s.waitForText('[role="alert"]', "is not a git repository");
  assert.equal(await s.attribute(panel, "data-code"), "workspace.not_a_git_repo");
  assert.match(await s.text(panel), /git init/);
  // The recent list still offers the demo: nothing was lost.
  await s.waitForText(".recent-item", "orbit");
  await shot(s, "welcome-error");
});
