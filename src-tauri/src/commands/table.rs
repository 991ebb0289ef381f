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
            activity::jobs_running() -> Vec<RunningJob>;
            activity::job_cancel(id: i64) -> ();

            logs::logs_read(query: LogQuery) -> Vec<LogLine>;
            /// Streams new log lines; a new call replaces the last.
            @app logs::logs_follow(; on_line: Channel<LogLine>) -> ();

            settings::secret_set(path: String, name: String, value: String) -> ();
            settings::secret_list(path: String) -> Vec<CredentialInfo>;
            settings::secret_rm(path: String, name: String) -> ();

            doctor::doctor_run(path: Option<String>) -> DoctorReport;

            releases::release_plan(path: String, request: PlanRequest; on_progress: Channel<ProgressEvent>) -> ReleasePlan;
            releases::release_cut(path: String, request: PlanRequest, dry_run: bool; on_progress: Channel<ProgressEvent>) -> CutResult;
            releases::release_publish(path: String, request: PublishRequest; on_progress: Channel<ProgressEvent>) -> PublishResult;
            releases::release_rollback(path: String, request: RollbackRequest; on_progress: Channel<ProgressEvent>) -> RollbackResult;
            releases::release_history(path: String) -> ReleaseHistory;
            releases::release_cadence_chart(path: String, theme: Theme) -> Chart;

            // Databases are named as in shipdeck.toml; URLs never cross IPC.
            migrations::migration_databases(path: String) -> Vec<DatabaseInfo>;
            migrations::migrate_status(path: String, database: Option<String>) -> MigrationStatus;
            migrations::migrate_up(path: String, database: Option<String>, to: Option<i64>, dry_run: bool, expect: Option<String>; on_progress: Channel<ProgressEvent>) -> RunReport;
            migrations::migrate_down(path: String, request: DownRequest; on_progress: Channel<ProgressEvent>) -> RunReport;
            migrations::migrate_create(path: String, request: CreateMigrationRequest) -> CreatedMigration;
            migrations::migrate_lint(path: String, database: Option<String>) -> LintReport;
            migrations::migrate_repair(path: String, request: RepairRequest) -> RepairReport;
            migrations::migrate_baseline(path: String, database: Option<String>, version: i64) -> BaselineReport;
            migrations::migrate_show(path: String, database: Option<String>, version: i64) -> MigrationDetail;
            migrations::migration_runs(path: String, database: String) -> Vec<MigrationRun>;
            migrations::migration_chart(path: String, database: Option<String>, theme: Theme) -> Chart;

            environments::env_parity(path: String) -> ParityView;
            environments::env_parity_filter(report: ParityReport, filter: ParityFilter) -> ParityReport;
            environments::env_parity_check(path: String) -> ParityView;
            environments::env_parity_chart(path: String, theme: Theme) -> Chart;
            environments::env_reveal(path: String, env: String, key: String) -> String;
            environments::env_health(path: String; on_progress: Channel<ProgressEvent>) -> HealthReport;
            environments::env_readiness(path: String; on_progress: Channel<ProgressEvent>) -> Vec<ReadinessRow>;
            environments::env_doctor(path: String) -> DoctorReport;
            environments::env_history(path: String, kind: EnvRunKind) -> Vec<EnvRun>;
            environments::env_history_chart(path: String, theme: Theme) -> Chart;

            /// The domain model page of a database, written into the workspace when `write`.
            docs::docs_schema(path: String, database: Option<String>, write: bool) -> SchemaDoc;

            advisor::advisor_checks() -> Vec<CheckInfo>;
            advisor::advisor_run(path: String, request: AdvisorRunRequest; on_progress: Channel<ProgressEvent>) -> AdvisorView;
            advisor::advisor_latest(path: String, database: Option<String>) -> Option<AdvisorView>;
            advisor::advisor_suggest(path: String, database: Option<String>, query: String) -> Suggestion;
            advisor::advisor_accept(path: String, database: Option<String>, key: String) -> AcceptedFinding;
            advisor::advisor_dismiss(path: String, request: DismissRequest) -> ();
            advisor::advisor_restore(path: String, database: Option<String>, key: String) -> bool;
            advisor::advisor_runs(path: String, database: Option<String>) -> Vec<AdvisorRun>;
            advisor::advisor_charts(path: String, database: Option<String>, theme: Theme) -> Vec<Chart>;

            bench::bench_scenarios(path: String) -> Vec<ScenarioInfo>;
            bench::bench_run(path: String, names: Vec<String>; on_progress: Channel<ProgressEvent>) -> Vec<ScenarioResult>;
            bench::bench_http(path: String, load: HttpLoad; on_progress: Channel<ProgressEvent>) -> HttpReport;
            /// The defaults and bounds of a load test (the CLI's too).
            bench::bench_http_rules() -> HttpLoadRules;
            bench::bench_history(path: String) -> Vec<BenchRunView>;
            bench::bench_compare(path: String, base: String, head: String) -> CompareReport;
            bench::bench_chart(path: String, metric: String, theme: Theme) -> Chart;
            bench::bench_percentile_chart(path: String, metric: String, theme: Theme) -> Chart;
            bench::bench_sweep_chart(path: String, scenario: String, theme: Theme) -> Chart;
        }
    };
}
