// Hash routes, one per area: #/overview, #/activity, …; Alt+1…9, 0 go
// to them in sidebar order (an area without a key has none). A route may
// carry parameters for the view it opens: #/rollback?to=1.4.0.

export const ROUTES = [
  { id: "overview", label: "Overview", key: "1" },
  { id: "readiness", label: "Readiness", key: "" },
  { id: "releases", label: "Releases", key: "2" },
  { id: "rollback", label: "Rollback", key: "" },
  { id: "migrations", label: "Migrations", key: "3" },
  { id: "advisor", label: "Advisor", key: "4" },
  { id: "environments", label: "Environments", key: "5" },
  { id: "benchmarks", label: "Benchmarks", key: "6" },
  { id: "security", label: "Security", key: "" },
  { id: "dependencies", label: "Dependencies", key: "" },
  { id: "coverage", label: "Coverage", key: "" },
  { id: "bundle", label: "Bundle", key: "" },
  { id: "docs", label: "Docs", key: "" },
  { id: "blueprints", label: "Blueprints", key: "" },
  { id: "activity", label: "Activity", key: "7" },
  { id: "audit", label: "Audit", key: "" },
  { id: "logs", label: "Logs", key: "8" },
  { id: "doctor", label: "Doctor", key: "9" },
  { id: "settings", label: "Settings", key: "0" },
] as const;

export type RouteId = (typeof ROUTES)[number]["id"];

function parse(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return ROUTES.find((r) => r.id === id)?.id ?? "overview";
}

function params(hash: string): URLSearchParams {
  const at = hash.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
}

class Router {
  current = $state<RouteId>(parse(window.location.hash));
  /** The current route's parameters (`?to=1.4.0`). */
  params = $state<URLSearchParams>(params(window.location.hash));

  constructor() {
    window.addEventListener("hashchange", () => {
      this.current = parse(window.location.hash);
      this.params = params(window.location.hash);
    });
  }

  go(id: RouteId, query: Record<string, string> = {}): void {
    const search = new URLSearchParams(query).toString();
    window.location.hash = search ? `#/${id}?${search}` : `#/${id}`;
    this.current = id;
    this.params = new URLSearchParams(search);
  }
}

export const router = new Router();
