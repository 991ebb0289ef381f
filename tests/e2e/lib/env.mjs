// Shared setup for the specs: paths from run.sh, the CLI, screenshots.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";

import { Session, waitForDriver } from "./webdriver.mjs";

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the specs through tests/e2e/run.sh`);
  return v;
}

export const APP = required("SHIPDECK_APP");
export const CLI = required("SHIPDECK_CLI");
export const TMP = required("E2E_TMP");
export const DRIVER = required("WEBDRIVER_URL");
export const SHOTS = required("SHIPDECK_SCREENSHOTS");

/** Runs the shipdeck CLI; returns parsed JSON when `--json` is among args. */
export function cli(args, input) {
  const out = execFileSync(CLI, args, { encoding: "utf8", input });
  return args.includes("--json") ? JSON.parse(out) : out;
}

export function tempDir(prefix) {
  return mkdtempSync(join(TMP, prefix));
}

/** Starts the app window on `args` and returns a WebDriver session. */
export async function launch(args = []) {
  await waitForDriver(DRIVER);
  return Session.start(DRIVER, APP, args);
}

/** A screenshot once the last change is painted: WebKit may hand back the
 * previous frame when the DOM changed just before (two animation frames,
 * then a moment for the compositor). */
export async function shot(session, name) {
  await session.cmd("POST", "/execute/async", {
    script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    args: [],
  });
  await new Promise((r) => setTimeout(r, 300));
  return session.screenshot(join(SHOTS, `${name}.png`));
}
