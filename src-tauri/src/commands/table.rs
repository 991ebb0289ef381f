// The app's commands, each listed once. Everything else is derived from this
// table: the app manifest in build.rs (so each command needs a permission),
// the invoke handler and the `#[tauri::command]` functions (src/seam.rs), the
// capability permissions (capabilities/main.json) and the TypeScript call
// wrappers (ui/src/lib/bindings/app/commands.ts). `make bindings` rewrites
// the two checked-in files; tests/seam.rs fails when they drift.
//
// An entry is `area::name(arg: Type, …) -> Returns;` and calls
// `commands::area::name(core: &Shipdeck, arg, …)`; with `@app` first it gets
// the `&AppHandle` instead. A progress channel comes last, after `;`.
// Arguments and results are serde types that derive `ts_rs::TS`; an action
// with more than a path and one or two values takes a request struct.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            /// Called after the first paint with the page's clock (ms since navigation start).
            @app app::app_ready(page_ms: Option<f64>) -> ();
            /// The folder to open at start; null shows the welcome screen.
            @app app::startup_workspace() -> Option<String>;

            workspace::workspace_open(path: String) -> WorkspaceInfo;
            workspace::workspace_recent() -> Vec<RecentWorkspace>;
            workspace::workspace_forget(id: String) -> ();
            workspace::workspace_scan(path: String; on_progress: Channel<ProgressEvent>) -> HistoryStats;
            workspace::workspace_last_scan(path: String) -> Option<HistoryStats>;
            /// The commits-per-week chart of the newest scan.
            workspace::workspace_chart(path: String, theme: Theme) -> Option<Chart>;
            /// Creates (once) and returns the demo workspace in the data folder.
            workspace::demo_create_default() -> String;

            activity::activity_list(path: Option<String>, limit: Option<i64>) -> Vec<JobRecord>;
            activity::activity_running() -> Vec<RunningJob>;
            activity::activity_cancel(id: i64) -> ();

            /// Audit entries the filter selects, newest first (at most 10 000).
            audit::audit_entries(filter: AuditFilter) -> Vec<AuditEntry>;
            /// The users and areas in the audit log, for the filter menus.
            audit::audit_facets() -> AuditFacets;
            /// Writes the filtered entries as CSV or JSON to the file picked in the save dialog; returns it.
            audit::audit_export(filter: AuditFilter, format: AuditExportFormat, path: String) -> String;

            /// Whether the store answers; the window shows why not, with Retry and Use the local store.
            store::store_status() -> StoreStatus;
            /// Back to the local store: removes `store_url` from settings.toml and restarts the app.
            @app store::store_use_local() -> ();

            logs::logs_read(query: LogQuery) -> Vec<LogLine>;
            /// Streams new log lines; a new call replaces the last.
            @app logs::logs_follow(; on_line: Channel<LogLine>) -> ();

            secrets::secrets_set(path: String, name: String, value: String) -> ();
            secrets::secrets_list(path: String) -> Vec<CredentialInfo>;
            secrets::secrets_rm(path: String, name: String) -> ();

            doctor::doctor_run(path: Option<String>) -> DoctorReport;

            releases::releases_plan(path: String, request: PlanRequest; on_progress: Channel<ProgressEvent>) -> ReleasePlan;
            releases::releases_cut(path: String, request: PlanRequest, dry_run: bool; on_progress: Channel<ProgressEvent>) -> CutResult;
            releases::releases_publish(path: String, request: PublishRequest; on_progress: Channel<ProgressEvent>) -> PublishResult;
            releases::releases_rollback(path: String, request: RollbackRequest; on_progress: Channel<ProgressEvent>) -> RollbackResult;
            releases::releases_history(path: String) -> ReleaseHistory;
            releases::releases_cadence_chart(path: String, theme: Theme) -> Chart;

            // Databases are named as in shipdeck.toml; URLs never cross IPC.
            migrations::migrations_databases(path: String) -> Vec<DatabaseInfo>;
            migrations::migrations_status(path: String, database: Option<String>) -> MigrationStatus;
            migrations::migrations_up(path: String, database: Option<String>, to: Option<i64>, dry_run: bool, expect: Option<String>; on_progress: Channel<ProgressEvent>) -> RunReport;
            migrations::migrations_down(path: String, request: DownRequest; on_progress: Channel<ProgressEvent>) -> RunReport;
            migrations::migrations_create(path: String, request: CreateMigrationRequest) -> CreatedMigration;
            migrations::migrations_lint(path: String, database: Option<String>) -> LintReport;
            migrations::migrations_repair(path: String, request: RepairRequest) -> RepairReport;
            migrations::migrations_baseline(path: String, database: Option<String>, version: i64) -> BaselineReport;
            migrations::migrations_show(path: String, database: Option<String>, version: i64) -> MigrationDetail;
            migrations::migrations_runs(path: String, database: String) -> Vec<MigrationRun>;
            migrations::migrations_chart(path: String, database: Option<String>, theme: Theme) -> Chart;

            environments::environments_parity(path: String) -> ParityView;
            environments::environments_parity_filter(report: ParityReport, filter: ParityFilter) -> ParityReport;
            environments::environments_parity_check(path: String) -> ParityView;
            environments::environments_parity_chart(path: String, theme: Theme) -> Chart;
            environments::environments_reveal(path: String, env: String, key: String) -> String;
            environments::environments_health(path: String; on_progress: Channel<ProgressEvent>) -> HealthReport;
            environments::environments_readiness(path: String; on_progress: Channel<ProgressEvent>) -> Vec<ReadinessRow>;
            environments::environments_doctor(path: String) -> DoctorReport;
            environments::environments_history(path: String, kind: EnvRunKind) -> Vec<EnvRun>;
            environments::environments_history_chart(path: String, theme: Theme) -> Chart;

            /// The domain model page of a database, written into the workspace when `write`.
            docs::docs_schema(path: String, database: Option<String>, write: bool) -> SchemaDoc;
            /// Pages against the code they reference (stale first) and their links; `links` checks external ones too.
            docs::docs_check(path: String, request: DocsCheckRequest; on_progress: Channel<ProgressEvent>) -> DocsReport;
            /// Records the page (relative to the workspace) reviewed at HEAD.
            docs::docs_mark_reviewed(path: String, page: String) -> Review;

            advisor::advisor_checks() -> Vec<CheckInfo>;
            advisor::advisor_run(path: String, request: AdvisorRunRequest; on_progress: Channel<ProgressEvent>) -> AdvisorView;
            advisor::advisor_latest(path: String, database: Option<String>) -> Option<AdvisorView>;
            advisor::advisor_suggest(path: String, database: Option<String>, query: String) -> Suggestion;
            advisor::advisor_accept(path: String, database: Option<String>, key: String) -> AcceptedFinding;
            advisor::advisor_dismiss(path: String, request: DismissRequest) -> ();
            advisor::advisor_restore(path: String, database: Option<String>, key: String) -> bool;
            advisor::advisor_runs(path: String, database: Option<String>) -> Vec<AdvisorRun>;
            advisor::advisor_charts(path: String, database: Option<String>, theme: Theme) -> Vec<Chart>;

            benchmarks::benchmarks_scenarios(path: String) -> Vec<ScenarioInfo>;
            benchmarks::benchmarks_run(path: String, names: Vec<String>; on_progress: Channel<ProgressEvent>) -> Vec<ScenarioResult>;
            benchmarks::benchmarks_http(path: String, load: HttpLoad; on_progress: Channel<ProgressEvent>) -> HttpReport;
            /// The defaults and bounds of a load test (the CLI's too).
            benchmarks::benchmarks_http_rules() -> HttpLoadRules;
            benchmarks::benchmarks_history(path: String) -> Vec<BenchRunView>;
            benchmarks::benchmarks_compare(path: String, base: String, head: String) -> CompareReport;
            benchmarks::benchmarks_chart(path: String, metric: String, theme: Theme) -> Chart;
            benchmarks::benchmarks_percentile_chart(path: String, metric: String, theme: Theme) -> Chart;
            benchmarks::benchmarks_sweep_chart(path: String, scenario: String, theme: Theme) -> Chart;

            // Findings carry matches redacted; a secret never crosses IPC.
            security::security_secrets_scan(path: String, options: SecretsOptions; on_progress: Channel<ProgressEvent>) -> SecretsReport;
            /// "Not a secret": adds the fingerprint to .gitleaksignore, audited with the reason.
            security::security_secret_dismiss(path: String, fingerprint: String, reason: String) -> bool;
            security::security_vulns_scan(path: String, options: VulnsOptions; on_progress: Channel<ProgressEvent>) -> VulnsReport;
            security::security_sarif_import(path: String, files: Vec<String>) -> SarifImportSummary;
            security::security_sarif_list(path: String, filter: SarifFilter) -> SarifList;

            /// Every direct dependency of every manifest and how far behind it is.
            dependencies::deps_outdated(path: String; on_progress: Channel<ProgressEvent>) -> OutdatedReport;
            /// Update branches (or, dry run, their diffs); `expect` is the confirmed dry run's digest.
            dependencies::deps_update(path: String, request: UpdateRequest; on_progress: Channel<ProgressEvent>) -> UpdateOutcome;
            dependencies::deps_propose(path: String, request: ProposeRequest; on_progress: Channel<ProgressEvent>) -> ProposeOutcome;

            /// Every coverage report found, areas against thresholds and the file table; recorded.
            coverage::coverage_report(path: String; on_progress: Channel<ProgressEvent>) -> CoverageView;
            /// Recorded runs, newest first; with `area`, that area's figures only.
            coverage::coverage_history(path: String, area: Option<String>) -> Vec<CoverageRun>;
            coverage::coverage_chart(path: String, area: String, theme: Theme) -> Chart;
            /// A text file of the workspace (relative path, at most 2 MiB), for the source viewer.
            coverage::coverage_source(path: String, file: String) -> SourceText;

            /// The build output's routes, chunks, packages and budgets (recorded by commit), with the treemap and trend charts; `dir` as `--dir`.
            bundle::bundle_view(path: String, request: BundleViewRequest; on_progress: Channel<ProgressEvent>) -> BundleView;

            /// The workspace's blueprints and the shipped ones, with their variables.
            blueprints::blueprints_list(path: String) -> BlueprintList;
            /// What `blueprints_create` would write, as a diff; writes nothing.
            blueprints::blueprints_preview(path: String, request: BlueprintRequest) -> Generation;
            /// Writes every file of the generation or none (an existing file refuses it); audited.
            blueprints::blueprints_create(path: String, request: BlueprintRequest) -> Generation;

            /// Every area's check for the candidate at HEAD, as one job; stored.
            readiness::readiness_gate(path: String; on_progress: Channel<ProgressEvent>) -> ReadinessRun;
            readiness::readiness_history(path: String, limit: Option<i64>) -> Vec<ReadinessHistoryEntry>;
            readiness::readiness_run(path: String, run_id: i64) -> ReadinessRun;
            /// Writes the stored run's self-contained HTML or PDF report; returns the file.
            readiness::readiness_report(path: String, request: ReadinessReportRequest) -> String;

            rollback::rollback_plan(path: String, request: RollbackPlanRequest) -> RollbackPlan;
            /// Runs the plan as one job; unless `yes`, each step waits for `rollback_confirm`.
            rollback::rollback_run(path: String, request: RollbackRunRequest; on_progress: Channel<ProgressEvent>) -> RollbackRunResult;
            rollback::rollback_confirm(job_id: i64, step: u32, proceed: bool) -> ();
            rollback::rollback_runbook(path: String, write: bool) -> Runbook;
        }
    };
}
