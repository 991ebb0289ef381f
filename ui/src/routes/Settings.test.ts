import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { workspace } from "../test/fixtures";
import Settings from "./Settings.svelte";

describe("Settings credentials", () => {
  it("stores a credential, lists its name and never renders its value", async () => {
    const stored = new Map<string, string>();
    mockIPC((cmd, args) => {
      const a = args as { name?: string; value?: string };
      if (cmd === "secrets_set") stored.set(a.name!, a.value!);
      if (cmd === "secrets_list")
        return [...stored.keys()].map((name) => ({ name, updated_at: Date.now(), present: true }));
    });
    const { container } = render(Settings, { workspace: workspace() });
    await userEvent.type(screen.getByLabelText("Name"), "github-token");
    await userEvent.type(screen.getByLabelText("Value"), "ghp_canaryvalue123");
    await fireEvent.submit(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Stored github-token.")).toBeInTheDocument();
    expect(stored.get("github-token")).toBe("ghp_canaryvalue123");
    expect(await screen.findByTestId("credential-row")).toHaveTextContent("github-token");
    expect(screen.getByLabelText("Value")).toHaveValue("");
    expect(container.innerHTML).not.toContain("ghp_canaryvalue123");
  });

  it("shows the keyring error with its hint", async () => {
    mockIPC((cmd) => {
      if (cmd === "secrets_list")
        throw {
          code: "secrets.keyring_unavailable",
          message: "no usable credential store (secret-service): no D-Bus session",
          hint: "Start a Secret Service provider (GNOME Keyring or KWallet) and unlock it.",
        };
    });
    render(Settings, { workspace: workspace() });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("no usable credential store");
    expect(alert).toHaveTextContent("GNOME Keyring");
  });
});
