use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;
use crate::jobs::CancellationToken;
use crate::store::testing::{self, on_both_engines};

fn progress() -> Progress {
    Progress::detached(CancellationToken::new())
}

/// A row in every table, with rows that refer to each other.
async fn seed(store: &Store, tag: &str) {
    let db = store.db().await.unwrap();
    let ws = format!("ws-{tag}");
    q("INSERT INTO workspaces (id, root, name, first_opened_at, last_opened_at) VALUES ($1, $2, $3, 1, 2)")
        .bind(&ws)
        .bind(format!("/src/{tag}"))
        .bind(tag)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO workspace_aliases (alias, workspace_id) VALUES ($1, $2)")
        .bind(format!("old-{tag}"))
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    store.set_setting(&format!("theme-{tag}"), "dark").await.unwrap();
    let job: i64 = q("INSERT INTO job_runs (workspace_id, kind, started_at, finished_at, outcome, summary, pid, user_name, host, heartbeat_at)
                      VALUES ($1, 'release_plan', 10, 20, 'succeeded', 'planned', 7, 'alice', 'box-1', 15) RETURNING id")
        .bind(&ws)
        .scalar(db)
        .await
        .unwrap();
    q(
        "INSERT INTO audit_log (at, actor, workspace_id, action, detail, host, area, target, outcome)
       VALUES (11, 'alice', $1, 'release.cut', '{\"v\":1}', 'box-1', 'releases', 'app', 'ok')",
    )
    .bind(&ws)
    .execute(db)
    .await
    .unwrap();
    q("INSERT INTO credentials (workspace_id, name, created_at, updated_at) VALUES ($1, 'gh', 1, 2)")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    q(
        "INSERT INTO release_events (workspace_id, at, actor, action, package, version, outcome, host)
       VALUES ($1, 12, 'alice', 'cut', 'app', '1.2.0', 'ok', 'box-1')",
    )
    .bind(&ws)
    .execute(db)
    .await
    .unwrap();
    q("INSERT INTO commit_cache (sha, data) VALUES ($1, '{}')")
        .bind(format!("sha-{tag}"))
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO migration_runs (workspace_id, at, actor, database, url, action, outcome) VALUES ($1, 13, 'alice', 'main', 'postgres://db/x', 'up', 'ok')")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO applied_sql (checksum, sql) VALUES ($1, 'SELECT 1')")
        .bind(format!("sum-{tag}"))
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO env_runs (workspace_id, at, kind, score, errors, warnings) VALUES ($1, 14, 'parity', 0.75, 1, 2)")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    let bench: i64 = q("INSERT INTO bench_runs (workspace_id, started_at, finished_at, pid, status, source, name, machine, host)
                        VALUES ($1, 15, 16, 7, 'ok', 'http', $2, 'm', 'box-1') RETURNING id")
        .bind(&ws)
        .bind(format!("bench-{tag}"))
        .scalar(db)
        .await
        .unwrap();
    for (name, lower) in [("p50", true), ("rps", false)] {
        q("INSERT INTO bench_metrics (run_id, name, unit, lower_is_better, value, stddev, n) VALUES ($1, $2, 'ms', $3, 1.5, NULL, 3)")
            .bind(bench)
            .bind(name)
            .bind(lower)
            .execute(db)
            .await
            .unwrap();
    }
    let advisor: i64 = q("INSERT INTO advisor_runs (workspace_id, database, engine, at, duration_ms, findings) VALUES ($1, 'main', 'postgres', 17, 5, 1) RETURNING id")
        .bind(&ws)
        .scalar(db)
        .await
        .unwrap();
    q("INSERT INTO advisor_findings (run_id, key, check_id, severity, detail) VALUES ($1, 'k1', 'missing_index', 'warn', '{}')")
        .bind(advisor)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO advisor_dismissals (workspace_id, database, key, check_id, reason, actor, at) VALUES ($1, 'main', 'k1', 'missing_index', 'known', 'alice', 18)")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    let mut imports = Vec::new();
    for at in [19_i64, 20] {
        let id: i64 = q("INSERT INTO security_sarif_imports (workspace_id, tool, file, imported_at, results) VALUES ($1, 'semgrep', $2, $3, 1) RETURNING id")
            .bind(&ws)
            .bind(format!("scan-{at}.sarif"))
            .bind(at)
            .scalar(db)
            .await
            .unwrap();
        imports.push(id);
    }
    let result: i64 = q("INSERT INTO security_sarif_results (workspace_id, fingerprint, tool, rule_id, level, message, first_import, last_import)
                         VALUES ($1, $2, 'semgrep', 'r1', 'error', 'bad', $3, $4) RETURNING id")
        .bind(&ws)
        .bind(format!("fp-{tag}"))
        .bind(imports[0])
        .bind(imports[1])
        .scalar(db)
        .await
        .unwrap();
    for import in &imports {
        q("INSERT INTO security_sarif_seen (import_id, result_id) VALUES ($1, $2)")
            .bind(*import)
            .bind(result)
            .execute(db)
            .await
            .unwrap();
    }
    let coverage: i64 = q("INSERT INTO coverage_runs (workspace_id, at, passed, lines_covered, lines_total) VALUES ($1, $2, true, 80, 100) RETURNING id")
        .bind(&ws)
        .bind(21_i64)
        .scalar(db)
        .await
        .unwrap();
    q("INSERT INTO coverage_run_areas (run_id, name, lines_covered, lines_total, lines_pct, threshold, passed) VALUES ($1, 'core', 8, 10, 80.0, 90.0, false)")
        .bind(coverage)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO coverage_run_reports (run_id, ord, path, format, lines_covered, lines_total) VALUES ($1, 0, 'lcov.info', 'lcov', 80, 100)")
        .bind(coverage)
        .execute(db)
        .await
        .unwrap();
    let bundle: i64 = q("INSERT INTO bundle_runs (workspace_id, recorded_at, framework, dir, passed, total_bytes, total_gzip_bytes, shared_bytes, shared_gzip_bytes)
                         VALUES ($1, 22, 'next', '.next', true, 1, 1, 1, 1) RETURNING id")
        .bind(&ws)
        .scalar(db)
        .await
        .unwrap();
    q("INSERT INTO bundle_routes (run_id, route, router, first_load_js_bytes, first_load_js_gzip_bytes, size_bytes, size_gzip_bytes) VALUES ($1, '/', 'app', 1, 1, 1, 1)")
        .bind(bundle)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO docs_reviews (workspace_id, path, commit_sha, reviewed_at) VALUES ($1, 'docs/a.md', 'abc', 23)")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO readiness_runs (workspace_id, at, duration_ms, commit_sha, verdict, checks, details) VALUES ($1, 24, 5, 'abc', 'pass', '[]', '{}')")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO release_schema (workspace_id, package, version, database, migration_version, recorded_at) VALUES ($1, 'app', '1.2.0', 'main', 3, 25)")
        .bind(&ws)
        .execute(db)
        .await
        .unwrap();
    q("INSERT INTO rollback_runs (workspace_id, job_id, env, to_version, completed, steps, started_at, finished_at) VALUES ($1, $2, 'prod', '1.1.0', true, '[]', 26, 27)")
        .bind(&ws)
        .bind(job)
        .execute(db)
        .await
        .unwrap();
}

async fn export_value(store: &Store) -> Value {
    let mut out = Vec::new();
    export(store, &mut out, &progress()).await.unwrap();
    serde_json::from_slice(&out).expect("an export is JSON")
}

/// Every table's rows without generated ids and the references to them,
/// in a stable order.
fn without_ids(export: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (name, rows) in export["tables"].as_object().unwrap() {
        let spec = spec::table(name).unwrap();
        let mut rows: Vec<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let mut row = row.as_object().unwrap().clone();
                if let Key::Generated(id) = spec.key {
                    row.remove(id);
                }
                for (column, _) in spec.refs {
                    row.remove(*column);
                }
                Value::Object(row).to_string()
            })
            .collect();
        rows.sort();
        out.insert(name.clone(), rows);
    }
    out
}

