// The wizard's checks and splits, kept out of the component so they are
// tested alone.
import type { BlueprintVariable } from "../../lib/bindings/BlueprintVariable";

/** Why `value` is refused before asking the app, or null. The pattern is
 * matched against the whole value, as the core does; a pattern this
 * browser cannot compile is left to the core. */
export function inlineError(v: BlueprintVariable, value: string): string | null {
  if (value === "" && v.default === null) return "Required.";
  const effective = value === "" ? (v.default ?? "") : value;
  if (v.choices.length && !v.choices.includes(effective)) {
    return `One of ${v.choices.join(", ")}.`;
  }
  if (v.pattern !== null && value !== "") {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${v.pattern})$`, "u");
    } catch {
      return null;
    }
    if (!re.test(value)) return `Must match ${v.pattern}.`;
  }
  return null;
}

/** The values to send: a field left empty takes the variable's default. */
export function valuesToSend(
  vars: BlueprintVariable[],
  form: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    const value = form[v.name] ?? "";
    if (value !== "") out[v.name] = value;
  }
  return out;
}

/** A generation's diff cut into one diff per file (`+++ b/PATH`). */
export function splitDiff(diff: string): { path: string; diff: string }[] {
  const out: { path: string; diff: string }[] = [];
  for (const part of diff.split(/^(?=--- )/m)) {
    const m = /^\+\+\+ b\/(.+)$/m.exec(part);
    if (m?.[1]) out.push({ path: m[1], diff: part });
  }
  return out;
}
