// Security in the real window, on a workspace made here: a GitHub token
// planted in one commit and removed in the next (generated at run time, so
// none is checked in), a Python service scanned by bandit before and after
// its release (the SARIF files bandit wrote, from the crate's fixtures), and
// a package-lock.json. The Secrets tab finds the token redacted and
// "Not a secret" takes it out with a reason; Code scanning imports bandit's
// SARIF by path and shows what is new and fixed since the release.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { randomInt } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { cli, launch, shot, tempDir } from "./lib/env.mjs";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../crates/shipdeck-security/tests/fixtures/sarif");
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const token = `ghp_${Array.from({ length: 36 }, () => ALNUM[randomInt(ALNUM.length)]).join("")}`;

let s;
let ws;
let scratch;
let osv;
/** The commit that added the token. */
let leak;

// GHSA-35jh-r3h4-6jhm as OSV publishes it (lodash command injection).
const advisory = {
  schema_version: "1.6.0",
  id: "GHSA-35jh-r3h4-6jhm",
  modified: "2024-02-21T00:00:00Z",
  published: "2021-05-06T16:05:51Z",
  aliases: ["CVE-2021-23337"],
  summary: "Command Injection in lodash",
  details: "lodash versions prior to 4.17.21 are vulnerable to Command Injection via the template function.",
  severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H" }],
  affected: [
    {
      package: { ecosystem: "npm", name: "lodash", purl: "pkg:npm/lodash" },
      ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "4.17.21" }] }],
    },
  ],
  references: [{ type: "ADVISORY", url: "https://nvd.nist.gov/vuln/detail/CVE-2021-23337" }],
  database_specific: { severity: "HIGH", cwe_ids: ["CWE-77", "CWE-94"] },
};
const affected = (q) => (q?.package?.name ?? "") === "lodash" && q?.version === "4.17.20";

