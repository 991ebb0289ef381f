import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { packagePlan, planned } from "../../test/fixtures";
import PackageCard from "./PackageCard.svelte";

describe("PackageCard", () => {
  it("shows current → next, why (first three, the rest folded) and the changelog", () => {
    render(PackageCard, { plan: packagePlan(), oncut: () => {}, onoverride: () => {} });
    expect(screen.getByTestId("next-version")).toHaveTextContent("1.5.0");
    expect(screen.getByText("1.4.2")).toBeInTheDocument();
    expect(screen.getByText(/add request tracing \(4bd6c29\) is a feature/)).toBeInTheDocument();
    expect(screen.getByText("1 more")).toBeInTheDocument();
    expect(screen.getByTestId("changelog-preview")).toHaveTextContent("## [1.5.0] - 2026-11-25");
  });

  it("highlights the commits that decided the bump and groups them in changelog order", () => {
    render(PackageCard, { plan: packagePlan(), oncut: () => {}, onoverride: () => {} });
    const rows = screen.getAllByTestId("planned-commit");
    expect(rows[0]).toHaveClass("decisive");
    expect(rows[1]).not.toHaveClass("decisive");
    const headings = screen
      .getAllByRole("heading", { level: 4 })
      .map((h) => h.textContent?.split(" ")[0]);
    expect(headings).toEqual(["Added", "Fixed", "Chores"]);
    expect(within(rows[1]!).getByRole("button", { name: "#73" })).toBeInTheDocument();
    expect(screen.getByText("not in the changelog")).toBeInTheDocument();
  });

  it("lists a Reverted group where the changelog puts it, after Fixed", () => {
    // The view once sorted by its own copy of the group list, which lacked
    // "Reverted" and so listed it first.
    const plan = packagePlan();
    plan.commits.push(
      planned({
        sha: "d".repeat(40),
        type: "revert",
        subject: "undo x",
        group: "Reverted",
        group_rank: 5,
      }),
    );
    render(PackageCard, { plan, oncut: () => {}, onoverride: () => {} });
    const headings = screen
      .getAllByRole("heading", { level: 4 })
      .map((h) => h.textContent?.split(" ")[0]);
    expect(headings).toEqual(["Added", "Fixed", "Reverted", "Chores"]);
  });

  it("cannot cut when nothing is releasable", () => {
    render(PackageCard, {
      plan: packagePlan({ next_version: null, next_tag: null, bump: "none", changelog: "" }),
      oncut: () => {},
      onoverride: () => {},
    });
    expect(screen.getByRole("button", { name: "Cut release…" })).toBeDisabled();
    expect(screen.getByText("Nothing will be written.")).toBeInTheDocument();
  });

  it("a hand-picked version needs a reason", async () => {
    const onoverride = vi.fn();
    render(PackageCard, { plan: packagePlan(), oncut: () => {}, onoverride });
    await userEvent.click(screen.getByRole("button", { name: "Set version…" }));
    const apply = screen.getByRole("button", { name: "Apply" });
    await userEvent.type(screen.getByPlaceholderText("2.0.0"), "2.0.0");
    expect(apply).toBeDisabled();
    await userEvent.type(screen.getByPlaceholderText("Why this version"), "launch");
    await userEvent.click(apply);
    expect(onoverride).toHaveBeenCalledWith({ version: "2.0.0", reason: "launch" });
  });
});
