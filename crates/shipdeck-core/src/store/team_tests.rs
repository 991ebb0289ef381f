//! The GRANTs of docs/team.md, run as written: an administrator migrates
//! the shared store, the app's role gets only what it needs, and the store
//! works as that role while the audit log refuses UPDATE and DELETE by
//! permission (before any trigger).

use super::*;
use crate::jobs::JobKind;

/// The statements of docs/team.md ("An administrator runs the migrations"),
/// with the role's name and password filled in.
fn grants(role: &str, password: &str, database: &str) -> Vec<String> {
    vec![
        format!("CREATE ROLE {role} LOGIN PASSWORD '{password}'"),
        format!("GRANT CONNECT ON DATABASE {database} TO {role}"),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ]
}

#[tokio::test]
async fn the_app_role_of_the_team_guide_writes_history_but_cannot_change_the_audit_log() {
    let db = shipdeck_testkit::postgres::server().database("team");
    let admin = Store::at(Location::Shared {
        url: db.url.clone(),
        keyring: false,
    });
    let admin_db = admin.db().await.unwrap();
    let role = format!("{}_app", db.name);
    let password = "app-Secret-42";
    for statement in grants(&role, password, &db.name) {
        q(statement).execute(admin_db).await.unwrap();
    }

    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_username(&role).unwrap();
    url.set_password(Some(password)).unwrap();
    let app = Store::at(Location::Shared {
        url: url.to_string(),
        keyring: false,
    });
    // Opening checks the schema is up to date (the administrator migrated it).
    app.upsert_workspace("w", "/w", "w", true).await.unwrap();
    let job = app
        .job_started(NewJob {
            workspace_id: Some("w"),
            kind: JobKind::ReleasePlan,
        })
        .await
        .unwrap();
    app.job_heartbeat(job).await.unwrap();
    app.audit(Some("w"), "release.cut", serde_json::json!({"version": "1.0.0"}))
        .await
        .unwrap();
    app.forget_workspace("w").await.unwrap();
    assert_eq!(app.audit_log(Some("w"), 10).await.unwrap().len(), 1);
    app.store_id().await.unwrap();

    let app_db = app.db().await.unwrap();
    for statement in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = q(statement).execute(app_db).await.unwrap_err();
        let Error::Store(sqlx::Error::Database(e)) = &err else {
            panic!("{statement}: {err}")
        };
        // 42501: insufficient_privilege — refused by the GRANTs, not only
        // by the trigger.
        assert_eq!(e.code().as_deref(), Some("42501"), "{statement}: {e}");
    }
    assert_eq!(admin.audit_log(None, 10).await.unwrap()[0].actor, actor());

    drop(app);
    for statement in [format!("DROP OWNED BY {role}"), format!("DROP ROLE {role}")] {
        // The role's connections are gone with its pool.
        let _ = q(statement).execute(admin_db).await;
    }
}
