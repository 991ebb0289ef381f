// Hash routes, one per area: #/overview, #/activity, …

export const ROUTES = [
  { id: "overview", label: "Overview", key: "1" },
  { id: "releases", label: "Releases", key: "2" },
  { id: "migrations", label: "Migrations", key: "3" },
  { id: "environments", label: "Environments", key: "4" },
  { id: "benchmarks", label: "Benchmarks", key: "5" },
  { id: "activity", label: "Activity", key: "6" },
  { id: "logs", label: "Logs", key: "7" },
  { id: "doctor", label: "Doctor", key: "8" },
  { id: "settings", label: "Settings", key: "9" },
] as const;

export type RouteId = (typeof ROUTES)[number]["id"];

function parse(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, "");
  return ROUTES.find((r) => r.id === id)?.id ?? "overview";
}

class Router {
  current = $state<RouteId>(parse(window.location.hash));

  constructor() {
    window.addEventListener("hashchange", () => {
      this.current = parse(window.location.hash);
    });
  }

  go(id: RouteId): void {
    window.location.hash = `#/${id}`;
    this.current = id;
  }
}

export const router = new Router();
