// The app as the Debian package installs it: tests/package/check.sh points
// SHIPDECK_APP and SHIPDECK_CLI at the binaries unpacked from the .deb and
// SHIPDECK_PACKAGE_VERSION at its Version. The window opens a demo workspace
// made by the installed CLI, and the app's log names the package's version.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { APP, cli, launch, shot, tempDir } from "../e2e/lib/env.mjs";

const VERSION = process.env.SHIPDECK_PACKAGE_VERSION;
let s;

before(async () => {
  assert.ok(VERSION, "SHIPDECK_PACKAGE_VERSION is not set: run this spec through tests/package/check.sh");
  assert.match(APP, /\/usr\/bin\/shipdeck-app$/, "the app is the installed one");
  const demo = join(tempDir("installed-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
});

after(async () => {
  await s?.end();
});

test("the installed app opens the Overview with the workspace's name and version", async () => {
  await s.waitForText("h1", "orbit");
  await s.waitForText('[data-testid="branch"]', "main");
  await s.waitForText('[data-testid="version"]', "v1.4.2");
  await shot(s, "installed-overview");
});

test("the installed app logs the package's version when it starts", async () => {
  const logs = join(process.env.SHIPDECK_DATA_DIR, "logs");
  // The log writer is non-blocking: wait for the line rather than a time.
  const started = await s.waitFor("the app's start in its log", () =>
    readdirSync(logs)
      .filter((f) => f.endsWith(".jsonl"))
      .flatMap((f) => readFileSync(join(logs, f), "utf8").split("\n"))
      .filter((l) => l.includes('"app starting"'))
      .map((l) => JSON.parse(l))[0],
  );
  assert.equal(started.fields.version, VERSION);
});
