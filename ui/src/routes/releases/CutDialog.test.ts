import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";

import type { CutResult } from "../../lib/bindings/CutResult";
import type { PlanRequest } from "../../lib/bindings/PlanRequest";
import CutDialog from "./CutDialog.svelte";

// jsdom has no <dialog> API.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

function result(dry: boolean, expect = "0123456789abcdef0123456789abcdef"): CutResult {
  return {
    dry_run: dry,
    branch: "main",
    head: "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    commit: dry ? null : "64a0da7aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    message: "chore(release): 1.5.0\n",
    releases: [
      { package: "orbit", version: "1.5.0", tag: "v1.5.0", previous_tag: "v1.4.2", changelog: "" },
    ],
    files: [
      {
        path: "Cargo.toml",
        diff: '--- a/Cargo.toml\n+++ b/Cargo.toml\n@@ -1 +1 @@\n-version = "1.4.2"\n+version = "1.5.0"\n',
      },
    ],
    signed_commit: false,
    signed_tags: false,
    expect,
  };
}

// A cut of `packages` at whatever the dry run shows.
function request(packages: string[]): PlanRequest {
  return {
    packages,
    prerelease: "config",
    version: null,
    reason: null,
    expect_head: null,
    expect_tags: null,
    expect: null,
  };
}

describe("CutDialog", () => {
  it("previews with a dry run, then cuts on confirmation", async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "releases_cut") {
        const a = args as { dryRun: boolean; request: unknown };
        calls.push(a.dryRun);
        return result(a.dryRun);
      }
    });
    const ondone = vi.fn();
    render(CutDialog, {
      root: "/w",
      request: request(["orbit"]),
      onclose: () => {},
      ondone,
    });
    const confirm = await screen.findByRole("button", { name: "Cut v1.5.0" });
    expect(screen.getByText("Cargo.toml")).toBeInTheDocument();
    expect(screen.getByText('+version = "1.5.0"')).toHaveClass("add");
    expect(calls).toEqual([true]);
    await userEvent.click(confirm);
    expect(await screen.findByTestId("cut-done")).toHaveTextContent(
      "Released v1.5.0 at 64a0da7 on main",
    );
    expect(calls).toEqual([true, false]);
    expect(ondone).toHaveBeenCalled();
  });

  it("cuts exactly the plan it showed, and does not plan again when the page refreshes", async () => {
    const requests: { dryRun: boolean; request: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      const a = args as { dryRun: boolean; request: Record<string, unknown> };
      if (cmd === "releases_cut") {
        requests.push(a);
        return result(a.dryRun);
      }
      if (cmd === "releases_publish") {
        throw { code: "release.no_token", message: "no forge token: not set", hint: null };
      }
    });
    const asked = request(["orbit"]);
    const { rerender } = render(CutDialog, {
      root: "/w",
      request: asked,
      onclose: () => {},
      ondone: () => {},
    });
    await userEvent.click(await screen.findByRole("button", { name: "Cut v1.5.0" }));
    await screen.findByTestId("cut-done");
    expect(requests[1]?.request).toMatchObject({
      packages: ["orbit"],
      expect_head: "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      expect_tags: ["v1.5.0"],
      expect: "0123456789abcdef0123456789abcdef",
    });
    // The page behind refreshes after the cut: new props, same dialog.
    await rerender({ root: "/w", request: { ...asked } });
    await userEvent.click(screen.getByTestId("publish"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "release.no_token");
    expect(requests.map((r) => r.dryRun)).toEqual([true, false]);
  });

  it("shows why a cut was refused, and cuts nothing", async () => {
    mockIPC(() => {
      throw {
        code: "release.dirty_tree",
        message: "the working tree has uncommitted changes: a.txt",
        hint: "Commit or stash your changes, then cut the release.",
      };
    });
    render(CutDialog, {
      root: "/w",
      request: request([]),
      onclose: () => {},
      ondone: () => {},
    });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "release.dirty_tree");
    expect(alert).toHaveTextContent("Commit or stash");
    expect(screen.getByTestId("confirm-cut")).toBeDisabled();
  });

  it("when the plan changed, shows the refusal, cuts nothing, and confirms the new preview", async () => {
    const cuts: { dryRun: boolean; expect: unknown }[] = [];
    // The plan the core would make now.
    let current = "token-1";
    mockIPC((cmd, args) => {
      if (cmd !== "releases_cut") return;
      const a = args as { dryRun: boolean; request: { expect: unknown } };
      cuts.push({ dryRun: a.dryRun, expect: a.request.expect });
      if (a.dryRun) return result(true, current);
      if (a.request.expect !== current) {
        throw {
          code: "release.plan_changed",
          message: `the plan changed since it was confirmed: the plan is ${current} now`,
          hint: "Nothing was cut. Look at the new plan and confirm that one.",
        };
      }
      return result(false, current);
    });
    const ondone = vi.fn();
    render(CutDialog, { root: "/w", request: request([]), onclose: () => {}, ondone });
    const confirm = await screen.findByRole("button", { name: "Cut v1.5.0" });
    current = "token-2"; // a commit lands while the preview is on screen
    await userEvent.click(confirm);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-code", "release.plan_changed");
    expect(alert).toHaveTextContent("Look at the new plan");
    expect(screen.queryByTestId("confirm-cut")).toBeNull();
    expect(screen.queryByText("Cargo.toml")).toBeNull();
    expect(ondone).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("cut-preview-again"));
    await userEvent.click(await screen.findByRole("button", { name: "Cut v1.5.0" }));
    expect(await screen.findByTestId("cut-done")).toBeInTheDocument();
    expect(ondone).toHaveBeenCalledOnce();
    expect(cuts).toEqual([
      { dryRun: true, expect: null },
      { dryRun: false, expect: "token-1" },
      { dryRun: true, expect: null },
      { dryRun: false, expect: "token-2" },
    ]);
  });
});
