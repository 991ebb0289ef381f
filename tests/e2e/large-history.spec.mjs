// A 200,000-commit repository: while its history scan runs, the window
// keeps answering (navigation works, progress streams), and Cancel stops the
// job, which Activity then shows as cancelled.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";

import { launch, shot, tempDir } from "./lib/env.mjs";

const COMMITS = 200_000;
let s;
let repo;

/** A linear history written with git fast-import (a test fixture only). */
function bigRepo(n) {
  const dir = tempDir("big-");
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  const lines = [];
  for (let i = 0; i < n; i++) {
    const msg = i % 3 ? `feat(core): change ${i}\n` : `fix: bug ${i}\n`;
    const who = `Dev${i % 7} <dev${i % 7}@example.com> ${1_700_000_000 + i * 300} +0000`;
    lines.push(`commit refs/heads/main\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n`);
    lines.push(`data ${Buffer.byteLength(msg)}\n${msg}`);
    if (i) lines.push(`from :${i}\n`);
    lines.push(`M 644 inline f.txt\ndata ${String(i).length + 1}\n${i}\n\n`);
  }
  execFileSync("git", ["-C", dir, "fast-import", "--quiet"], {
    input: lines.join(""),
    maxBuffer: 1 << 30,
  });
  execFileSync("git", ["-C", dir, "reset", "-q", "--hard"]);
  return dir;
}

before(async () => {
  repo = bigRepo(COMMITS);
  s = await launch([repo]);
});

after(async () => {
  await s?.end();
});

test("the scan streams progress, the window stays usable, and Cancel stops it", async () => {
  const progress = await s.waitFor(
    "scan progress",
    () => s.find('[data-testid="scan-progress"]'),
    60_000,
  );
  const first = await s.text(progress);
  await s.waitFor("progress to advance", async () => {
    const now = await s.text(await s.find('[data-testid="scan-progress"]'));
    return now !== first && /\d+ commits read/.test(now);
  });

  // Navigation still answers while the scan runs.
  await s.click('a[href="#/activity"]');
  await s.waitForText("h1", "Activity", 5_000);
  await s.waitForText(".running-job", "Workspace scan", 5_000);
  await shot(s, "activity-running");

  await s.click(".running-job button");
  const row = await s.waitForText('[data-testid="job-row"]', "cancelled", 15_000);
  assert.match(await s.text(row), /Workspace scan/);
  assert.equal((await s.findAll(".running-job")).length, 0, "no job left running");
});