async fn count(store: &Store, table: &str) -> i64 {
    q(format!("SELECT COUNT(*) FROM {table}"))
        .scalar(store.db().await.unwrap())
        .await
        .unwrap()
}

async fn table_names(store: &Store) -> BTreeSet<String> {
    let db = store.db().await.unwrap();
    let sql = if db.is_postgres() {
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    q(sql)
        .scalars::<String>(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t != "_sqlx_migrations")
        .collect()
}

on_both_engines! {
    async fn the_table_spec_names_every_table_of_the_schema(store: Store) {
        let spec: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
        assert_eq!(table_names(&store).await, spec);
        if store.db().await.unwrap().is_postgres() {
            let bools: BTreeSet<(String, String)> = q(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND data_type = 'boolean' AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all::<(String, String)>(store.db().await.unwrap())
            .await
            .unwrap()
            .into_iter()
            .collect();
            let listed: BTreeSet<(String, String)> = TABLES
                .iter()
                .flat_map(|t| t.bools.iter().map(|c| (t.name.to_string(), c.to_string())))
                .collect();
            assert_eq!(bools, listed);
        }
    }

    async fn a_sqlite_history_arrives_whole_and_a_second_copy_copies_nothing(target: Store) {
        let (_dir, source) = testing::sqlite().await;
        seed(&source, "a").await;
        let report = copy(&Source::Store(&source), &target, &progress()).await.unwrap();
        assert_eq!(report.tables["job_runs"], TableCount { copied: 1, skipped: 0 });
        assert_eq!(report.tables["bench_metrics"].copied, 2);
        assert_eq!(report.tables["security_sarif_seen"].copied, 2);
        assert_eq!(without_ids(&export_value(&target).await), without_ids(&export_value(&source).await));
        // Booleans are booleans in an export from either engine.
        let exported = export_value(&target).await;
        assert_eq!(exported["tables"]["coverage_runs"][0]["passed"], json!(true));
        assert_eq!(exported["tables"]["coverage_run_areas"][0]["passed"], json!(false));

        let again = copy(&Source::Store(&source), &target, &progress()).await.unwrap();
        assert_eq!(again.copied(), 0, "{again:?}");
        assert_eq!(count(&target, "job_runs").await, 1);
        assert_eq!(count(&target, "audit_log").await, 1);

        // A new run in the source is all the next copy brings.
        q("INSERT INTO job_runs (workspace_id, kind, started_at, outcome, pid) VALUES ('ws-a', 'release_cut', 30, 'succeeded', 8)")
            .execute(source.db().await.unwrap())
            .await
            .unwrap();
        let third = copy(&Source::Store(&source), &target, &progress()).await.unwrap();
        assert_eq!(third.copied(), 1, "{third:?}");
        assert_eq!(count(&target, "job_runs").await, 2);
    }

    async fn an_export_imports_back_whole_and_once(source: Store) {
        seed(&source, "b").await;
        let mut bytes = Vec::new();
        let summary = export(&source, &mut bytes, &progress()).await.unwrap();
        assert_eq!(summary.tables["audit_log"], 1);
        let doc = read_export(&bytes[..]).unwrap();
        for (_dir, target) in [testing::sqlite().await, testing::postgres().await] {
            target.import(&doc, &progress()).await.unwrap();
            assert_eq!(without_ids(&export_value(&target).await), without_ids(&export_value(&source).await));
            let again = target.import(&doc, &progress()).await.unwrap();
            assert_eq!(again.copied(), 0, "{again:?}");
        }
    }

    async fn copied_rows_that_refer_to_each_other_keep_their_links(target: Store) {
        // The target has its own history, so copied rows get other ids.
        seed(&target, "mine").await;
        let (_dir, source) = testing::sqlite().await;
        seed(&source, "theirs").await;
        copy(&Source::Store(&source), &target, &progress()).await.unwrap();
        let db = target.db().await.unwrap();
        let metrics: Vec<String> = q("SELECT m.name FROM bench_metrics m JOIN bench_runs r ON r.id = m.run_id
                                      WHERE r.name = 'bench-theirs' ORDER BY m.name")
            .scalars(db)
            .await
            .unwrap();
        assert_eq!(metrics, ["p50", "rps"]);
        let seen: Vec<String> = q("SELECT i.file FROM security_sarif_seen s
                                   JOIN security_sarif_imports i ON i.id = s.import_id
                                   JOIN security_sarif_results r ON r.id = s.result_id
                                   WHERE r.fingerprint = 'fp-theirs' AND i.workspace_id = 'ws-theirs' ORDER BY i.file")
            .scalars(db)
            .await
            .unwrap();
        assert_eq!(seen, ["scan-19.sarif", "scan-20.sarif"]);
        let first_last: (String, String) = q("SELECT f.file, l.file FROM security_sarif_results r
                                              JOIN security_sarif_imports f ON f.id = r.first_import
                                              JOIN security_sarif_imports l ON l.id = r.last_import
                                              WHERE r.fingerprint = 'fp-theirs'")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(first_last, ("scan-19.sarif".into(), "scan-20.sarif".into()));
        let areas: i64 = q("SELECT COUNT(*) FROM coverage_run_areas a JOIN coverage_runs c ON c.id = a.run_id WHERE c.workspace_id = 'ws-theirs'")
            .scalar(db)
            .await
            .unwrap();
        assert_eq!(areas, 1);
        let job_kind: String = q("SELECT j.workspace_id FROM rollback_runs b JOIN job_runs j ON j.id = b.job_id WHERE b.workspace_id = 'ws-theirs'")
            .scalar(db)
            .await
            .unwrap();
        assert_eq!(job_kind, "ws-theirs");
        assert_eq!(count(&target, "job_runs").await, 2);
    }

    async fn a_hostile_export_is_refused_and_imports_nothing(target: Store) {
        let header = |tables: Value| {
            json!({"format": "shipdeck-store", "version": 1, "store_id": "s-1", "schema": 1, "tables": tables})
        };
        let ws = json!({"id": "w", "root": "/w", "name": "w", "first_opened_at": 1, "last_opened_at": 1});
        let job = |id: Value| json!({"id": id, "workspace_id": "w", "kind": "release_plan", "started_at": 1, "outcome": "succeeded", "pid": 1});
        let cases = [
            ("wrong format", json!({"format": "other", "version": 1, "store_id": "s", "schema": 1, "tables": {}}), "store.bad_export"),
            ("not an object", json!([1, 2]), "store.bad_export"),
            ("unknown table", header(json!({"workspaces": [ws], "users; DROP TABLE job_runs": []})), "store.bad_export"),
            ("bookkeeping table", header(json!({"store_imports": []})), "store.bad_export"),
            ("unknown column", header(json!({"workspaces": [ws], "job_runs": [{"id": 1, "pid": 1, "x\" text); DROP TABLE job_runs; --": 1}]})), "store.bad_export"),
            ("string id", header(json!({"workspaces": [ws], "job_runs": [job(json!("1"))]})), "store.bad_export"),
            ("float id", header(json!({"workspaces": [ws], "job_runs": [job(json!(1.5))]})), "store.bad_export"),
            ("wrong type", header(json!({"workspaces": [{"id": "w", "root": 5, "name": "w", "first_opened_at": 1, "last_opened_at": 1}]})), "store.bad_export"),
            ("huge value", header(json!({"workspaces": [ws], "job_runs": [{"id": 1, "workspace_id": "w", "kind": "x".repeat(MAX_VALUE_BYTES + 1), "started_at": 1, "pid": 1}]})), "store.value_too_large"),
            ("newer schema", json!({"format": "shipdeck-store", "version": 1, "store_id": "s", "schema": 99_999_999_999_999_i64, "tables": {}}), "store.export_newer"),
        ];
        for (what, doc, code) in cases {
            let bytes = serde_json::to_vec(&doc).unwrap();
            let err = match read_export(&bytes[..]) {
                Ok(doc) => target.import(&doc, &progress()).await.unwrap_err(),
                Err(e) => e,
            };
            assert_eq!(err.code(), code, "{what}: {err}");
            assert!(err.to_string().len() < 1000, "{what}: the message quotes no huge value");
            assert_eq!(count(&target, "workspaces").await, 0, "{what}");
            assert_eq!(count(&target, "job_runs").await, 0, "{what}");
            assert_eq!(count(&target, "store_imports").await, 0, "{what}");
        }
    }

    async fn a_cancelled_copy_stops_before_writing(target: Store) {
        let (_dir, source) = testing::sqlite().await;
        seed(&source, "c").await;
        let token = CancellationToken::new();
        token.cancel();
        let err = copy(&Source::Store(&source), &target, &Progress::detached(token)).await.unwrap_err();
        assert_eq!(err.code(), "job.cancelled");
        assert_eq!(count(&target, "workspaces").await, 0);
    }

    async fn a_workspace_whose_folder_the_target_holds_keeps_its_history(target: Store) {
        q("INSERT INTO workspaces (id, root, name, first_opened_at, last_opened_at) VALUES ('other', '/src/d', 'd', 1, 1)")
            .execute(target.db().await.unwrap())
            .await
            .unwrap();
        let (_dir, source) = testing::sqlite().await;
        seed(&source, "d").await;
        copy(&Source::Store(&source), &target, &progress()).await.unwrap();
        let root: String = q("SELECT root FROM workspaces WHERE id = 'ws-d'")
            .scalar(target.db().await.unwrap())
            .await
            .unwrap();
        assert_eq!(root, "/src/d#ws-d");
        assert_eq!(count(&target, "job_runs").await, 1);
    }

    async fn a_store_keeps_one_id(store: Store) {
        let id = store.store_id().await.unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(store.store_id().await.unwrap(), id);
        let err = copy(&Source::Store(&store), &store, &progress()).await.unwrap_err();
        assert_eq!(err.code(), "input.invalid");
    }
}
