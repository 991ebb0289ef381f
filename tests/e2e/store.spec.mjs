// The store screen in the real window: the user settings name a shared
// store nobody answers at (a port bound, then released). The app shows
// where it tried (without a password), why and what to do — never a blank
// window — and Retry checks again. The settings are put back for the specs
// that run after.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launch, shot } from "./lib/env.mjs";

const settings = join(process.env.SHIPDECK_DATA_DIR, "settings.toml");
let s;
let port;

before(async () => {
  port = await new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  writeFileSync(
    settings,
    `store_url = "postgres://team:hunter2secret@127.0.0.1:${port}/shipdeck"\n`,
  );
  s = await launch();
});

after(async () => {
  await s?.end();
  rmSync(settings, { force: true });
});

test("an unreachable shared store gets its own screen with retry and the way back", async () => {
  const screen = await s.waitFor("the store screen", () =>
    s.find('[data-testid="store-unreachable"]'),
  );
  const text = await s.text(screen);
  assert.match(text, /Shipdeck can't reach the shared store/);
  assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(text, /hunter2secret/);
  assert.match(text, /refused/i, "says why");
  assert.match(text, /Use the local store/);
  await shot(s, "store-unreachable");

  await s.click('[data-testid="store-unreachable"] button.primary');
  const again = await s.waitFor("the screen after retry", () =>
    s.find('[data-testid="store-unreachable"]'),
  );
  assert.match(await s.text(again), /Retry/);
});
