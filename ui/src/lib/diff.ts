// Unified diffs (as the core renders them) split into lines to colour.

/** Unified diff lines with their kind, for colouring. */
export function diffLines(diff: string): { kind: "add" | "del" | "hunk" | "ctx"; text: string }[] {
  return diff
    .split("\n")
    .filter((l) => l !== "")
    .map((text) => {
      if (text.startsWith("+++") || text.startsWith("---")) return { kind: "hunk", text };
      if (text.startsWith("@@")) return { kind: "hunk", text };
      if (text.startsWith("+")) return { kind: "add", text };
      if (text.startsWith("-")) return { kind: "del", text };
      return { kind: "ctx", text };
    });
}
