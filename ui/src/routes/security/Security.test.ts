import { mockIPC } from "@tauri-apps/api/mocks";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";

import type { SarifFilter } from "../../lib/bindings/SarifFilter";
import type { SarifList } from "../../lib/bindings/SarifList";
import type { SarifRow } from "../../lib/bindings/SarifRow";
import type { SecretFinding } from "../../lib/bindings/SecretFinding";
import type { SecretsReport } from "../../lib/bindings/SecretsReport";
import type { VulnsReport } from "../../lib/bindings/VulnsReport";
import { workspace } from "../../test/fixtures";
import Security from "./Security.svelte";

// jsdom has no <dialog> API.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

function finding(file: string, commit: string | null): SecretFinding {
  return {
    rule_id: "github-pat",
    description: "GitHub Personal Access Token",
    file,
    start_line: 2,
    end_line: 2,
    start_column: 14,
    end_column: 53,
    redacted: "ghp_…",
    secret_redacted: "ghp_…",
    entropy: 5.1,
    commit,
    author: commit ? "Ada Lindqvist" : null,
    email: null,
    date: commit ? "2026-11-20T09:12:00Z" : null,
    message: null,
    tags: [],
    fingerprint: `${commit ? `${commit}:` : ""}${file}:github-pat:2`,
  };
}

const secrets: SecretsReport = {
  findings: [finding("config/deploy.env", "a1b2c3d4e5f6"), finding("scripts/ci.sh", null)],
  files_scanned: 40,
  commits_scanned: 12,
  blobs_scanned: 61,
  bytes_scanned: 120_000,
  skipped_binary: 0,
  skipped_large: 0,
  ignored: 0,
  rules_source: "default",
  rules: 160,
};

const vulns: VulnsReport = {
  vulnerabilities: [
    {
      ecosystem: "npm",
      package: "lodash",
      version: "4.17.20",
      id: "GHSA-35jh-r3h4-6jhm",
      aliases: ["CVE-2021-23337"],
      severity: "high",
      score: 7.2,
      cvss: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
      fixed: ["4.17.21"],
      upgrade_to: "4.17.21",
      lockfile: "package-lock.json",
      via: ["express-utils", "lodash"],
      summary: "Command Injection in lodash",
      url: null,
    },
  ],
  packages_scanned: 212,
  lockfiles: ["package-lock.json"],
};

function row(rule: string, status: SarifRow["status"], level: SarifRow["level"]): SarifRow {
  return {
    tool: "Bandit",
    rule_id: rule,
    level,
    message: `${rule} message`,
    file: "app/server.py",
    line: 7,
    snippet: "return subprocess.call(cmd, shell=True)",
    fingerprint: `fp-${rule}`,
    status,
    first_seen_at: Date.now(),
  };
}

function backend() {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  let imported = false;
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    const a = args as Record<string, unknown>;
    switch (cmd) {
      case "security_secrets_scan":
        return structuredClone(secrets);
      case "security_secret_dismiss":
        return true;
      case "security_vulns_scan":
        return vulns;
      case "security_sarif_import":
        imported = true;
        return {
          files: [
            {
              file: (a.files as string[])[0],
              tools: ["Bandit"],
              results: 2,
              first_seen: 2,
              outside_workspace: 1,
              duplicates: 0,
            },
          ],
        };
      case "security_sarif_list": {
        const filter = a.filter as SarifFilter;
        const rows = imported
          ? [row("B307", "new", "warning"), row("B602", "existing", "error")]
          : [];
        const list: SarifList = {
          release: "v1.0.0",
          tools: imported
            ? [
                {
                  tool: "Bandit",
                  imported_at: Date.now(),
                  commit_sha: "abcdef1234",
                  baseline_imported_at: null,
                  new: 1,
                  existing: 1,
                  fixed: 0,
                },
              ]
            : [],
          levels: ["error", "warning"],
          // A stand-in for the core's filter: the view shows what comes back.
          rows: rows.filter((r) => !filter.level || r.level === filter.level),
          total: rows.length,
        };
        return list;
      }
      default:
        throw new Error(`not in this test: ${cmd}`);
    }
  });
  return calls;
}

describe("Security", () => {
  it("scans for secrets and dismisses one with a reason", async () => {
    const calls = backend();
    render(Security, { workspace: workspace() });
    expect(screen.getByTestId("secrets-never")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("secrets-no-git"));
    await userEvent.click(screen.getByTestId("secrets-scan"));
    await waitFor(() => expect(screen.getAllByTestId("secret-row")).toHaveLength(2));
    const scan = calls.find((c) => c.cmd === "security_secrets_scan");
    expect(scan?.args.options).toEqual({ no_git: true, since: null, baseline: null });
    const [first] = screen.getAllByTestId("secret-row") as [HTMLElement];
    expect(within(first).getByText("a1b2c3d · Ada Lindqvist · 2026-11-20")).toBeInTheDocument();
    expect(within(first).getByText("ghp_…")).toBeInTheDocument();

    await userEvent.click(within(first).getByTestId("not-secret"));
    const confirm = screen.getByTestId("not-secret-confirm");
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByTestId("not-secret-reason"), "revoked test token");
    await userEvent.click(confirm);
    await waitFor(() => expect(screen.getAllByTestId("secret-row")).toHaveLength(1));
    const dismiss = calls.find((c) => c.cmd === "security_secret_dismiss");
    expect(dismiss?.args).toMatchObject({
      fingerprint: "a1b2c3d4e5f6:config/deploy.env:github-pat:2",
      reason: "revoked test token",
    });
    expect(screen.getByTestId("secrets-notice")).toHaveTextContent("config/deploy.env:2");
  });

  it("groups vulnerabilities by package with the upgrade and the path", async () => {
    backend();
    render(Security, { workspace: workspace() });
    await userEvent.click(screen.getByTestId("tab-vulns"));
    await userEvent.click(screen.getByTestId("vulns-scan"));
    const card = await screen.findByTestId("vuln-package");
    expect(card).toHaveAttribute("data-package", "lodash");
    expect(within(card).getByTestId("vuln-upgrade")).toHaveTextContent("upgrade to 4.17.21");
    expect(within(card).getByTestId("vuln-via")).toHaveTextContent("via express-utils › lodash");
    expect(within(card).getByText("CVE-2021-23337")).toBeInTheDocument();
  });

  it("imports a SARIF path, lists new results and filters by level in the core", async () => {
    const calls = backend();
    render(Security, { workspace: workspace() });
    await userEvent.click(screen.getByTestId("tab-sarif"));
    await screen.findByTestId("sarif-empty");
    await userEvent.type(screen.getByTestId("sarif-paths"), "/tmp/bandit.sarif");
    await userEvent.click(screen.getByTestId("sarif-import"));
    await waitFor(() => expect(screen.getAllByTestId("sarif-row")).toHaveLength(2));
    expect(screen.getByTestId("sarif-imported")).toHaveTextContent("1 outside the workspace");
    expect(screen.getAllByTestId("sarif-row")[0]).toHaveAttribute("data-status", "new");
    expect(calls.find((c) => c.cmd === "security_sarif_import")?.args.files).toEqual([
      "/tmp/bandit.sarif",
    ]);

    await userEvent.selectOptions(screen.getByTestId("sarif-filter-level"), "error");
    await waitFor(() => expect(screen.getAllByTestId("sarif-row")).toHaveLength(1));
    const last = calls.filter((c) => c.cmd === "security_sarif_list").at(-1);
    expect((last?.args.filter as SarifFilter).level).toBe("error");
  });
});
