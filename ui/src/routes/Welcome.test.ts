import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { app } from "../lib/state.svelte";
import { workspace } from "../test/fixtures";
import Welcome from "./Welcome.svelte";

describe("Welcome", () => {
  beforeEach(() => {
    app.close();
    app.openError = null;
  });

  it("lists recent workspaces and marks missing folders", async () => {
    mockIPC((cmd) => {
      if (cmd === "workspace_recent")
        return [
          { id: "a", root: "/w/orbit", name: "orbit", last_opened_at: Date.now(), exists: true },
          { id: "b", root: "/w/gone", name: "gone", last_opened_at: Date.now(), exists: false },
        ];
    });
    render(Welcome);
    expect(await screen.findByText("orbit")).toBeInTheDocument();
    expect(screen.getByText("folder missing")).toBeInTheDocument();
    expect(screen.getByText("gone").closest("button")).toBeDisabled();
  });

  it("shows the error and its hint when a typed path is not a repository", async () => {
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "workspace_recent") return [];
      if (cmd === "workspace_open") {
        expect(args).toEqual({ path: "/tmp/plain" });
        throw {
          code: "workspace.not_a_git_repo",
          message: "/tmp/plain is not a git repository",
          hint: "Open the top folder of a git repository, or run `git init` there first.",
        };
      }
    });
    render(Welcome);
    await userEvent.type(screen.getByLabelText(/type the path/i), "/tmp/plain");
    await fireEvent.submit(screen.getByRole("button", { name: "Open" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("/tmp/plain is not a git repository");
    expect(alert).toHaveTextContent("git init");
    expect(alert).toHaveAttribute("data-code", "workspace.not_a_git_repo");
    expect(app.workspace).toBeNull();
    expect(calls).toContain("workspace_open");
  });

  it("opens a workspace and loads its last scan", async () => {
    mockIPC((cmd) => {
      if (cmd === "workspace_recent") return [];
      if (cmd === "workspace_open") return workspace();
      if (cmd === "workspace_last_scan") return null;
      if (cmd === "workspace_scan") return new Promise(() => {});
    });
    render(Welcome);
    await userEvent.type(screen.getByLabelText(/type the path/i), "/home/ana/orbit");
    await fireEvent.submit(screen.getByRole("button", { name: "Open" }));
    await expect.poll(() => app.workspace?.name).toBe("orbit");
  });
});
