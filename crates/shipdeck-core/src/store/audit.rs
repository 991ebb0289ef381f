//! The append-only audit log: who (OS user, machine) changed what (area,
//! action, target), with what outcome, and when. Nothing here updates or
//! deletes a row; SQLite triggers refuse both. The SQL is portable between
//! SQLite and PostgreSQL: numbered placeholders, COALESCE and CAST only.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{actor, host, now_ms, q, Store};
use crate::error::Result;
use crate::secrets::redact;

/// The longest target or outcome kept, in characters.
pub const MAX_AUDIT_FIELD: usize = 200;
/// The most entries one read returns.
pub const MAX_AUDIT_ENTRIES: i64 = 10_000;
/// The most users (or areas) the filter menus list.
const MAX_FACETS: i64 = 200;

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    /// Milliseconds since the epoch.
    pub at: i64,
    /// The OS user; kept under its first name for existing readers (see `user`).
    pub actor: String,
    pub workspace_id: Option<String>,
    /// `area.verb`, e.g. `migrate.up`, `secret.set`.
    pub action: String,
    /// The redacted detail, as JSON text.
    pub detail: String,
    /// The OS user who acted (the same as `actor`).
    #[sqlx(skip)]
    pub user: String,
    /// The machine it ran on; null for entries written before it was kept.
    pub host: Option<String>,
    /// The app's area (`migrations`, `releases`, `secrets`, …).
    pub area: Option<String>,
    /// What was acted on: a database, an environment, a package or a tag.
    pub target: Option<String>,
    /// `ok`, `failed`, `dry_run`, `declined`, … when the action says.
    pub outcome: Option<String>,
}

/// Which audit entries to read. Times are epoch milliseconds; `until` is
/// exclusive. `limit` is held to 1…10 000.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct AuditFilter {
    #[serde(default)]
    pub workspace_id: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub since: Option<i64>,
    #[serde(default)]
    pub until: Option<i64>,
    pub limit: i64,
}

/// The values the Audit view's filter menus offer.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct AuditFacets {
    pub users: Vec<String>,
    pub areas: Vec<String>,
}

/// An entry of the workspace `$1`: written under its id, or under an old id
/// of it (the log is append-only, so entries keep the id they were written
/// with; `workspace_aliases` maps it).
const OF_WORKSPACE: &str =
    "(workspace_id = $1 OR workspace_id IN (SELECT alias FROM workspace_aliases WHERE workspace_id = $1))";
const COLUMNS: &str = "id, at, actor, workspace_id, action, detail, host, area, target, outcome";

