//! Planning with and without hypothetical indexes: the candidates of a
//! query, their costs (HypoPG), and the missing-index and slow-query
//! findings built on them.

use std::collections::BTreeMap;

use sqlx::postgres::PgRow;
use sqlx::{Executor, PgConnection};

use super::super::names::delimit;
use super::super::predicates::{self, TableUse};
use super::super::{
    cost_drop_pct, create_index_sql, quote_ident, AdvisorError, Evidence, Finding, Relation, Severity,
    Thresholds, Verification,
};
use super::{db, f, s, Statement, PG};
use shipdeck_base::error::Result;

/// A plan: its text and total estimated cost.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) text: String,
    pub(super) cost: f64,
}

/// A verified (or unverified) index candidate.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) table: Relation,
    pub(super) columns: Vec<String>,
    pub(super) after: Option<Plan>,
}

pub(super) struct Advisor<'c> {
    pub(super) conn: &'c mut PgConnection,
    pub(super) hypopg: bool,
    pub(super) min_drop: f64,
    /// A table's name parts as a query writes them → the table and its
    /// columns (`None`: no such table).
    pub(super) resolved: BTreeMap<Vec<String>, Option<(Relation, Vec<String>)>>,
    pub(super) statement_no: u32,
    /// Plan statements that call untrusted functions anyway.
    pub(super) allow_untrusted: bool,
    /// Query text → the untrusted functions it calls (empty: none).
    untrusted: BTreeMap<String, Vec<String>>,
}

