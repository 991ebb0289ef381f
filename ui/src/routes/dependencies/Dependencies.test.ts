import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";

import type { UpdateRequest } from "../../lib/bindings/UpdateRequest";
import { outcome, report } from "../../test/dependencies";
import { workspace } from "../../test/fixtures";
import Dependencies from "./Dependencies.svelte";

// jsdom has no <dialog> API.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

type Call = { cmd: string; args: Record<string, unknown> };

/** The app's side; `moved` makes the confirmed update fail as the core
 * does when the plan is no longer the dry run's. */
function backend(
  opts: { moved?: boolean; lockOnly?: boolean; noRemote?: boolean; warnings?: string[] } = {},
) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case "deps_outdated":
        return { ...report(), warnings: opts.warnings ?? [] };
      case "deps_update": {
        const request = a.request as UpdateRequest;
        if (!request.dry_run && opts.moved) {
          throw {
            code: "dependencies.plan_changed",
            message: "the update plan changed since the dry run",
            hint: "Run the dry run again and confirm what it shows",
          };
        }
        const o = outcome(request.dry_run);
        if (opts.lockOnly && request.dry_run) o.branches[0]!.diff = "";
        return o;
      }
      case "deps_propose":
        if (opts.noRemote) {
          throw { code: "dependencies.no_remote", message: "no remote to push to", hint: null };
        }
        return {
          remote: "origin",
          proposals: [
            {
              branch: "shipdeck/deps/npm-left-pad-1.3.0",
              title: "chore(deps): bump left-pad from 1.1.0 to 1.3.0",
              url: "https://github.com/acme/web/pull/42",
              number: 42,
              created: true,
              bumps: outcome(false).branches[0]!.bumps,
            },
          ],
        };
      default:
        throw new Error(`not in this test: ${cmd}`);
    }
  });
  return calls;
}

const shownNames = () => screen.getAllByTestId("dep-row").map((r) => r.getAttribute("data-name"));

