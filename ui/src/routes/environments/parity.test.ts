import { describe, expect, it } from "vitest";

import type { KeyParity } from "../../lib/bindings/KeyParity";
import type { ParityReport } from "../../lib/bindings/ParityReport";
import { tiles } from "./parity";

function key(name: string, same: boolean, prod: "same" | "differs" | "missing"): KeyParity {
  const cell = (state: "same" | "differs" | "missing") => ({
    state,
    kind: "string" as const,
    fingerprint: state === "missing" ? null : "abc",
    file: ".env",
    line: 1,
  });
  return {
    key: name,
    secret: false,
    same_across: same,
    status: { dev: "present", prod: prod === "missing" ? "missing" : "present" },
    // Alone in having the key, dev's value is the "same" as everyone's.
    cells: { dev: cell(same || prod === "missing" ? "same" : "differs"), prod: cell(prod) },
  };
}

const report = {
  environments: ["dev", "prod"],
  keys: [
    key("APP_NAME", true, "same"),
    key("DATABASE_URL", false, "differs"),
    key("LOG_LEVEL", false, "missing"),
  ],
  findings: [
    {
      check: "missing_key",
      severity: "warning",
      env: "prod",
      file: null,
      line: null,
      key: "LOG_LEVEL",
      message: "",
      fix: "",
    },
    {
      check: "debug_in_production",
      severity: "error",
      env: "prod",
      file: ".env",
      line: 3,
      key: "DEBUG",
      message: "",
      fix: "",
    },
    {
      check: "missing_file",
      severity: "error",
      env: "dev",
      file: ".env.x",
      line: null,
      key: null,
      message: "",
      fix: "",
    },
  ],
  score: 33.3,
  files: [],
} as unknown as ParityReport;

describe("parity helpers", () => {
  it("summarises each environment, with drift from the health report", () => {
    const t = tiles(report, null, {
      latest_tag: "v1.4.2",
      versions: { dev: "1.4.2", prod: "1.3.0" },
      drift: true,
      behind: ["prod"],
      findings: [
        {
          check: "version_drift",
          severity: "warning",
          env: "dev",
          file: null,
          line: null,
          key: null,
          message: "",
          fix: "",
        },
        {
          check: "behind_release",
          severity: "warning",
          env: "prod",
          file: null,
          line: null,
          key: null,
          message: "",
          fix: "",
        },
      ],
    });
    expect(t).toEqual([
      {
        env: "dev",
        missing: 0,
        differs: 1,
        errors: 1,
        warnings: 0,
        health: null,
        drift: "differs from the other environments",
      },
      {
        env: "prod",
        missing: 1,
        differs: 1,
        errors: 1,
        warnings: 1,
        health: null,
        drift: "behind v1.4.2",
      },
    ]);
  });
});