impl<'c> Advisor<'c> {
    pub(super) fn new(conn: &'c mut PgConnection, hypopg: bool, t: &Thresholds) -> Advisor<'c> {
        Advisor {
            conn,
            hypopg,
            min_drop: t.min_cost_drop_pct,
            resolved: BTreeMap::new(),
            statement_no: 0,
            allow_untrusted: false,
            untrusted: BTreeMap::new(),
        }
    }

    /// EXPLAIN of a statement, normalised (`$1`) or not: parameterised
    /// statements are prepared and planned generically (PostgreSQL 15 has
    /// no `EXPLAIN (GENERIC_PLAN)`), with NULL arguments that the generic
    /// plan does not look at.
    pub(super) async fn explain(&mut self, sql: &str) -> Result<Plan> {
        // One plannable statement only: the text is spliced into EXPLAIN
        // and PREPARE, which must never run anything else.
        use sqlparser::ast::Statement as S;
        let stmt = predicates::parse(sql, PG)?;
        match stmt {
            S::Query(_) | S::Update(_) | S::Delete(_) | S::Insert(_) => {}
            _ => {
                return Err(AdvisorError::Parse {
                    detail: "only SELECT, INSERT, UPDATE and DELETE can be planned".into(),
                }
                .into())
            }
        }
        let untrusted = self.untrusted_in(sql, &stmt).await?;
        if !untrusted.is_empty() {
            return Err(AdvisorError::UntrustedFunction {
                functions: untrusted.join(", "),
            }
            .into());
        }
        let params = predicates::placeholder_count(sql, PG)?;
        // The analysis runs in one read-only transaction: a failing
        // statement must not abort it for the next ones.
        self.conn.execute("SAVEPOINT shipdeck_plan").await.map_err(db)?;
        let planned = self.plan(sql, params).await;
        let end = if planned.is_ok() {
            "RELEASE SAVEPOINT shipdeck_plan"
        } else {
            "ROLLBACK TO SAVEPOINT shipdeck_plan"
        };
        self.conn.execute(end).await.map_err(db)?;
        planned
    }

    /// The untrusted functions `stmt` calls (none when the user allowed
    /// them); a statement whose functions cannot be checked counts as
    /// untrusted.
    async fn untrusted_in(&mut self, sql: &str, stmt: &sqlparser::ast::Statement) -> Result<Vec<String>> {
        if self.allow_untrusted {
            return Ok(Vec::new());
        }
        if let Some(known) = self.untrusted.get(sql) {
            return Ok(known.clone());
        }
        self.conn.execute("SAVEPOINT shipdeck_trust").await.map_err(db)?;
        let found = match super::trust::untrusted_functions(&mut *self.conn, stmt).await {
            Ok(found) => {
                self.conn
                    .execute("RELEASE SAVEPOINT shipdeck_trust")
                    .await
                    .map_err(db)?;
                found
            }
            Err(e) => {
                self.conn
                    .execute("ROLLBACK TO SAVEPOINT shipdeck_trust")
                    .await
                    .map_err(db)?;
                vec![format!("(the functions could not be checked: {e})")]
            }
        };
        self.untrusted.insert(sql.to_string(), found.clone());
        Ok(found)
    }

    /// The statements left unplanned because they call untrusted functions.
    pub(super) fn skipped(&self) -> Vec<(&str, &[String])> {
        self.untrusted
            .iter()
            .filter(|(_, f)| !f.is_empty())
            .map(|(q, f)| (q.as_str(), f.as_slice()))
            .collect()
    }

    async fn plan(&mut self, sql: &str, params: usize) -> Result<Plan> {
        let lines: Vec<String> = if params == 0 {
            sqlx::query_scalar(&format!("EXPLAIN {sql}"))
                .fetch_all(&mut *self.conn)
                .await
                .map_err(db)?
        } else {
            // A fresh name each time: a cached generic plan would not see a
            // hypothetical index created after it.
            self.statement_no += 1;
            let name = format!("shipdeck_advisor_{}", self.statement_no);
            self.conn
                .execute(&*format!(
                    "SET plan_cache_mode = force_generic_plan; PREPARE {name} AS {sql}"
                ))
                .await
                .map_err(db)?;
            let args = vec!["NULL"; params].join(", ");
            let plan = sqlx::query_scalar(&format!("EXPLAIN EXECUTE {name}({args})"))
                .fetch_all(&mut *self.conn)
                .await;
            self.conn
                .execute(&*format!("DEALLOCATE {name}; RESET plan_cache_mode"))
                .await
                .map_err(db)?;
            plan.map_err(db)?
        };
        let cost = lines
            .first()
            .and_then(|l| total_cost(l))
            .ok_or_else(|| AdvisorError::Explain {
                detail: "the plan has no cost".into(),
            })?;
        Ok(Plan {
            text: lines.join("\n"),
            cost,
        })
    }

    /// The table a query's name refers to (`schema.table` or a bare name
    /// on the search path) and its columns, from the catalog.
    async fn resolve(&mut self, parts: &[String]) -> Result<Option<(Relation, Vec<String>)>> {
        if let Some(known) = self.resolved.get(parts) {
            return Ok(known.clone());
        }
        // Each part quoted as it was meant (unquoted ones already folded to
        // lower case by the parser), so to_regclass reads one name per part.
        let found = if (1..=2).contains(&parts.len()) {
            let name = parts.iter().map(|p| delimit(PG, p)).collect::<Vec<_>>().join(".");
            sqlx::query(
                "SELECT n.nspname::text, c.relname::text,
                        ARRAY(SELECT attname::text FROM pg_attribute
                              WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum)
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = to_regclass($1)",
            )
            .bind(name)
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(db)?
            .map(|r| {
                let cols: Vec<String> = sqlx::Row::try_get(&r, 2).unwrap_or_default();
                (Relation::pg(&s(&r, 0), s(&r, 1)), cols)
            })
        } else {
            None
        };
        self.resolved.insert(parts.to_vec(), found.clone());
        Ok(found)
    }

    /// The tables `stmt` filters on, resolved against the catalog, with
    /// their columns (unqualified columns in joins resolved, typos dropped).
    pub(super) async fn uses(
        &mut self,
        stmt: &sqlparser::ast::Statement,
    ) -> Result<Vec<(Relation, TableUse)>> {
        let mut known: BTreeMap<String, (Relation, Vec<String>)> = BTreeMap::new();
        for (key, parts) in predicates::table_parts(stmt) {
            if let Some(found) = self.resolve(&parts).await? {
                known.insert(key, found);
            }
        }
        let mut out = Vec::new();
        let columns_of = |t: &str| known.get(t).map(|(_, c)| c.clone()).unwrap_or_default();
        for mut u in predicates::table_uses(stmt, &columns_of) {
            let Some((rel, cols)) = known.get(&u.table) else {
                continue;
            };
            if cols.is_empty() {
                continue;
            }
            let rel = rel.clone();
            let distinct = self.distinct_values(&rel).await?;
            u.order_by_selectivity(&|c| distinct.get(c).copied());
            out.push((rel, u));
        }
        Ok(out)
    }

    /// Distinct values per column, from the planner's statistics
    /// (`n_distinct` < 0 is a fraction of the rows).
    async fn distinct_values(&mut self, table: &Relation) -> Result<BTreeMap<String, f64>> {
        let rows = sqlx::query(
            "SELECT s.attname::text, CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * greatest(c.reltuples, 1)
                                          ELSE s.n_distinct END::float8
             FROM pg_stats s
             JOIN pg_class c ON c.oid = to_regclass($1)
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE s.schemaname = n.nspname AND s.tablename = c.relname",
        )
        .bind(regclass(table))
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(|r| (s(r, 0), f(r, 1))).collect())
    }