describe("Dependencies", () => {
  it("lists what is behind, security first, with errors and the schedule", async () => {
    backend();
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    expect(shownNames()).toEqual(["lodash", "react", "left-pad", "serde", "internal-sdk"]);
    const [lodash] = screen.getAllByTestId("dep-row") as [HTMLElement];
    expect(within(lodash).getByTestId("dep-security")).toHaveAttribute(
      "title",
      "GHSA-35jh-r3h4-6jhm",
    );
    const failed = screen.getAllByTestId("dep-row").at(-1)!;
    expect(within(failed).getByTestId("dep-error")).toHaveTextContent("answered 401");
    expect(within(failed).getByTestId("dep-select")).toBeDisabled();
    expect(screen.getByTestId("deps-schedule")).toHaveTextContent("checked weekly");
    expect(screen.getByTestId("deps-summary")).toHaveTextContent(
      "4 dependencies behind of 6 · 1 security update · 1 row not checked",
    );
  });

  it("shows what could not be told, such as advisories that did not arrive", async () => {
    const warning =
      "security advisories not checked: https://api.osv.dev did not answer within 5 s";
    backend({ warnings: [warning] });
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getByTestId("deps-warning")).toHaveTextContent(warning));
    expect(screen.getAllByTestId("dep-row")).toHaveLength(5);
  });

  it("filters by class, ecosystem and text", async () => {
    backend();
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    await userEvent.selectOptions(screen.getByTestId("deps-filter-class"), "patch");
    expect(shownNames()).toEqual(["lodash", "serde"]);
    await userEvent.selectOptions(screen.getByTestId("deps-filter-ecosystem"), "cargo");
    expect(shownNames()).toEqual(["serde"]);
    await userEvent.selectOptions(screen.getByTestId("deps-filter-class"), "all");
    await userEvent.selectOptions(screen.getByTestId("deps-filter-ecosystem"), "all");
    await userEvent.type(screen.getByTestId("deps-filter-text"), "pyproject");
    expect(shownNames()).toEqual(["internal-sdk", "requests"]);
    await userEvent.clear(screen.getByTestId("deps-filter-text"));
    await userEvent.type(screen.getByTestId("deps-filter-text"), "zzz");
    expect(screen.queryAllByTestId("dep-row")).toHaveLength(0);
    expect(screen.getByTestId("deps-none-shown")).toBeInTheDocument();
  });

  it("previews the update of the selection, confirms it with the digest, then proposes", async () => {
    const calls = backend();
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    const create = screen.getByTestId("deps-create-branch");
    expect(create).toBeDisabled();
    const leftPad = screen.getAllByTestId("dep-row").find((r) => r.dataset.name === "left-pad")!;
    await userEvent.click(within(leftPad).getByTestId("dep-select"));
    expect(screen.getByTestId("deps-selected")).toHaveTextContent("1 dependency selected");
    await userEvent.selectOptions(screen.getByTestId("deps-limit"), "patch");
    expect(screen.getByTestId("deps-skipped")).toHaveTextContent("1 selected update beyond");
    await userEvent.selectOptions(screen.getByTestId("deps-limit"), "");
    await userEvent.click(screen.getByTestId("deps-group"));
    await userEvent.click(create);

    await screen.findByTestId("deps-update-preview");
    const dry = calls.find((c) => c.cmd === "deps_update");
    expect(dry?.args.request).toEqual({
      class: null,
      only: ["left-pad"],
      group: true,
      branch: null,
      dry_run: true,
      expect: null,
    });
    const branch = screen.getByTestId("deps-branch");
    expect(branch).toHaveAttribute("data-branch", "shipdeck/deps/npm-left-pad-1.3.0");
    expect(within(branch).getByTestId("deps-bump")).toHaveTextContent("1.1.0 → 1.3.0");
    const lines = (kind: string) =>
      [...branch.querySelectorAll(`pre .${kind}`)].map((l) => l.textContent.trim());
    expect(lines("add")).toEqual(['+  "left-pad": "^1.3.0"']);
    expect(lines("del")).toEqual(['-  "left-pad": "^1.1.0"']);
    expect(within(branch).getByTestId("deps-branch-commands")).toHaveTextContent(
      "npm install --package-lock-only",
    );

    await userEvent.click(screen.getByTestId("deps-confirm"));
    await screen.findByTestId("deps-update-done");
    const made = calls.filter((c) => c.cmd === "deps_update").at(-1);
    expect(made?.args.request).toMatchObject({
      only: ["left-pad"],
      dry_run: false,
      expect: "sha256:9a1f",
    });
    expect(screen.getByTestId("deps-update-done")).toHaveTextContent(
      "shipdeck/deps/npm-left-pad-1.3.0",
    );
    expect(screen.getByTestId("deps-selected")).toHaveTextContent("0 dependencies selected");

    await userEvent.click(screen.getByTestId("deps-propose"));
    const proposal = await screen.findByTestId("deps-proposal");
    expect(proposal).toHaveTextContent("Opened #42 on origin");
    expect(calls.find((c) => c.cmd === "deps_propose")?.args.request).toEqual({
      branch: "shipdeck/deps/npm-left-pad-1.3.0",
    });
  });

  it("says clearly when the plan moved after the preview, and previews again", async () => {
    const calls = backend({ moved: true });
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    await userEvent.click(screen.getByTestId("deps-select-all"));
    expect(screen.getByTestId("deps-selected")).toHaveTextContent("4 dependencies selected");
    await userEvent.click(screen.getByTestId("deps-create-branch"));
    await screen.findByTestId("deps-update-preview");
    expect((calls.at(-1)?.args.request as UpdateRequest).only).toEqual([
      "left-pad",
      "lodash",
      "react",
      "serde",
    ]);
    await userEvent.click(screen.getByTestId("deps-confirm"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "dependencies.plan_changed");
    expect(screen.getByTestId("deps-plan-changed")).toHaveTextContent("Nothing was written");
    expect(screen.queryByTestId("deps-branch")).toBeNull();
    await userEvent.click(screen.getByTestId("deps-preview-again"));
    await screen.findByTestId("deps-update-preview");
    expect(calls.filter((c) => c.cmd === "deps_update")).toHaveLength(3);
  });

  it("says so when only the lockfile moves", async () => {
    backend({ lockOnly: true });
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    const leftPad = screen.getAllByTestId("dep-row").find((r) => r.dataset.name === "left-pad")!;
    await userEvent.click(within(leftPad).getByTestId("dep-select"));
    await userEvent.click(screen.getByTestId("deps-create-branch"));
    await screen.findByTestId("deps-update-preview");
    expect(screen.getByTestId("deps-no-manifest-change")).toHaveTextContent("only the lockfile");
    expect(screen.getByTestId("deps-branch").querySelector("pre .add")).toBeNull();
    expect(screen.getByTestId("deps-confirm")).toBeEnabled();
  });

  it("names the branch that could not be proposed and keeps Propose", async () => {
    backend({ noRemote: true });
    render(Dependencies, { workspace: workspace() });
    await waitFor(() => expect(screen.getAllByTestId("dep-row")).toHaveLength(5));
    await userEvent.click(screen.getAllByTestId("dep-select")[1]!);
    await userEvent.click(screen.getByTestId("deps-create-branch"));
    await screen.findByTestId("deps-update-preview");
    await userEvent.click(screen.getByTestId("deps-confirm"));
    await screen.findByTestId("deps-update-done");
    await userEvent.click(screen.getByTestId("deps-propose"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "dependencies.no_remote");
    expect(alert).toHaveTextContent("shipdeck/deps/npm-left-pad-1.3.0 was not proposed");
    expect(screen.getByTestId("deps-propose")).toBeEnabled();
  });
});
