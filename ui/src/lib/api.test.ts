import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import { api, ApiError, toPayload } from "./api";

describe("api", () => {
  it("passes arguments to the command and returns its value", async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return [];
    });
    await expect(api.listSecrets("/w")).resolves.toEqual([]);
    expect(seen).toEqual({ cmd: "secret_list", args: { path: "/w" } });
  });

  it("turns {code, message, hint} rejections into ApiError", async () => {
    mockIPC(() => {
      throw { code: "workspace.not_found", message: "/x does not exist", hint: "Check the path" };
    });
    const err = await api.openWorkspace("/x").catch((e: unknown) => e);
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
});