/** An OSV-compatible API on 127.0.0.1 (query, querybatch, vulns/{id}). */
function osvServer() {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        let q = {};
        try {
          q = JSON.parse(body || "{}");
        } catch {
          q = {};
        }
        let answer;
        if (req.url.endsWith("/querybatch")) {
          answer = {
            results: (q.queries ?? []).map((x) => (affected(x) ? { vulns: [{ id: advisory.id, modified: advisory.modified }] } : {})),
          };
        } else if (req.url.endsWith("/query")) {
          answer = affected(q) ? { vulns: [advisory] } : {};
        } else if (req.url.includes(`/vulns/${advisory.id}`)) {
          answer = advisory;
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const git = (...args) => execFileSync("git", ["-C", ws, ...args], { encoding: "utf8" }).trim();
function write(rel, text) {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}
function commit(message) {
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

before(async () => {
  scratch = tempDir("security-");
  ws = join(scratch, "payments");
  mkdirSync(ws);
  git("init", "-q", "-b", "main");
  write("README.md", "# payments\n");
  write("app/server.py", readFileSync(join(fixtures, "server-v1.py"), "utf8"));
  osv = await osvServer();
  write("shipdeck.toml", `[security.vulns]\nosv_url = "http://127.0.0.1:${osv.address().port}"\n`);
  write("package.json", JSON.stringify({ name: "payments", version: "1.0.0", dependencies: { "template-kit": "^2.0.0" } }));
  write(
    "package-lock.json",
    JSON.stringify({
      name: "payments",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "payments", version: "1.0.0", dependencies: { "template-kit": "^2.0.0" } },
        "node_modules/template-kit": { version: "2.0.1", dependencies: { lodash: "^4.17.20" } },
        "node_modules/lodash": { version: "4.17.20" },
      },
    }),
  );
  commit("feat: payments service");
  write("config/deploy.env", `REGION=eu-west-1\nGITHUB_TOKEN=${token}\n`);
  commit("chore: deploy config");
  leak = git("rev-parse", "HEAD");
  write("config/deploy.env", "REGION=eu-west-1\nGITHUB_TOKEN=${GITHUB_TOKEN}\n");
  commit("chore: token from the environment");
  git("tag", "-a", "v1.0.0", "-m", "v1.0.0");
  // bandit's report of the release, imported by CI through the CLI.
  const v1 = join(scratch, "bandit-v1.sarif");
  writeFileSync(v1, readFileSync(join(fixtures, "bandit-v1.sarif")));
  cli(["-C", ws, "security", "sarif", "import", v1, "--json"]);
  // After the release: md5 fixed, eval added.
  write("app/server.py", readFileSync(join(fixtures, "server-v2.py"), "utf8"));
  commit("fix: sha256 digests; feat: expression check");

  s = await launch([ws]);
  await s.waitForText('[data-testid="branch"]', "main");
  await s.click('a[href="#/security"]');
});

after(async () => {
  await s?.end();
  osv?.close();
});

test("Secrets: the planted token is found redacted, then dismissed as not a secret", async () => {
  await s.waitFor("the empty state", () => s.find('[data-testid="secrets-never"]'));
  await s.click('[data-testid="secrets-scan"]');
  const rows = await s.waitFor("the finding", async () => {
    const r = await s.findAll('[data-testid="secret-row"]');
    return r.length > 0 ? r : null;
  }, 30_000);
  assert.equal(rows.length, 1);
  const text = await s.text(rows[0]);
  assert.match(text, /config\/deploy\.env:2/);
  assert.match(text, /ghp_/);
  assert.match(text, new RegExp(leak.slice(0, 7)), "the commit that added it");
  const html = await s.execute("return document.documentElement.outerHTML");
  assert.ok(!html.includes(token), "the token never reaches the page");
  await shot(s, "security-secrets");

  await s.click('[data-testid="not-secret"]');
  const reason = "revoked on 2026-11-20, kept for the history";
  await s.type('[data-testid="not-secret-reason"]', reason);
  await s.waitFor("the typed reason", async () =>
    (await s.execute("return document.querySelector('[data-testid=\"not-secret-reason\"]').value")) === reason ? true : null,
  );
  await shot(s, "security-not-a-secret");
  await s.click('[data-testid="not-secret-confirm"]');
  await s.waitFor("the row to go", async () => ((await s.findAll('[data-testid="secret-row"]')).length === 0 ? true : null));
  const ignore = readFileSync(join(ws, ".gitleaksignore"), "utf8");
  assert.match(ignore, new RegExp(`^${leak}:config/deploy\\.env:`, "m"));
  // A new scan agrees: the CLI exits 0.
  const report = cli(["-C", ws, "security", "secrets", "--json"]);
  assert.deepEqual(report.findings, []);
});

test("Code scanning: bandit's SARIF imported by path shows what is new and fixed since v1.0.0", async () => {
  await s.click('[data-testid="tab-sarif"]');
  await s.waitFor("the release's import", () => s.find('[data-testid="sarif-tool"]'));
  const v2 = join(scratch, "bandit-v2.sarif");
  writeFileSync(v2, readFileSync(join(fixtures, "bandit-v2.sarif")));
  await s.type('[data-testid="sarif-paths"]', v2);
  await s.click('[data-testid="sarif-import"]');
  await s.waitForText('[data-testid="sarif-imported"]', "1 new to this workspace");
  const statuses = await s.waitFor("new and fixed rows", async () => {
    const rows = await s.findAll('[data-testid="sarif-row"]');
    const st = await Promise.all(rows.map(async (r) => `${await s.attribute(r, "data-rule")}:${await s.attribute(r, "data-status")}`));
    return st.includes("B307:new") ? st : null;
  });
  assert.ok(statuses.includes("B324:fixed"), statuses.join(", "));
  assert.equal(statuses.filter((x) => x.endsWith(":existing")).length, 4, statuses.join(", "));
  assert.match(await s.text(await s.find('[data-testid="sarif-release"]')), /v1\.0\.0/);
  const row = await s.find('[data-testid="sarif-row"][data-rule="B307"]');
  assert.match(await s.text(row), /app\/server\.py:19[\s\S]*Bandit|return eval\(expr\)/);
  await shot(s, "security-sarif");

  // The level filter is the core's: only errors remain.
  await s.click('[data-testid="sarif-filter-level"] option[value="error"]');
  await s.waitFor("errors only", async () => {
    try {
      const rows = await s.findAll('[data-testid="sarif-row"]');
      const rules = await Promise.all(rows.map((r) => s.attribute(r, "data-rule")));
      // B602 still there, B324 (md5) fixed since the release.
      return rules.join(",") === "B324,B602" ? true : null;
    } catch {
      return null; // a row re-rendered between the two reads
    }
  });
});

test("Vulnerabilities: the locked lodash is reported with its upgrade and the chain that pulls it in", async () => {
  // The advisories come from the local OSV server shipdeck.toml names.
  await s.click('[data-testid="tab-vulns"]');
  await s.waitFor("the empty state", () => s.find('[data-testid="vulns-never"]'));
  await s.click('[data-testid="vulns-scan"]');
  const card = await s.waitFor("the lodash card", () => s.find('[data-testid="vuln-package"][data-package="lodash"]'), 30_000);
  const text = await s.text(card);
  assert.match(text, /4\.17\.20/);
  assert.match(text, /upgrade to 4\.17\.21/);
  assert.match(text, /GHSA-35jh-r3h4-6jhm/);
  assert.match(text, /CVE-2021-23337/);
  assert.match(await s.text(await s.find('[data-testid="vulns-summary"]')), /1 vulnerability in 1 package/);
  await shot(s, "security-vulns");
});
