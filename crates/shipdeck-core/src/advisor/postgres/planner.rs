//! Planning with and without hypothetical indexes: the candidates of a
//! query, their costs (HypoPG), and the missing-index and slow-query
//! findings built on them.

use std::collections::BTreeMap;

use sqlx::{Executor, PgConnection};

use super::super::predicates::{self, TableUse};
use super::super::{
    cost_drop_pct, create_index_sql, quote_ident, AdvisorError, Evidence, Finding, Severity, Thresholds,
    Verification,
};
use super::{db, f, qualified, s, Statement, PG};
use crate::error::Result;

/// A plan: its text and total estimated cost.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) text: String,
    pub(super) cost: f64,
}

/// A verified (or unverified) index candidate.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) table: String,
    pub(super) columns: Vec<String>,
    pub(super) after: Option<Plan>,
}

pub(super) struct Advisor<'c> {
    pub(super) conn: &'c mut PgConnection,
    pub(super) hypopg: bool,
    pub(super) min_drop: f64,
    /// table → its columns.
    pub(super) columns: BTreeMap<String, Vec<String>>,
    pub(super) statement_no: u32,
}

impl<'c> Advisor<'c> {
    pub(super) fn new(conn: &'c mut PgConnection, hypopg: bool, t: &Thresholds) -> Advisor<'c> {
        Advisor {
            conn,
            hypopg,
            min_drop: t.min_cost_drop_pct,
            columns: BTreeMap::new(),
            statement_no: 0,
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
        match predicates::parse(sql, PG)? {
            S::Query(_) | S::Update(_) | S::Delete(_) | S::Insert(_) => {}
            _ => {
                return Err(AdvisorError::Parse {
                    detail: "only SELECT, INSERT, UPDATE and DELETE can be planned".into(),
                }
                .into())
            }
        }
        let params = predicates::placeholder_count(sql);
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

    /// The columns of `table` (`schema.table` or a bare name on the
    /// search path).
    async fn columns_of(&mut self, table: &str) -> Result<Vec<String>> {
        if let Some(c) = self.columns.get(table) {
            return Ok(c.clone());
        }
        let cols: Vec<String> = sqlx::query_scalar(
            "SELECT attname::text FROM pg_attribute
             WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        )
        .bind(table)
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db)?;
        self.columns.insert(table.to_string(), cols.clone());
        Ok(cols)
    }

    /// The tables `stmt` filters on, with columns resolved against the
    /// catalog (unqualified columns in joins, typos dropped).
    pub(super) async fn uses(&mut self, stmt: &sqlparser::ast::Statement) -> Result<Vec<TableUse>> {
        let mut known = BTreeMap::new();
        for t in predicates::tables(stmt) {
            let cols = self.columns_of(&t).await?;
            known.insert(t, cols);
        }
        let mut out = Vec::new();
        for mut u in predicates::table_uses(stmt, &|t| known.get(t).cloned().unwrap_or_default()) {
            if known.get(&u.table).is_none_or(|c| c.is_empty()) {
                continue;
            }
            let distinct = self.distinct_values(&u.table).await?;
            u.order_by_selectivity(&|c| distinct.get(c).copied());
            out.push(u);
        }
        Ok(out)
    }

    /// Distinct values per column, from the planner's statistics
    /// (`n_distinct` < 0 is a fraction of the rows).
    async fn distinct_values(&mut self, table: &str) -> Result<BTreeMap<String, f64>> {
        let rows = sqlx::query(
            "SELECT s.attname::text, CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * greatest(c.reltuples, 1)
                                          ELSE s.n_distinct END::float8
             FROM pg_stats s
             JOIN pg_class c ON c.oid = to_regclass($1)
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE s.schemaname = n.nspname AND s.tablename = c.relname",
        )
        .bind(table)
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(|r| (s(r, 0), f(r, 1))).collect())
    }

    /// Whether an existing valid index already starts with `columns`.
    async fn indexed(&mut self, table: &str, columns: &[String]) -> Result<bool> {
        let first: Vec<String> = sqlx::query_scalar(
            "SELECT a.attname::text FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = to_regclass($1) AND i.indisvalid AND i.indpred IS NULL",
        )
        .bind(table)
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
        uses: &[TableUse],
        before: f64,
    ) -> Result<Option<Candidate>> {
        let mut best: Option<Candidate> = None;
        for u in uses {
            for cols in u.candidates() {
                if self.indexed(&u.table, &cols).await? {
                    continue;
                }
                if !self.hypopg {
                    return Ok(Some(Candidate {
                        table: u.table.clone(),
                        columns: cols,
                        after: None,
                    }));
                }
                let Some(after) = self.hypothetical(query, &u.table, &cols).await? else {
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
                        table: u.table.clone(),
                        columns: cols,
                        after: Some(after),
                    });
                }
            }
        }
        Ok(best)
    }

    /// The plan with a hypothetical index; `None` when HypoPG refuses it.
    async fn hypothetical(&mut self, query: &str, table: &str, columns: &[String]) -> Result<Option<Plan>> {
        let cols = columns
            .iter()
            .map(|c| quote_ident(PG, c))
            .collect::<Vec<_>>()
            .join(", ");
        let ddl = format!("CREATE INDEX ON {} ({cols})", quote_ident(PG, table));
        let created = sqlx::query("SELECT indexrelid FROM hypopg_create_index($1)")
            .bind(&ddl)
            .fetch_all(&mut *self.conn)
            .await;
        if let Err(e) = created {
            tracing::debug!(error = %e, "hypopg refused a candidate");
            return Ok(None);
        }
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

    pub(super) async fn missing_indexes(
        &mut self,
        t: &Thresholds,
        stmts: &[Statement],
    ) -> Result<Vec<Finding>> {
        let rows = sqlx::query(
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
        .map_err(db)?;
        // Parse the statements once; each table gets the costliest one that
        // filters on it.
        let parsed: Vec<(&Statement, sqlparser::ast::Statement)> = stmts
            .iter()
            .filter_map(|st| Some((st, predicates::parse(&st.query, PG).ok()?)))
            .collect();
        let mut out = Vec::new();
        for r in &rows {
            let (schema, name) = (s(r, 0), s(r, 1));
            let table = qualified(&schema, &name);
            let (seq, idx, live) = (f(r, 2), f(r, 3), f(r, 4));
            let use_pct = if seq + idx > 0.0 {
                100.0 * idx / (seq + idx)
            } else {
                0.0
            };
            let mut evidence = Evidence::default()
                .figure("rows", live, "rows")
                .figure("seq_scans", seq, "")
                .figure("index_use_pct", use_pct, "%")
                .figure("rows_read_by_seq_scans", f(r, 5), "rows");
            let mut finding = Finding::new(
                "missing_index",
                Severity::Warning,
                format!("{table}: {live:.0} rows, index used in {use_pct:.1} % of scans"),
            )
            .table(table.clone());
            let mut found = false;
            for (st, stmt) in &parsed {
                if !predicates::tables(stmt).iter().any(|t| *t == table || *t == name) {
                    continue;
                }
                let Ok(plan) = self.explain(&st.query).await else {
                    continue;
                };
                let uses: Vec<TableUse> = self
                    .uses(stmt)
                    .await?
                    .into_iter()
                    .filter(|u| u.table == table || u.table == name)
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
                    "; enable pg_stat_statements to find the columns to index"
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

/// The total cost in `Seq Scan on t  (cost=0.00..1693.00 rows=1 width=4)`.
pub(super) fn total_cost(line: &str) -> Option<f64> {
    let at = line.find("cost=")? + 5;
    let rest = &line[at..];
    let dots = rest.find("..")? + 2;
    let end = rest[dots..].find(' ').map_or(rest.len(), |e| dots + e);
    rest[dots..end].parse().ok()
}
