// Rollback in the real window, on the demo workspace, whose staging deploys
// by command with a rollback script that only prints what it would do: the plan the
// view shows is the CLI's, step by step; a run asks before each step, runs
// the first one when told to, and "Stop here" on the second leaves it
// declined and the rest not run, which the summary says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

let s;
let demo;
/** `shipdeck rollback plan --env staging --json`: what the view must show. */
let plan;

/** The steps on screen as [n, kind, state]. */
function shownSteps() {
  return s.execute(
    `return [...document.querySelectorAll('[data-testid="rollback-step"]')]
      .map((e) => [e.dataset.step, e.dataset.kind, e.dataset.state])`,
  );
}

before(async () => {
  demo = join(tempDir("rollback-"), "orbit");
  cli(["demo", "create", demo, "--seed", "42", "--json"]);
  // The demo deploys staging by command: its rollback script only prints
  // what it would do.
  const toml = readFileSync(join(demo, "shipdeck.toml"), "utf8");
  const deploy = toml.slice(toml.indexOf("[environments.staging.deploy]"));
  assert.match(
    deploy,
    /^\[environments\.staging\.deploy\]\nkind = "command"\n/,
  );
  plan = cli(["-C", demo, "rollback", "plan", "--env", "staging", "--json"]);
  assert.equal(plan.env, "staging");
  assert.equal(plan.steps[0].kind, "deploy", "the plan starts with the deploy");
  assert.ok(plan.steps.length >= 2, "at least two steps");

  s = await launch([demo]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/rollback"]');
});

after(async () => {
  await s?.end();
});

test("the plan for an environment is the CLI's, step by step", async () => {
  await s.click('[data-testid="rollback-env"] option[value="staging"]');
  await s.waitForText('[data-testid="rollback-target"]', `back to ${plan.to}`);
  const steps = await s.waitFor("the steps", async () => {
    const shown = await shownSteps();
    return shown.length === plan.steps.length ? shown : null;
  });
  assert.deepEqual(
    steps,
    plan.steps.map((st, i) => [String(i + 1), st.kind, "pending"]),
  );
  const first = await s.find('[data-testid="rollback-step"][data-step="1"]');
  const text = await s.text(first);
  assert.ok(text.includes(plan.steps[0].description), text);
  assert.ok(text.includes(plan.steps[0].command), text);
  for (const [i, st] of plan.steps.entries()) {
    const el = await s.find(
      `[data-testid="rollback-step"][data-step="${i + 1}"]`,
    );
    const irreversible = await s.execute(
      "return !!arguments[0].querySelector('[data-testid=\"rollback-irreversible\"]')",
      [s.ref(el)],
    );
    assert.equal(
      irreversible,
      !st.reversible,
      `step ${i + 1} flagged as the plan says`,
    );
  }
  await shot(s, "rollback-plan");
});

test("a run asks before each step, runs the confirmed one and stops where told", async () => {
  if (plan.steps.some((st) => !st.reversible)) {
    await s.click('[data-testid="rollback-allow-loss"]');
  }
  await s.click('[data-testid="rollback-start"]');
  await s.waitFor("step 1 asks", async () =>
    (await s.find(
      '[data-testid="rollback-step"][data-step="1"] [data-testid="rollback-proceed"]',
    ))
      ? true
      : null,
  );
  await s.click('[data-testid="rollback-proceed"]');
  await s.waitFor(
    "step 2 asks",
    async () =>
      (await s.find(
        '[data-testid="rollback-step"][data-step="2"] [data-testid="rollback-decline"]',
      ))
        ? true
        : null,
    20_000,
  );
  assert.deepEqual(
    (await shownSteps()).slice(0, 2).map((st) => st[2]),
    ["done", "waiting"],
  );
  await s.execute("document.querySelector('.content').scrollTo(0, 0)");
  await new Promise((r) => setTimeout(r, 200));
  await shot(s, "rollback");
  await s.click('[data-testid="rollback-decline"]');

  await s.waitForText(
    '[data-testid="rollback-summary"]',
    "Stopped at step 2, as you asked",
    20_000,
  );
  const states = (await shownSteps()).map((st) => st[2]);
  assert.deepEqual(states, [
    "done",
    "declined",
    ...plan.steps.slice(2).map(() => "not_run"),
  ]);
  const output = await s.text(
    await s.find(
      '[data-testid="rollback-step"][data-step="1"] [data-testid="rollback-output"]',
    ),
  );
  assert.ok(output.includes("staging") && output.includes(plan.to), output);
  const summary = await s.text(
    await s.find('[data-testid="rollback-summary"]'),
  );
  assert.match(summary, /Done: step 1\./);
  assert.equal(
    (await s.findAll('[data-testid="rollback-proceed"]')).length,
    0,
    "nothing asks any more",
  );
});
