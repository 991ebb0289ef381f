//! The seam between the webview and the core, declared once in
//! `commands/table.rs`. From that table this module makes the
//! `#[tauri::command]` functions, the invoke handler and a description of
//! every command ([`specs`]) from which the capability file and the
//! TypeScript call wrappers are written ([`generate`]).

mod generate;
mod spec;

pub use generate::{capability_json, typescript};
pub use spec::{ArgSpec, CommandSpec, TsType};

// The types named in the table.
#[allow(unused_imports)]
use shipdeck_core::{
    advisor::{CheckInfo, Suggestion},
    api::{
        AcceptedFinding, AdvisorRunRequest, AdvisorView, AuditExportFormat, BenchRunView, BlueprintList,
        BlueprintRequest, BundleView, BundleViewRequest, CompareReport, CreateMigrationRequest,
        DismissRequest, DocsCheckRequest, DownRequest, EnvRunKind, HealthReport, HttpLoad, LintReport,
        MigrationDetail, ParityView, PublishRequest, ReadinessReportRequest, ReleaseHistory, RepairRequest,
        RollbackPlanRequest, RollbackRunRequest, SarifFilter, SarifImportSummary, SarifList, SchemaDoc,
    },
    benchmarks::loadgen::{HttpLoadRules, HttpReport},
    benchmarks::scenario::{ScenarioInfo, ScenarioResult},
    blueprints::Generation,
    charts::{Chart, Theme},
    dependencies::{OutdatedReport, ProposeOutcome, ProposeRequest, UpdateOutcome, UpdateRequest},
    docs_check::{DocsReport, Review},
    doctor::DoctorReport,
    environments::readiness::ReadinessRow,
    environments::{ParityFilter, ParityReport},
    jobs::{JobRecord, ProgressEvent, RunningJob},
    logs::{LogLine, LogQuery},
    migrations::create::CreatedMigration,
    migrations::run::{BaselineReport, MigrationStatus, RepairReport, RunReport},
    migrations::target::DatabaseInfo,
    readiness::{ReadinessHistoryEntry, ReadinessRun},
    releases::cut::CutResult,
    releases::publish::PublishResult,
    releases::rollback::{RollbackRequest, RollbackResult},
    releases::{PlanRequest, ReleasePlan},
    rollback::{RollbackPlan, RollbackRunResult, Runbook},
    security::secrets::{SecretsOptions, SecretsReport},
    security::vulns::{VulnsOptions, VulnsReport},
    store::{
        AdvisorRun, AuditEntry, AuditFacets, AuditFilter, EnvRun, MigrationRun, RecentWorkspace, StoreStatus,
    },
    workspace::{HistoryStats, WorkspaceInfo},
    CredentialInfo, Result, Shipdeck,
};
#[allow(unused_imports)]
use shipdeck_core::{api::CoverageView, coverage::source::SourceText, store::CoverageRun};
use tauri::ipc::Channel;

include!("../commands/table.rs");

/// Calls the area function behind a command with the core (default) or,
/// for `@app` entries, the app handle.
macro_rules! call_area {
    ([app] $app:ident, $f:path, ($($a:expr),* $(,)?)) => {
        $f(&$app, $($a),*).await
    };
    ([] $app:ident, $f:path, ($($a:expr),* $(,)?)) => {{
        let core = tauri::Manager::state::<Shipdeck>(&$app);
        $f(&core, $($a),*).await
    }};
}

macro_rules! define_commands {
    ($(
        $(#[doc = $doc:literal])*
        $(@$ctx:ident)? $area:ident :: $name:ident (
            $($arg:ident : $ty:ty),* $(; $chan:ident : Channel<$msg:ty>)?
        ) -> $ret:ty;
    )*) => {
        /// The `#[tauri::command]` functions, one per table entry. They stay
        /// private (so the macros `#[tauri::command]` makes are not exported
        /// from a macro expansion); the handler next to them registers them.
        mod handlers {
            use super::*;
            $(
                $(#[doc = $doc])*
                #[tauri::command]
                async fn $name(
                    app: tauri::AppHandle,
                    $($arg: $ty,)*
                    $($chan: Channel<$msg>,)?
                ) -> Result<$ret> {
                    call_area!(
                        [$($ctx)?] app,
                        crate::commands::$area::$name,
                        ($($arg,)* $($chan,)?)
                    )
                }
            )*

            /// The invoke handler registering every command of the table.
            pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
                tauri::generate_handler![$($name),*]
            }
        }
        pub use handlers::handler;

        /// Every command of the table, in order, with its TypeScript types.
        pub fn specs() -> Vec<CommandSpec> {
            let cfg = spec::ts_config();
            vec![$(
                CommandSpec {
                    name: stringify!($name),
                    doc: concat!($($doc, "\n",)* ""),
                    args: vec![$(ArgSpec::of::<$ty>(stringify!($arg), &cfg)),*],
                    channel: None $(.or(Some(ArgSpec::of::<$msg>(stringify!($chan), &cfg))))?,
                    returns: TsType::of::<$ret>(&cfg),
                }
            ),*]
        }
    };
}

with_commands!(define_commands);

/// The command names the app manifest declares (written by build.rs from
/// the same table), one a line.
pub const MANIFEST_COMMANDS: &str = include_str!(concat!(env!("OUT_DIR"), "/manifest-commands.txt"));