    /// Whether an existing valid index already starts with `columns`.
    async fn indexed(&mut self, table: &Relation, columns: &[String]) -> Result<bool> {
        let first: Vec<String> = sqlx::query_scalar(
            "SELECT a.attname::text FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = to_regclass($1) AND i.indisvalid AND i.indpred IS NULL",
        )
        .bind(regclass(table))
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db)?;
        Ok(columns.first().is_some_and(|c| first.contains(c)))
    }

    /// The candidate that cuts `query`'s cost the most, if it cuts it by
    /// `min_drop` % or more (HypoPG), or the first plausible one
    /// unverified (no HypoPG).
    pub(super) async fn best_index(
        &mut self,
        query: &str,
        uses: &[(Relation, TableUse)],
        before: f64,
    ) -> Result<Option<Candidate>> {
        let mut best: Option<Candidate> = None;
        for (table, u) in uses {
            for cols in u.candidates() {
                if self.indexed(table, &cols).await? {
                    continue;
                }
                if !self.hypopg {
                    return Ok(Some(Candidate {
                        table: table.clone(),
                        columns: cols,
                        after: None,
                    }));
                }
                let Some(after) = self.hypothetical(query, table, &cols).await? else {
                    continue;
                };
                if cost_drop_pct(before, after.cost) < self.min_drop {
                    continue;
                }
                // Fewer columns win unless more are clearly cheaper.
                let better = match &best {
                    None => true,
                    Some(b) => {
                        let b_cost = b.after.as_ref().map_or(f64::MAX, |p| p.cost);
                        after.cost < b_cost * 0.9 || (after.cost <= b_cost && cols.len() < b.columns.len())
                    }
                };
                if better {
                    best = Some(Candidate {
                        table: table.clone(),
                        columns: cols,
                        after: Some(after),
                    });
                }
            }
        }
        Ok(best)
    }

    /// The plan with a hypothetical index; `None` when HypoPG refuses it.
    async fn hypothetical(
        &mut self,
        query: &str,
        table: &Relation,
        columns: &[String],
    ) -> Result<Option<Plan>> {
        let cols = columns
            .iter()
            .map(|c| quote_ident(PG, c))
            .collect::<Vec<_>>()
            .join(", ");
        let ddl = format!("CREATE INDEX ON {} ({cols})", table.quoted(PG));
        self.conn.execute("SAVEPOINT shipdeck_hypo").await.map_err(db)?;
        let created = sqlx::query("SELECT indexrelid FROM hypopg_create_index($1)")
            .bind(&ddl)
            .fetch_all(&mut *self.conn)
            .await;
        if let Err(e) = created {
            tracing::debug!(error = %e, "hypopg refused a candidate");
            self.conn
                .execute("ROLLBACK TO SAVEPOINT shipdeck_hypo")
                .await
                .map_err(db)?;
            return Ok(None);
        }
        self.conn
            .execute("RELEASE SAVEPOINT shipdeck_hypo")
            .await
            .map_err(db)?;
        let plan = self.explain(query).await;
        self.conn.execute("SELECT hypopg_reset()").await.map_err(db)?;
        Ok(plan.ok())
    }

    pub(super) async fn slow_query(&mut self, st: &Statement) -> Result<Finding> {
        let mut evidence = Evidence::default()
            .figure("calls", st.calls, "calls")
            .figure("mean_ms", st.mean_ms, "ms")
            .figure("total_ms", st.total_ms, "ms")
            .figure(
                "rows_per_call",
                if st.calls > 0.0 { st.rows / st.calls } else { 0.0 },
                "rows",
            );
        evidence.query = Some(st.query.clone());
        let mut finding = Finding::new(
            "slow_query",
            Severity::Warning,
            format!("{:.0} calls averaging {:.1} ms", st.calls, st.mean_ms),
        );
        if let Some((plan, best)) = self.suggest_for(&st.query).await {
            evidence.plan = Some(plan.text);
            evidence.cost_before = Some(plan.cost);
            if let Some(b) = best {
                finding = self.with_index(finding, &mut evidence, b);
            }
        }
        Ok(finding.evidence(evidence))
    }

    /// The plan of a statistics-view query and the best index for it;
    /// `None` when it cannot be planned (a utility statement, a table
    /// since dropped).
    async fn suggest_for(&mut self, query: &str) -> Option<(Plan, Option<Candidate>)> {
        let stmt = predicates::parse(query, PG).ok()?;
        let plan = self.explain(query).await.ok()?;
        let uses = self.uses(&stmt).await.ok()?;
        let best = self.best_index(query, &uses, plan.cost).await.ok()?;
        Some((plan, best))
    }

    fn with_index(&self, finding: Finding, evidence: &mut Evidence, b: Candidate) -> Finding {
        evidence.verification = Some(if b.after.is_some() {
            Verification::Hypopg
        } else {
            Verification::Unverified
        });
        evidence.cost_after = b.after.as_ref().map(|p| p.cost);
        let fix = create_index_sql(PG, &b.table, &b.columns);
        let mut message = finding.message.clone();
        match (&b.after, evidence.cost_before) {
            (Some(after), Some(before)) => message.push_str(&format!(
                "; an index on ({}) cuts the estimated cost from {before:.0} to {:.0} (−{:.0} %)",
                b.columns.join(", "),
                after.cost,
                cost_drop_pct(before, after.cost)
            )),
            _ => message.push_str(&format!(
                "; an index on ({}) matches its filters (unverified)",
                b.columns.join(", ")
            )),
        }
        Finding { message, ..finding }
            .table(b.table)
            .columns(b.columns)
            .fix(fix)
    }

    /// Tables read mostly by sequential scans, most rows read first.
    async fn seq_scanned_tables(&mut self, t: &Thresholds) -> Result<Vec<PgRow>> {
        sqlx::query(
            "SELECT schemaname::text, relname::text, seq_scan::float8, coalesce(idx_scan, 0)::float8,
                    n_live_tup::float8, seq_tup_read::float8
             FROM pg_stat_user_tables
             WHERE n_live_tup >= $1 AND seq_scan > 0
               AND 100.0 * coalesce(idx_scan, 0) / (seq_scan + coalesce(idx_scan, 0)) < $2
             ORDER BY seq_tup_read DESC
             LIMIT 100",
        )
        .bind(t.missing_index_rows)
        .bind(t.missing_index_use_pct)
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db)
    }

    pub(super) async fn missing_indexes(
        &mut self,
        t: &Thresholds,
        stmts: &[Statement],
    ) -> Result<Vec<Finding>> {
        let rows = self.seq_scanned_tables(t).await?;
        // Parse the statements once; each table gets the costliest one that
        // filters on it.
        let parsed: Vec<(&Statement, sqlparser::ast::Statement)> = stmts
            .iter()
            .filter_map(|st| Some((st, predicates::parse(&st.query, PG).ok()?)))
            .collect();
        let mut out = Vec::new();
        for r in &rows {
            let (table, name, mut evidence, mut finding) = seq_scan_finding(r);
            let mut found = false;
            for (st, stmt) in &parsed {
                // A cheap first look; the names are resolved below.
                if !predicates::table_parts(stmt)
                    .iter()
                    .any(|(_, parts)| parts.last() == Some(&name))
                {
                    continue;
                }
                let Ok(plan) = self.explain(&st.query).await else {
                    continue;
                };
                let uses: Vec<(Relation, TableUse)> = self
                    .uses(stmt)
                    .await?
                    .into_iter()
                    .filter(|(rel, _)| *rel == table)
                    .collect();
                if uses.is_empty() {
                    continue;
                }
                evidence.query = Some(st.query.clone());
                evidence.plan = Some(plan.text.clone());
                evidence.cost_before = Some(plan.cost);
                if let Some(b) = self.best_index(&st.query, &uses, plan.cost).await? {
                    finding = self.with_index(finding, &mut evidence, b);
                    found = true;
                    break;
                }
            }
            if !found {
                finding.message.push_str(if stmts.is_empty() {
                    "; enable pg_stat_statements (or list the application's queries under [advisor] queries) to find the columns to index"
                } else if self.hypopg {
                    "; no index on its queries' filters cuts their cost enough"
                } else {
                    "; no recorded query filters on it"
                });
                finding.severity = Severity::Info;
            }
            out.push(finding.evidence(evidence));
        }
        Ok(out)
    }
}

