// The one seam between the UI and the app: the only file that imports
// @tauri-apps/*. The typed wrappers, one per Tauri command, are generated
// from the command table (bindings/app/commands.ts); errors arrive as
// {code, message, hint} and are rethrown as ApiError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";

import { commands } from "./bindings/app/commands";
import type { ErrorPayload } from "./bindings/ErrorPayload";

export class ApiError extends Error {
  readonly code: string;
  readonly hint: string | null;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "ApiError";
    this.code = payload.code;
    this.hint = payload.hint;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

function isPayload(e: unknown): e is ErrorPayload {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any thrown value as {code, message, hint}. */
export function toPayload(e: unknown): ErrorPayload {
  if (e instanceof ApiError) return e.toPayload();
  if (isPayload(e)) return { code: e.code, message: e.message, hint: e.hint ?? null };
  return { code: "ui.unexpected", message: String(e), hint: null };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw new ApiError(toPayload(e));
  }
}

/** A Tauri channel delivering the backend's messages to `handler`. */
function channel<T>(handler: (message: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = handler;
  return c;
}

export const api = {
  ...commands(call, channel),

  /** Opens an https link in the system browser (never in the app window). */
  async openLink(url: string): Promise<void> {
    if (!url.startsWith("https://")) return;
    await openUrl(url);
  },

  /** The native folder picker; null when the user cancels. */
  async pickFolder(): Promise<string | null> {
    const picked = await open({ directory: true, multiple: false, title: "Open a workspace" });
    return typeof picked === "string" ? picked : null;
  },

  /** The native save dialog starting at `path`; null when the user cancels. */
  async pickSaveFile(
    path: string,
    name: string,
    extension: string,
    title = "Export the readiness report",
  ): Promise<string | null> {
    const picked = await save({
      defaultPath: path,
      title,
      filters: [{ name, extensions: [extension] }],
    });
    return typeof picked === "string" ? picked : null;
  },

  /** The native file picker for SARIF files; empty when the user cancels. */
  async pickSarifFiles(): Promise<string[]> {
    const picked = await open({
      multiple: true,
      title: "Import SARIF files",
      filters: [{ name: "SARIF", extensions: ["sarif", "json"] }],
    });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  },
};
