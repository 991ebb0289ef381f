// The app manifest lists every command, so each one needs an explicit
// permission in capabilities/ (least privilege: nothing is allowed by default).
const COMMANDS: &[&str] = &[
    "app_ready",
    "startup_workspace",
    "workspace_open",
    "workspace_recent",
    "workspace_forget",
    "workspace_scan",
    "workspace_last_scan",
    "workspace_chart",
    "demo_create_default",
    "activity_list",
    "jobs_running",
    "job_cancel",
    "logs_read",
    "logs_follow",
    "secret_set",
    "secret_list",
    "secret_rm",
    "doctor_run",
    "release_plan",
    "release_cut",
    "release_publish",
    "release_rollback",
    "release_history",
    "release_cadence_chart",
    "migration_databases",
    "migrate_status",
    "migrate_up",
    "migrate_down",
    "migrate_create",
    "migrate_lint",
    "migrate_repair",
    "migrate_baseline",
    "migrate_show",
    "migration_runs",
    "migration_chart",
    "env_parity",
    "env_parity_chart",
    "env_reveal",
    "env_health",
    "env_readiness",
    "env_doctor",
    "env_history",
    "env_history_chart",
];

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