/// A seq-scanned table's finding before any query is planned: the table,
/// its bare name, its scan figures and the headline.
fn seq_scan_finding(r: &PgRow) -> (Relation, String, Evidence, Finding) {
    let (schema, name) = (s(r, 0), s(r, 1));
    let table = Relation::pg(&schema, name.clone());
    let (seq, idx, live) = (f(r, 2), f(r, 3), f(r, 4));
    let use_pct = if seq + idx > 0.0 {
        100.0 * idx / (seq + idx)
    } else {
        0.0
    };
    let evidence = Evidence::default()
        .figure("rows", live, "rows")
        .figure("seq_scans", seq, "")
        .figure("index_use_pct", use_pct, "%")
        .figure("rows_read_by_seq_scans", f(r, 5), "rows");
    let finding = Finding::new(
        "missing_index",
        Severity::Warning,
        format!(
            "{}: {live:.0} rows, index used in {use_pct:.1} % of scans",
            table.display()
        ),
    )
    .table(table.clone());
    (table, name, evidence, finding)
}

/// A relation as `to_regclass` reads it: every part quoted, `public` named.
fn regclass(table: &Relation) -> String {
    format!(
        "{}.{}",
        delimit(PG, table.schema.as_deref().unwrap_or("public")),
        delimit(PG, &table.name)
    )
}

/// The total cost in `Seq Scan on t  (cost=0.00..1693.00 rows=1 width=4)`.
pub(super) fn total_cost(line: &str) -> Option<f64> {
    let at = line.find("cost=")? + 5;
    let rest = &line[at..];
    let dots = rest.find("..")? + 2;
    let end = rest[dots..].find(' ').map_or(rest.len(), |e| dots + e);
    rest[dots..end].parse().ok()
}
