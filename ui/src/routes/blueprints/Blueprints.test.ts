import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Blueprint } from "../../lib/bindings/Blueprint";
import type { Generation } from "../../lib/bindings/Generation";
import { workspace } from "../../test/fixtures";
import Blueprints from "./Blueprints.svelte";
import { inlineError, splitDiff } from "./view";

const API: Blueprint = {
  name: "api-endpoint",
  description: "An HTTP API endpoint with its test and checklist.",
  source: "builtin",
  checklist: "docs/features/{{ name | kebab_case }}.md",
  variables: [
    {
      name: "name",
      prompt: "Endpoint name",
      default: null,
      choices: [],
      pattern: "[A-Za-z][A-Za-z0-9 _-]{0,62}",
    },
    {
      name: "method",
      prompt: "HTTP method",
      default: "GET",
      choices: ["GET", "POST", "DELETE"],
      pattern: null,
    },
  ],
};
const LOCAL: Blueprint = {
  name: "job",
  description: "A background job.",
  source: "workspace",
  checklist: null,
  variables: [],
};

function generation(values: Record<string, string>, written: boolean): Generation {
  return {
    blueprint: "api-endpoint",
    values,
    files: [
      { path: "src/list_orders.rs", bytes: 20 },
      { path: "docs/features/list-orders.md", bytes: 30 },
    ],
    diff:
      "--- /dev/null\n+++ b/src/list_orders.rs\n@@ -0,0 +1 @@\n+pub fn list_orders() {}\n" +
      "--- /dev/null\n+++ b/docs/features/list-orders.md\n@@ -0,0 +1,2 @@\n+# List orders\n+- [ ] tests\n",
    checklist: "docs/features/list-orders.md",
    dry_run: !written,
    written,
  };
}

type Call = { cmd: string; request?: { name: string; values: Record<string, string> } };

function backend(refuse?: { code: string; message: string; hint: string }) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    calls.push({ cmd, request: a.request as Call["request"] });
    switch (cmd) {
      case "blueprints_list":
        return { blueprints: [API, LOCAL] };
      case "blueprints_preview":
        if (refuse) throw refuse;
        return generation((a.request as { values: Record<string, string> }).values, false);
      case "blueprints_create":
        return generation((a.request as { values: Record<string, string> }).values, true);
      case "coverage_source":
        return { path: a.file, lines: ["# List orders", "- [ ] tests"] };
      default:
        return null;
    }
  });
  return calls;
}

async function pickApi() {
  await userEvent.click(await screen.findByTestId("blueprint-api-endpoint"));
}

describe("Blueprints wizard", () => {
  it("lists the blueprints with their source and shows choices as selects", async () => {
    backend();
    render(Blueprints, { workspace: workspace() });
    expect((await screen.findByTestId("blueprint-job")).textContent).toContain("workspace");
    expect(screen.getByTestId("blueprint-api-endpoint").textContent).toContain("shipped");
    await pickApi();
    const method = screen.getByTestId("var-method") as HTMLSelectElement;
    expect(method.tagName).toBe("SELECT");
    expect([...method.options].map((o) => o.value)).toEqual(["GET", "POST", "DELETE"]);
    expect(method.value).toBe("GET");
    expect(screen.getByTestId("var-name").tagName).toBe("INPUT");
  });

  it("blocks the preview while a value does not match its pattern", async () => {
    const calls = backend();
    render(Blueprints, { workspace: workspace() });
    await pickApi();
    const preview = screen.getByTestId("blueprint-preview") as HTMLButtonElement;
    expect(preview.disabled).toBe(true);
    expect(screen.getByTestId("var-name-error").textContent).toBe("Required.");
    await userEvent.type(screen.getByTestId("var-name"), "9 lives");
    expect(screen.getByTestId("var-name-error").textContent).toContain("Must match");
    expect(preview.disabled).toBe(true);
    await userEvent.click(preview);
    expect(calls.some((c) => c.cmd === "blueprints_preview")).toBe(false);
  });

  it("previews the diff per file, creates, and shows the files and the checklist", async () => {
    const calls = backend();
    render(Blueprints, { workspace: workspace() });
    await pickApi();
    await userEvent.type(screen.getByTestId("var-name"), "list orders");
    await userEvent.selectOptions(screen.getByTestId("var-method"), "POST");
    await userEvent.click(screen.getByTestId("blueprint-preview"));
    const diff = await screen.findByTestId("blueprint-diff");
    expect(diff.textContent).toContain("+pub fn list_orders() {}");
    expect(diff.querySelectorAll("details")).toHaveLength(2);
    const sent = calls.find((c) => c.cmd === "blueprints_preview")!.request;
    expect(sent).toEqual({ name: "api-endpoint", values: { name: "list orders", method: "POST" } });
    await userEvent.click(screen.getByTestId("blueprint-create"));
    const created = await screen.findByTestId("blueprint-created");
    expect(created.textContent).toContain("src/list_orders.rs");
    await waitFor(() =>
      expect(screen.getByTestId("blueprint-checklist").textContent).toContain("- [ ] tests"),
    );
    expect(calls.find((c) => c.cmd === "blueprints_create")!.request).toEqual(sent);
  });

  it("drops a preview once a value changes, so Create never writes what was not previewed", async () => {
    backend();
    render(Blueprints, { workspace: workspace() });
    await pickApi();
    await userEvent.type(screen.getByTestId("var-name"), "list orders");
    await userEvent.click(screen.getByTestId("blueprint-preview"));
    await screen.findByTestId("blueprint-diff");
    await userEvent.selectOptions(screen.getByTestId("var-method"), "DELETE");
    expect(screen.queryByTestId("blueprint-create")).toBeNull();
  });

  it("shows the app's refusal with its hint", async () => {
    backend({
      code: "blueprints.exists",
      message: "already exist: src/list_orders.rs",
      hint: "Pick another name, or move the existing files away; nothing was written.",
    });
    render(Blueprints, { workspace: workspace() });
    await pickApi();
    await userEvent.type(screen.getByTestId("var-name"), "list orders");
    await userEvent.click(screen.getByTestId("blueprint-preview"));
    const panel = await screen.findByRole("alert");
    expect(panel.dataset.code).toBe("blueprints.exists");
    expect(panel.textContent).toContain("Pick another name");
    expect(screen.queryByTestId("blueprint-diff")).toBeNull();
  });
});

describe("blueprint view helpers", () => {
  it("matches the pattern against the whole value, not a part of it", () => {
    const v = API.variables[0]!;
    expect(inlineError(v, "orders")).toBeNull();
    expect(inlineError(v, "orders!")).toContain("Must match");
    expect(inlineError({ ...v, pattern: "a|b" }, "ab")).toContain("Must match");
  });

  it("splits a generation's diff into one per file", () => {
    const parts = splitDiff(generation({}, false).diff);
    expect(parts.map((p) => p.path)).toEqual([
      "src/list_orders.rs",
      "docs/features/list-orders.md",
    ]);
    expect(parts[1]!.diff).toContain("+# List orders");
  });
});
