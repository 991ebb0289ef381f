import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import { api, ApiError, toPayload } from "./api";
import { COMMANDS } from "./bindings/app/commands";

describe("api", () => {
  it("passes arguments to the command and returns its value", async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return [];
    });
    await expect(api.secretsList("/w")).resolves.toEqual([]);
    expect(seen).toEqual({ cmd: "secrets_list", args: { path: "/w" } });
  });

  it("turns {code, message, hint} rejections into ApiError", async () => {
    mockIPC(() => {
      throw { code: "workspace.not_found", message: "/x does not exist", hint: "Check the path" };
    });
    const err = await api.workspaceOpen("/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(toPayload(err)).toEqual({
      code: "workspace.not_found",
      message: "/x does not exist",
      hint: "Check the path",
    });
  });

  it("keeps unexpected rejections readable", () => {
    expect(toPayload("boom")).toEqual({ code: "ui.unexpected", message: "boom", hint: null });
  });

  it("has a wrapper for every command of the table, named as the command", () => {
    const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const wrappers = api as unknown as Record<string, unknown>;
    expect(COMMANDS.filter((c) => typeof wrappers[camel(c)] !== "function")).toEqual([]);
  });

  it("sends an action's request struct as one named argument", async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return null;
    });
    const request = {
      package: null,
      version: "1.2.0",
      reason: "bad",
      not_pushed: false,
      dry_run: true,
    };
    await api.releasesRollback("/w", request, () => {});
    expect(seen).toMatchObject({ cmd: "releases_rollback", args: { path: "/w", request } });
  });
});
