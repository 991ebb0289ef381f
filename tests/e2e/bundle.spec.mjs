// Bundle in the real window, on a workspace made here: a small Vite app
// (two pages, a shared module, a lazy chunk, an npm package) built with the
// Vite the UI itself builds with, a budget one page is over. The view shows
// each page's figures as the CLI reports them, the budget breach, the
// packages behind the bytes, and the treemap.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { CLI, launch, shot, tempDir } from "./lib/env.mjs";

const VITE = fileURLToPath(
  new URL("../../ui/node_modules/vite/bin/vite.js", import.meta.url),
);

let s;
let ws;
/** The CLI's report of the same build: the figures the view must show. */
let expected;

const git = (...args) =>
  execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();
function write(rel, text) {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

function writeApp() {
  write("package.json", '{"name":"shop-web","private":true,"type":"module"}\n');
  write(
    "vite.config.mjs",
    `export default { logLevel: "warn", build: { manifest: true, sourcemap: "hidden",
      rollupOptions: { input: { main: "index.html", checkout: "checkout.html" } } } };\n`,
  );
  write(
    "index.html",
    '<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n',
  );
  write(
    "checkout.html",
    '<!doctype html><html><body><form id="pay"></form><script type="module" src="/src/checkout.js"></script></body></html>\n',
  );
  write(
    "node_modules/price-format/package.json",
    '{"name":"price-format","version":"2.1.0","main":"index.js","type":"module"}\n',
  );
  write(
    "node_modules/price-format/index.js",
    "export function format(cents, currency) {\n" +
      "  const units = { EUR: '€', USD: '$', GBP: '£' };\n" +
      "  const sign = units[currency] ?? currency + ' ';\n" +
      "  return sign + (cents / 100).toFixed(2).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');\n" +
      "}\n",
  );
  write(
    "src/shared.js",
    "export function mount(id, text) { const el = document.getElementById(id); el.textContent = text; return el; }\n",
  );
  write(
    "src/main.js",
    'import { mount } from "./shared.js";\nconst el = mount("app", "Welcome to the shop");\n' +
      'el.addEventListener("click", async () => (await import("./lazy.js")).open());\n',
  );
  write(
    "src/lazy.js",
    'export function open() { console.log("the catalogue, loaded on demand"); }\n',
  );
  write(
    "src/checkout.js",
    'import { mount } from "./shared.js";\nimport { format } from "price-format";\n' +
      "const lines = [[1299, 2], [450, 1], [9900, 1]];\n" +
      "const total = lines.reduce((sum, [cents, qty]) => sum + cents * qty, 0);\n" +
      'mount("pay", "Total: " + format(total, "EUR"));\n',
  );
  write(
    "shipdeck.toml",
    '[bundle.budgets]\n"checkout.html" = "200 B"\n"index.html" = "50 kB"\n',
  );
  write(".gitignore", "dist/\nnode_modules/\n");
}

before(async () => {
  ws = join(tempDir("bundle-"), "shop-web");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  writeApp();
  git("add", "-A");
  git("commit", "-q", "-m", "feat: shop pages");
  execFileSync(process.execPath, [VITE, "build"], { cwd: ws, stdio: "pipe" });
  const out = spawnSync(CLI, ["-C", ws, "bundle", "analyze", "--json"], {
    encoding: "utf8",
  });
  assert.equal(out.status, 1, `over budget: exit 1\n${out.stderr}`);
  expected = JSON.parse(out.stdout);
  assert.equal(expected.framework, "vite");
  assert.deepEqual(expected.routes.map((r) => r.route).sort(), [
    "checkout.html",
    "index.html",
  ]);

  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/bundle"]');
});

after(async () => {
  await s?.end();
});

const pretty = (n) =>
  n < 1000 ? `${n} B` : `${Number((n / 1000).toPrecision(3))} kB`;

test("each page's figures as the CLI reports them, the budget breach and the packages", async () => {
  await s.waitFor(
    "both pages",
    async () =>
      (await s.findAll('[data-testid="bundle-route"]')).length === 2
        ? true
        : null,
    60_000,
  );
  for (const r of expected.routes) {
    const row = await s.find(
      `[data-testid="bundle-route"][data-route="${r.route}"]`,
    );
    const text = await s.text(row);
    assert.ok(
      text.includes(pretty(r.first_load_js_gzip_bytes)),
      `${r.route}: ${text}`,
    );
    assert.ok(text.includes(pretty(r.size_gzip_bytes)), `${r.route}: ${text}`);
  }
  const checkout = await s.text(
    await s.find('[data-testid="bundle-route"][data-route="checkout.html"]'),
  );
  assert.match(checkout, /over 200 B/);
  const index = await s.text(
    await s.find('[data-testid="bundle-route"][data-route="index.html"]'),
  );
  assert.doesNotMatch(index, /over/);
  assert.match(
    await s.text(await s.find('[data-testid="bundle-budgets"]')),
    /1 budget exceeded/,
  );
  assert.match(
    await s.text(await s.find('[data-testid="bundle-summary"]')),
    /Vite/,
  );
  assert.match(
    await s.text(await s.find('[data-testid="bundle-packages"]')),
    /price-format/,
  );
});

test("sorting by route and the treemap of the chunks", async () => {
  await s.click('[data-testid="bundle-sort-route"]');
  await s.click('[data-testid="bundle-sort-route"]');
  const order = await s.execute(
    `return [...document.querySelectorAll('[data-testid="bundle-route"]')].map((r) => r.dataset.route)`,
  );
  assert.deepEqual(order, ["checkout.html", "index.html"]);
  const svg = await s.waitFor(
    "the treemap",
    async () => {
      const el = await s.find(
        '[data-testid="bundle-treemap"] [data-testid="chart"]',
      );
      return el && (await s.text(el)).includes("price-format") ? el : null;
    },
    30_000,
  );
  assert.ok(svg);
  await s.execute(
    `document.querySelector('[data-testid="bundle-treemap"]').scrollIntoView({ block: "start" })`,
  );
  await new Promise((r) => setTimeout(r, 300));
  await shot(s, "bundle-treemap");
  await s.execute(
    "document.querySelector('.page-header').scrollIntoView({ block: 'start' })",
  );
  await new Promise((r) => setTimeout(r, 300));
  await shot(s, "bundle");
});
