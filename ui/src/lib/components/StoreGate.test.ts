import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { createRawSnippet } from "svelte";
import { describe, expect, it } from "vitest";

import type { StoreStatus } from "../bindings/StoreStatus";
import StoreGate from "./StoreGate.svelte";

const DOWN: StoreStatus = {
  kind: "shared",
  location: "postgres://ship@db.internal:5432/shipdeck",
  reachable: false,
  error: {
    code: "store.unreachable",
    message: "cannot reach the shared store at db.internal:5432/shipdeck: connection refused",
    hint: "Retry when the server is back, or use the local store.",
  },
};
const UP: StoreStatus = { kind: "shared", location: DOWN.location, reachable: true, error: null };

const app = createRawSnippet(() => ({ render: () => "<p>the app</p>" }));

function gate(statuses: StoreStatus[]) {
  const calls: string[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "store_status") return statuses.shift() ?? UP;
    return null;
  });
  let ready = 0;
  render(StoreGate, { children: app, onready: () => ready++ });
  return { calls, ready: () => ready };
}

describe("StoreGate", () => {
  it("starts the app at once when the store answers", async () => {
    const g = gate([UP]);
    expect(await screen.findByText("the app")).toBeInTheDocument();
    expect(g.ready()).toBe(1);
    expect(screen.queryByTestId("store-unreachable")).toBeNull();
  });

  it("says where the shared store is, why it failed and what to do", async () => {
    const g = gate([DOWN]);
    const screenEl = await screen.findByTestId("store-unreachable");
    expect(screenEl).toHaveTextContent("Shipdeck can't reach the shared store");
    expect(screen.getByTestId("store-location")).toHaveTextContent("db.internal:5432/shipdeck");
    expect(screenEl).toHaveTextContent("connection refused");
    expect(screenEl).toHaveTextContent("Retry when the server is back");
    expect(screenEl.querySelector("[data-code]")).toHaveAttribute("data-code", "store.unreachable");
    expect(screen.queryByText("the app")).toBeNull();
    expect(g.ready()).toBe(0);
  });

  it("retries and loads the app once the store is back", async () => {
    const g = gate([DOWN, DOWN, UP]);
    await screen.findByTestId("store-unreachable");
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("store-unreachable")).toBeInTheDocument();
    expect(g.ready()).toBe(0);
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("the app")).toBeInTheDocument();
    expect(g.ready()).toBe(1);
    expect(g.calls.filter((c) => c === "store_status")).toHaveLength(3);
  });

  it("goes back to the local store and checks again", async () => {
    const local: StoreStatus = {
      kind: "local",
      location: "~/.local/share/shipdeck",
      reachable: true,
      error: null,
    };
    const g = gate([DOWN, local]);
    await screen.findByTestId("store-unreachable");
    await userEvent.click(screen.getByRole("button", { name: "Use the local store" }));
    expect(await screen.findByText("the app")).toBeInTheDocument();
    expect(g.calls).toEqual(["store_status", "store_use_local", "store_status"]);
  });
});
