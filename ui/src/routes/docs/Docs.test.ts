import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { DocResult } from "../../lib/bindings/DocResult";
import type { DocsReport } from "../../lib/bindings/DocsReport";
import { workspace } from "../../test/fixtures";
import Docs from "./Docs.svelte";

function page(path: string, stale: boolean, broken = 0): DocResult {
  return {
    path,
    last_changed: "2026-11-02T10:00:00Z",
    stale,
    references: [
      { target: "src/lib.rs", kind: "link", changed_since_doc: stale ? 2 : 0, path: "src/lib.rs" },
      {
        target: "src/lib.rs",
        kind: "code_span",
        changed_since_doc: stale ? 2 : 0,
        path: "src/lib.rs",
      },
    ],
    broken_links: Array.from({ length: broken }, (_, i) => ({
      line: 7,
      target: i ? "#gone" : "missing.md",
      reason: i ? ("missing_anchor" as const) : ("missing_file" as const),
      detail: i ? "no heading #gone" : "no file missing.md",
    })),
    stale_commits: stale
      ? [
          {
            id: "a".repeat(40),
            subject: "Rename the entry point",
            author: "Ada",
            date: "2026-11-20T09:00:00Z",
          },
          {
            id: "b".repeat(40),
            subject: "Add a flag",
            author: "Lin",
            date: "2026-11-10T09:00:00Z",
          },
        ]
      : [],
    suggested_update: stale
      ? { files: ["src/lib.rs"], files_changed: 1, insertions: 12, deletions: 3 }
      : null,
    reviewed: null,
  };
}

function report(reviewed: string[] = []): DocsReport {
  // Out of order on purpose: the view puts stale pages first.
  const docs = [
    page("README.md", false),
    page("docs/links.md", false, 2),
    page("docs/api.md", true),
  ];
  for (const d of docs) {
    if (reviewed.includes(d.path)) {
      d.stale = false;
      d.reviewed = { commit: "c".repeat(40), reviewed_at: "2026-12-04T10:00:00Z" };
    }
  }
  const stale = docs.filter((d) => d.stale).length;
  return {
    docs,
    summary: { docs: 3, stale, broken_links: 2 },
    passed: false,
    skipped: [],
  };
}

function backend(fail = false) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  const reviewed: string[] = [];
  mockIPC((cmd, payload) => {
    const args = payload as Record<string, unknown>;
    if (cmd === "docs_check") {
      calls.push({ cmd, args });
      if (fail) {
        throw {
          code: "docs.no_pages",
          message: "no Markdown page matched",
          hint: "Set [docs] check",
        };
      }
      return report(reviewed);
    }
    if (cmd === "docs_mark_reviewed") {
      calls.push({ cmd, args });
      reviewed.push(args.page as string);
      return { commit: "c".repeat(40), reviewed_at: "2026-12-04T10:00:00Z" };
    }
    return null;
  });
  return calls;
}

describe("Docs view", () => {
  it("lists stale pages first with their commits, the suggested update and broken links", async () => {
    backend();
    render(Docs, { workspace: workspace() });
    const pages = await screen.findAllByTestId("docs-page");
    expect(pages.map((p) => p.dataset.path)).toEqual(["docs/api.md", "docs/links.md", "README.md"]);
    const stale = pages[0]!;
    const subjects = within(stale)
      .getAllByTestId("docs-commit-subject")
      .map((s) => s.textContent);
    expect(subjects).toEqual(["Rename the entry point", "Add a flag"]);
    expect(within(stale).getAllByTestId("docs-commit")[0]!.textContent).toContain(
      "Ada · 2026-11-20",
    );
    expect(within(stale).getByTestId("docs-suggested").textContent).toMatch(
      /1 file changed.*\+12.*−3/s,
    );
    // Two references to one target (link and code span) render as two rows.
    expect(within(stale).getAllByTestId("docs-reference")).toHaveLength(2);
    const broken = within(pages[1]!).getAllByTestId("docs-broken-link");
    expect(broken.map((b) => b.dataset.target)).toEqual(["missing.md", "#gone"]);
    expect(broken[1]!.textContent).toContain("missing anchor");
    expect(within(pages[2]!).queryByTestId("docs-mark-reviewed")).toBeNull();
    expect(screen.getByTestId("docs-summary").textContent).toMatch(
      /3 pages · 1 stale · 2 broken links/,
    );
  });

  it("filters by path and sends the external links toggle", async () => {
    const calls = backend();
    render(Docs, { workspace: workspace() });
    await screen.findAllByTestId("docs-page");
    await userEvent.type(screen.getByTestId("docs-filter"), "LINKS");
    expect(screen.getAllByTestId("docs-page").map((p) => p.dataset.path)).toEqual([
      "docs/links.md",
    ]);
    await userEvent.click(screen.getByTestId("docs-links"));
    await userEvent.click(screen.getByTestId("docs-check"));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls.map((c) => c.args.request)).toEqual([{ links: false }, { links: true }]);
  });

  it("marks a stale page reviewed, then checks again", async () => {
    const calls = backend();
    render(Docs, { workspace: workspace() });
    const pages = await screen.findAllByTestId("docs-page");
    await userEvent.click(within(pages[0]!).getByTestId("docs-mark-reviewed"));
    await waitFor(() => expect(screen.getAllByTestId("docs-reviewed")).toHaveLength(1));
    expect(calls.map((c) => c.cmd)).toEqual(["docs_check", "docs_mark_reviewed", "docs_check"]);
    expect(calls[1]!.args.page).toBe("docs/api.md");
    expect(screen.queryAllByTestId("docs-stale")).toHaveLength(0);
    expect(screen.getByTestId("docs-summary").textContent).toContain("0 stale");
  });

  it("shows a failed check as an error with its hint", async () => {
    backend(true);
    render(Docs, { workspace: workspace() });
    await waitFor(() => expect(screen.getByText(/no Markdown page matched/)).toBeTruthy());
    expect(screen.getByText(/Set \[docs\] check/)).toBeTruthy();
    expect(screen.queryAllByTestId("docs-page")).toHaveLength(0);
  });
});
