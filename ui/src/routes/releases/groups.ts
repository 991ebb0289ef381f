// Changelog groups in the order the core writes them.
export const GROUP_ORDER = [
  "Added",
  "Changed",
  "Deprecated",
  "Removed",
  "Fixed",
  "Security",
  "Dependencies",
  "Documentation",
  "Refactoring",
  "Tests",
  "Build",
  "Continuous integration",
  "Style",
  "Chores",
  "Other",
];

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
