// A small W3C WebDriver client over fetch: enough to drive the real app
// window through tauri-driver (which fronts WebKitWebDriver).
import { writeFile } from "node:fs/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

async function request(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new WebDriverError(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ""}`);
  }
  return json.value;
}

export async function waitForDriver(base, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const status = await request(base, "GET", "/status");
      if (status) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new WebDriverError(`no WebDriver at ${base}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export class Session {
  static async start(base, application, args = []) {
    const value = await request(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return v.map((e) => e[ELEMENT]);
  }

  /** Polls `probe` until it returns a truthy value or the time is up. */
  async waitFor(what, probe, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new WebDriverError(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for an element matching `css` whose text contains `text`. */
  async waitForText(css, text, timeoutMs) {
    return this.waitFor(
      `"${text}" in ${css}`,
      async () => {
        for (const el of await this.findAll(css)) {
          if ((await this.text(el)).includes(text)) return el;
        }
        return null;
      },
      timeoutMs,
    );
  }

  /** The element's rendered text (innerText). WebKitWebDriver's own text
   * command drops the text of elements with `overflow: hidden`. */
  text(el) {
    return this.execute("return arguments[0].innerText", [this.ref(el)]);
  }

  /** An element id as a script argument. */
  ref(el) {
    return { [ELEMENT]: el };
  }

  attribute(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  async click(css) {
    const el = await this.waitFor(css, () => this.find(css));
    await this.cmd("POST", `/element/${el}/click`, {});
    return el;
  }

  async type(css, text) {
    const el = await this.waitFor(css, () => this.find(css));
    await this.cmd("POST", `/element/${el}/clear`, {});
    await this.cmd("POST", `/element/${el}/value`, { text });
    return el;
  }

  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  source() {
    return this.cmd("GET", "/source");
  }

  async screenshot(file) {
    const b64 = await this.cmd("GET", "/screenshot");
    await writeFile(file, Buffer.from(b64, "base64"));
  }

  async end() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // The app may already be gone.
    }
  }
}
