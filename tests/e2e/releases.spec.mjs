// Releases in the real window: plan the demo workspace's next release, see
// why, cut it through the confirmation (which shows the diff; a commit that
// lands meanwhile makes it refuse until previewed again), and find it in
// the history.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;

before(async () => {
  demo = join(tempDir("release-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
});

after(async () => {
  await s?.end();
});

test("the plan shows the next version, why, and the changelog", async () => {
  await s.click('a[href="#/releases"]');
  const next = await s.waitForText('[data-testid="next-version"]', "1.5.0", 30_000);
  assert.ok(next);
  const card = await s.find('[data-testid="package-plan"]');
  const text = await s.text(card);
  assert.match(text, /1\.4\.2/);
  assert.match(text, /is a feature → minor/);
  const decisive = await s.findAll('[data-testid="planned-commit"].decisive');
  assert.ok(decisive.length >= 1, "the deciding commits are highlighted");
  const preview = await s.text(await s.find('[data-testid="changelog-preview"]'));
  assert.match(preview, /^## \[1\.5\.0\]\(https:\/\/github\.com\/shipdeck-demo\/orbit\/compare\/v1\.4\.2\.\.\.v1\.5\.0\)/);
  await s.waitForText('[data-testid="release-row"]', "v1.4.2");
  await shot(s, "releases");
  // The history with its cadence chart (releases per month, commits per release).
  await s.waitFor("the cadence chart", () => s.find('.block [data-testid="chart"]'));
  await s.execute("document.querySelector('.block [data-testid=\"chart\"]').scrollIntoView()");
  await new Promise((r) => setTimeout(r, 400)); // let the scrolled frame paint
  await shot(s, "releases-history");
  await s.execute("window.scrollTo(0, 0); document.querySelector('.content').scrollTop = 0");
});

const git = (...args) => execFileSync("git", ["-C", demo, ...args], { encoding: "utf8" }).trim();

/** The confirmation button once the dry run is on screen. */
function confirmButton() {
  return s.waitFor("the dry run", async () => {
    const el = await s.find('[data-testid="confirm-cut"]');
    return (await s.text(el)).includes("v1.5.0") && (await s.attribute(el, "disabled")) === null ? el : null;
  });
}

test("cutting shows the diff first, refuses a plan that moved, then tags the release", async () => {
  await s.click('[data-testid="package-plan"] button.primary');
  let confirm = await confirmButton();
  const dialog = await s.text(await s.find("dialog"));
  assert.match(dialog, /Cargo\.toml/);
  assert.match(dialog, /\+version = "1\.5\.0"/);
  assert.doesNotMatch(dialog, /late fix/);
  await shot(s, "releases-cut-confirm");

  // A commit lands while the preview is on screen: the cut that was shown
  // is no longer the one that would happen, so confirming is refused.
  appendFileSync(join(demo, "README.md"), "\nLate note.\n");
  git("commit", "-qam", "fix: late fix");
  const moved = git("rev-parse", "HEAD");
  await s.cmd("POST", `/element/${confirm}/click`, {});
  const refused = await s.waitForText('dialog [role="alert"]', "plan changed");
  assert.equal(await s.attribute(refused, "data-code"), "release.plan_changed");
  assert.equal(git("tag", "-l", "v1.5.0"), "", "nothing was tagged");
  assert.equal(git("rev-parse", "HEAD"), moved, "nothing was committed");
  assert.equal(git("status", "--porcelain"), "", "no file was written");
  assert.equal((await s.findAll('[data-testid="confirm-cut"]')).length, 0, "the stale preview cannot be confirmed");
  await new Promise((r) => setTimeout(r, 400)); // let the refusal paint
  await shot(s, "releases-cut-plan-changed");

  // Preview again: the new plan (with the late fix) is what gets cut.
  await s.click('[data-testid="cut-preview-again"]');
  confirm = await confirmButton();
  assert.match(await s.text(await s.find("dialog")), /late fix/);
  await s.cmd("POST", `/element/${confirm}/click`, {});
  await s.waitForText('[data-testid="cut-done"]', "Released v1.5.0");
  // The demo's origin is a GitHub address without a token: publishing says
  // so, and offers to push only (to the demo's local remote).
  await s.click('[data-testid="publish"]');
  const panel = await s.waitForText('dialog [role="alert"]', "no forge token");
  assert.equal(await s.attribute(panel, "data-code"), "release.no_token");
  await s.click("dialog footer button:nth-child(2)");
  await s.waitForText('[data-testid="published"]', "refs/tags/v1.5.0");
  await shot(s, "releases-published");
  await s.click("dialog footer button");
  await s.waitForText('[data-testid="release-row"]', "v1.5.0");
  await s.waitForText('[data-testid="next-version"]', "nothing to release");
  const info = cli(["-C", demo, "workspace", "info", "--json"]);
  assert.equal(info.last_tag, "v1.5.0");
  assert.equal(info.dirty, false);
});

test("rolling back a pushed release reverts it and cuts the next patch", async () => {
  await s.click('[data-testid="release-row"] button');
  await s.type("#rollback-reason", "wrong date in the changelog");
  await s.click("dialog footer button:nth-child(2)");
  const steps = await s.waitForText('[data-testid="rollback-steps"]', "revert of every change released in v1.5.0");
  assert.match(await s.text(steps), /cut 1\.5\.1/);
  assert.match(await s.text(await s.find("dialog")), /was pushed/);
  await shot(s, "releases-rollback");
  await s.click("dialog footer button.primary");
  await s.waitForText("dialog", "Done:");
  const info = cli(["-C", demo, "workspace", "info", "--json"]);
  assert.equal(info.last_tag, "v1.5.1");
  assert.equal(info.head_commit.subject, "chore(release): 1.5.1");
});