impl Store {
    /// Appends to the audit log. `detail` is redacted before it is stored;
    /// the area, the target and the outcome are taken from the action and
    /// the detail so the log can be filtered.
    pub async fn audit(
        &self,
        workspace_id: Option<&str>,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let columns = AuditColumns::of(action, &detail);
        let detail = redact(&detail.to_string()).into_owned();
        q(
            "INSERT INTO audit_log (at, actor, workspace_id, action, detail, host, area, target, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(now_ms())
        .bind(actor())
        .bind(workspace_id)
        .bind(action)
        .bind(detail)
        .bind(host())
        .bind(columns.area)
        .bind(columns.target)
        .bind(columns.outcome)
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    /// The newest `limit` entries, of one workspace or of all.
    pub async fn audit_log(&self, workspace_id: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>> {
        self.audit_entries(&AuditFilter {
            workspace_id: workspace_id.map(str::to_string),
            limit,
            ..AuditFilter::default()
        })
        .await
    }

    /// The entries `filter` selects, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE (CAST($1 AS TEXT) IS NULL OR {OF_WORKSPACE})
               AND (CAST($2 AS TEXT) IS NULL OR actor = $2)
               AND (CAST($3 AS TEXT) IS NULL OR area = $3)
               AND (CAST($4 AS BIGINT) IS NULL OR at >= $4)
               AND (CAST($5 AS BIGINT) IS NULL OR at < $5)
             ORDER BY at DESC, id DESC LIMIT $6"
        );
        let mut rows: Vec<AuditEntry> = q(sql)
            .bind(filter.workspace_id.as_deref())
            .bind(filter.user.as_deref())
            .bind(filter.area.as_deref())
            .bind(filter.since)
            .bind(filter.until)
            .bind(filter.limit.clamp(1, MAX_AUDIT_ENTRIES))
            .fetch_all(self.db().await?)
            .await?;
        for row in &mut rows {
            row.user = row.actor.clone();
        }
        Ok(rows)
    }

    /// The users and areas that appear in the log (of one workspace or all),
    /// sorted, at most 200 of each.
    pub async fn audit_facets(&self, workspace_id: Option<&str>) -> Result<AuditFacets> {
        let users: Vec<String> = q(format!(
            "SELECT DISTINCT actor FROM audit_log
             WHERE (CAST($1 AS TEXT) IS NULL OR {OF_WORKSPACE}) ORDER BY actor LIMIT $2"
        ))
        .bind(workspace_id)
        .bind(MAX_FACETS)
        .scalars(self.db().await?)
        .await?;
        let areas: Vec<String> = q(format!(
            "SELECT DISTINCT area FROM audit_log
             WHERE area IS NOT NULL AND (CAST($1 AS TEXT) IS NULL OR {OF_WORKSPACE})
             ORDER BY area LIMIT $2"
        ))
        .bind(workspace_id)
        .bind(MAX_FACETS)
        .scalars(self.db().await?)
        .await?;
        Ok(AuditFacets { users, areas })
    }
}

/// The filterable columns of one entry, derived from its action and detail.
#[derive(Debug, PartialEq, Eq)]
struct AuditColumns {
    area: Option<String>,
    target: Option<String>,
    outcome: Option<String>,
}

impl AuditColumns {
    fn of(action: &str, detail: &serde_json::Value) -> AuditColumns {
        let target = ["database", "env", "environment", "package", "tag"]
            .iter()
            .find_map(|k| detail.get(*k).and_then(serde_json::Value::as_str));
        let outcome = match (detail.get("outcome"), detail.get("ok")) {
            (Some(serde_json::Value::String(s)), _) => Some(s.as_str()),
            (_, Some(serde_json::Value::Bool(ok))) => Some(if *ok { "ok" } else { "failed" }),
            _ => None,
        };
        AuditColumns {
            area: area_of(action).map(|a| bounded(&a)),
            target: target.map(bounded),
            outcome: outcome.map(bounded),
        }
    }
}

/// The app's area of an action: its prefix before the first `.`, under the
/// area's name where the action uses a shorter word (`migrate.up` →
/// `migrations`).
pub fn area_of(action: &str) -> Option<String> {
    let prefix = action
        .split('.')
        .next()
        .filter(|p| !p.is_empty() && *p != action)?;
    let area = match prefix {
        "release" => "releases",
        "migrate" => "migrations",
        "env" => "environments",
        "secret" => "secrets",
        "deps" => "dependencies",
        "blueprint" => "blueprints",
        other => other,
    };
    Some(area.to_string())
}

/// Redacted, then cut to [`MAX_AUDIT_FIELD`] characters.
fn bounded(s: &str) -> String {
    redact(s).chars().take(MAX_AUDIT_FIELD).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Writes an entry as `user` at `at` (the columns `audit` derives, by
    /// the same rule).
    async fn entry(
        store: &Store,
        at: i64,
        user: &str,
        ws: Option<&str>,
        action: &str,
        detail: serde_json::Value,
    ) {
        let c = AuditColumns::of(action, &detail);
        q(
            "INSERT INTO audit_log (at, actor, workspace_id, action, detail, host, area, target, outcome)
             VALUES ($1, $2, $3, $4, $5, 'build-01', $6, $7, $8)",
        )
        .bind(at)
        .bind(user)
        .bind(ws)
        .bind(action)
        .bind(detail.to_string())
        .bind(c.area)
        .bind(c.target)
        .bind(c.outcome)
        .execute(store.db().await.unwrap())
        .await
        .unwrap();
    }

    fn ids(rows: &[AuditEntry]) -> Vec<i64> {
        rows.iter().map(|r| r.id).collect()
    }

    async fn seeded(store: &Store) {
        store.upsert_workspace("w1", "/w1", "one", false).await.unwrap();
        store.upsert_workspace("w2", "/w2", "two", false).await.unwrap();
        let up = json!({"database": "main", "outcome": "ok"});
        entry(store, 1_000, "alice", Some("w1"), "migrate.up", up).await;
        entry(
            store,
            2_000,
            "bob",
            Some("w1"),
            "secret.set",
            json!({"name": "gh"}),
        )
        .await;
        entry(
            store,
            3_000,
            "alice",
            Some("w2"),
            "release.cut",
            json!({"tag": "v1.0.0"}),
        )
        .await;
        entry(store, 4_000, "carol", None, "demo.create", json!({"root": "/d"})).await;
    }

    fn filter() -> AuditFilter {
        AuditFilter {
            limit: 100,
            ..AuditFilter::default()
        }
    }

    #[test]
    fn columns_come_from_the_action_and_the_detail() {
        let c = AuditColumns::of("env.reveal", &json!({"env": "prod", "key": "K"}));
        assert_eq!(c.area.as_deref(), Some("environments"));
        assert_eq!(c.target.as_deref(), Some("prod"));
        assert_eq!(c.outcome, None);
        // The first string key wins; a non-string value is passed over.
        let c = AuditColumns::of(
            "x.y",
            &json!({"database": 3, "package": "web", "tag": "v1", "ok": false}),
        );
        assert_eq!(c.target.as_deref(), Some("web"));
        assert_eq!(c.outcome.as_deref(), Some("failed"));
        let c = AuditColumns::of("x.y", &json!({"environment": "stage", "ok": true}));
        assert_eq!(
            (c.target.as_deref(), c.outcome.as_deref()),
            (Some("stage"), Some("ok"))
        );
        let c = AuditColumns::of("noarea", &json!("not an object"));
        assert_eq!(
            c,
            AuditColumns {
                area: None,
                target: None,
                outcome: None
            }
        );
        let names: Vec<_> = [
            "release.cut",
            "migrate.up",
            "secret.rm",
            "deps.update",
            "blueprint.create",
            "advisor.accept",
            "security.secret_dismiss",
            "rollback.step",
            "demo.create",
        ]
        .iter()
        .map(|a| area_of(a).unwrap())
        .collect();
        assert_eq!(
            names,
            [
                "releases",
                "migrations",
                "secrets",
                "dependencies",
                "blueprints",
                "advisor",
                "security",
                "rollback",
                "demo"
            ]
        );
    }

    super::super::testing::on_both_engines! {
        async fn audit_log_is_append_only_and_redacted(store: Store) {
            store
                .audit(None, "test", json!({"url": "postgres://u:topsecret@h/db"}))
                .await
                .unwrap();
            let rows = store.audit_log(None, 10).await.unwrap();
            assert_eq!(rows.len(), 1);
            assert!(!rows[0].detail.contains("topsecret"), "{}", rows[0].detail);
            let update = q("UPDATE audit_log SET action = 'x'")
                .execute(store.db().await.unwrap())
                .await;
            assert!(update.is_err());
            let delete = q("DELETE FROM audit_log")
                .execute(store.db().await.unwrap())
                .await;
            assert!(delete.is_err());
        }

        async fn an_entry_keeps_who_where_area_target_and_outcome(store: Store) {
            store
                .audit(
                    None,
                    "migrate.up",
                    json!({"database": "main", "outcome": "failed", "url": "x"}),
                )
                .await
                .unwrap();
            let e = &store.audit_log(None, 1).await.unwrap()[0];
            assert_eq!(e.user, actor());
            assert_eq!(e.actor, e.user);
            assert_eq!(e.host.as_deref(), Some(host().as_str()));
            assert_eq!(e.area.as_deref(), Some("migrations"));
            assert_eq!(e.target.as_deref(), Some("main"));
            assert_eq!(e.outcome.as_deref(), Some("failed"));
        }

        async fn a_huge_target_is_cut_and_a_secret_in_it_is_redacted(store: Store) {
            let huge = "d".repeat(1024 * 1024);
            store
                .audit(
                    None,
                    "migrate.up",
                    json!({"database": huge, "outcome": "postgres://u:hunter2secret@h/db"}),
                )
                .await
                .unwrap();
            let e = &store.audit_log(None, 1).await.unwrap()[0];
            assert_eq!(e.target.as_deref().unwrap().chars().count(), MAX_AUDIT_FIELD);
            let outcome = e.outcome.as_deref().unwrap();
            assert!(!outcome.contains("hunter2secret"), "{outcome}");
            assert!(outcome.chars().count() <= MAX_AUDIT_FIELD);
        }

        async fn filters_by_workspace_user_area_and_time_newest_first(store: Store) {
            seeded(&store).await;
            assert_eq!(ids(&store.audit_entries(&filter()).await.unwrap()), [4, 3, 2, 1]);
            let f = |patch: fn(&mut AuditFilter)| {
                let mut f = filter();
                patch(&mut f);
                f
            };
            let by = |f: AuditFilter| {
                let store = store.clone();
                async move { ids(&store.audit_entries(&f).await.unwrap()) }
            };
            assert_eq!(by(f(|f| f.workspace_id = Some("w1".into()))).await, [2, 1]);
            assert_eq!(by(f(|f| f.user = Some("alice".into()))).await, [3, 1]);
            assert_eq!(by(f(|f| f.area = Some("migrations".into()))).await, [1]);
            assert_eq!(
                by(f(|f| f.area = Some("nothing".into()))).await,
                Vec::<i64>::new()
            );
            // `since` is inclusive, `until` exclusive.
            assert_eq!(
                by(f(|f| (f.since, f.until) = (Some(2_000), Some(4_000)))).await,
                [3, 2]
            );
            assert_eq!(
                by(f(
                    |f| (f.user, f.workspace_id) = (Some("alice".into()), Some("w2".into()))
                ))
                .await,
                [3]
            );
            assert_eq!(by(f(|f| f.limit = 2)).await, [4, 3]);
            // A limit out of bounds is held to 1…10 000.
            assert_eq!(by(f(|f| f.limit = 0)).await, [4]);
            assert_eq!(by(f(|f| f.limit = i64::MAX)).await.len(), 4);
            // Hostile values are bound, never spliced into SQL.
            assert_eq!(
                by(f(|f| f.user = Some("' OR '1'='1".into()))).await,
                Vec::<i64>::new()
            );
        }

        async fn facets_list_each_user_and_area_once_per_workspace_or_all(store: Store) {
            seeded(&store).await;
            let all = store.audit_facets(None).await.unwrap();
            assert_eq!(all.users, ["alice", "bob", "carol"]);
            assert_eq!(all.areas, ["demo", "migrations", "releases", "secrets"]);
            let w1 = store.audit_facets(Some("w1")).await.unwrap();
            assert_eq!(w1.users, ["alice", "bob"]);
            assert_eq!(w1.areas, ["migrations", "secrets"]);
            assert!(store.audit_facets(Some("none")).await.unwrap().users.is_empty());
        }

        async fn old_entries_without_the_new_columns_read_as_null(store: Store) {
            q("INSERT INTO audit_log (at, actor, workspace_id, action, detail) VALUES (1, 'old', NULL, 'release.cut', '{}')")
                .execute(store.db().await.unwrap())
                .await
                .unwrap();
            let e = &store.audit_log(None, 10).await.unwrap()[0];
            assert_eq!(
                (e.user.as_str(), e.host.as_deref(), e.area.as_deref()),
                ("old", None, None)
            );
            assert!(store.audit_facets(None).await.unwrap().areas.is_empty());
        }
    }
}
