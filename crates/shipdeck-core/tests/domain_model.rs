//! Schema introspection and the domain model page, against a real SQLite
//! file, PostgreSQL and MariaDB on 127.0.0.1 (each test on a database of
//! its own, dropped at the end even when the test fails).
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::path::Path;

use shipdeck_core::advisor::schema::{introspect, Column, ForeignKey, Index, Schema, Table};
use shipdeck_core::config::UrlSource;
use shipdeck_core::docs::domain_model::{drift, mermaid, render};
use shipdeck_core::migrations::target::{DatabaseSpec, Target};
use shipdeck_core::migrations::Engine;
use sqlx::Connection;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn target(url: &str, root: &Path) -> Target {
    let spec = DatabaseSpec {
        name: "main".into(),
        source: UrlSource::Env("UNUSED".into()),
        folder: "migrations".into(),
    };
    Target::new(&spec, url, root).unwrap()
}

fn exec(url: &str, sql: &str) {
    rt().block_on(async {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        sqlx::raw_sql(sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

fn col(name: &str, data_type: &str, nullable: bool, default: Option<&str>) -> Column {
    Column {
        name: name.into(),
        data_type: data_type.into(),
        nullable,
        default: default.map(Into::into),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn table<'a>(s: &'a Schema, name: &str) -> &'a Table {
    s.tables.iter().find(|t| t.name == name).unwrap_or_else(|| {
        panic!(
            "no table {name} in {:?}",
            s.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}

const SQLITE_SCHEMA: &str = r#"
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  email VARCHAR(80) NOT NULL UNIQUE,
  name TEXT,
  created_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE coupons (code TEXT NOT NULL, id INTEGER PRIMARY KEY);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  coupon_id INTEGER REFERENCES coupons,
  total NUMERIC(10,2) NOT NULL DEFAULT 0
);
CREATE TABLE line_items (
  order_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (order_id, line),
  FOREIGN KEY (order_id) REFERENCES orders (id)
);
CREATE INDEX orders_customer_idx ON orders (customer_id, total);
CREATE UNIQUE INDEX customers_email_lower ON customers (lower(email));
CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY);
CREATE VIRTUAL TABLE search USING fts5(body);
"#;

fn sqlite_schema() -> (tempfile::TempDir, Schema) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.db");
    exec(&format!("sqlite://{}?mode=rwc", file.display()), SQLITE_SCHEMA);
    let t = target(&format!("sqlite://{}", file.display()), dir.path());
    let schema = rt().block_on(introspect(&t)).unwrap();
    (dir, schema)
}

#[test]
fn sqlite_schema_is_read_exactly() {
    let (_dir, s) = sqlite_schema();
    assert_eq!(s.engine, Engine::Sqlite);
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    // No bookkeeping, no sqlite_sequence, no virtual or shadow tables.
    assert_eq!(names, ["coupons", "customers", "line_items", "orders"]);

    let customers = table(&s, "customers");
    assert_eq!(
        customers,
        &Table {
            name: "customers".into(),
            columns: vec![
                col("id", "INTEGER", false, None),
                col("email", "VARCHAR(80)", false, None),
                col("name", "TEXT", true, None),
                col("created_at", "TEXT", true, Some("CURRENT_TIMESTAMP")),
            ],
            primary_key: strings(&["id"]),
            indexes: vec![
                Index {
                    name: "customers_email_lower".into(),
                    columns: strings(&["lower(email)"]),
                    unique: true,
                    method: None,
                },
                Index {
                    name: "sqlite_autoindex_customers_1".into(),
                    columns: strings(&["email"]),
                    unique: true,
                    method: None,
                },
            ],
            foreign_keys: vec![],
            comment: None,
        }
    );

    let orders = table(&s, "orders");
    assert_eq!(orders.columns[3], col("total", "NUMERIC(10,2)", false, Some("0")));
    assert_eq!(orders.indexes.len(), 1);
    assert_eq!(orders.indexes[0].columns, ["customer_id", "total"]);
    assert!(!orders.indexes[0].unique);
    assert_eq!(
        orders.foreign_keys,
        [
            // Referenced without columns: the parent's primary key.
            ForeignKey {
                name: None,
                columns: strings(&["coupon_id"]),
                ref_table: "coupons".into(),
                ref_columns: strings(&["id"]),
                on_delete: None,
            },
            ForeignKey {
                name: None,
                columns: strings(&["customer_id"]),
                ref_table: "customers".into(),
                ref_columns: strings(&["id"]),
                on_delete: Some("CASCADE".into()),
            },
        ]
    );
    let items = table(&s, "line_items");
    assert_eq!(items.primary_key, ["order_id", "line"]);
    assert!(
        items.indexes.is_empty(),
        "the key's own index is not listed: {:?}",
        items.indexes
    );
}

#[test]
fn the_page_has_the_diagram_and_a_section_per_table() {
    let (_dir, s) = sqlite_schema();
    let page = render(&s, "main");
    assert!(page.starts_with("# Domain model: main\n"), "{page}");
    assert!(page.contains("`shipdeck docs schema --database main`"), "{page}");
    assert!(page.contains("```mermaid\nerDiagram\n"), "{page}");
    assert!(
        page.contains("    customers ||--o{ orders : \"customer_id\"\n"),
        "{page}"
    );
    // coupon_id may be NULL: an order need not have a coupon.
    assert!(
        page.contains("    coupons |o--o{ orders : \"coupon_id\"\n"),
        "{page}"
    );
    assert!(
        page.contains("        NUMERIC total\n"),
        "parameters dropped: {page}"
    );
    assert!(page.contains("        INTEGER customer_id FK\n"), "{page}");
    assert!(page.contains("        INTEGER order_id PK, FK\n"), "{page}");
    assert!(page.contains("        VARCHAR email UK\n"), "{page}");
    assert!(
        page.contains("| `total` | `NUMERIC(10,2)` | no | `0` |  |\n"),
        "{page}"
    );
    assert!(
        page.contains("- (`customer_id`) → `customers` (`id`), on delete CASCADE\n"),
        "{page}"
    );
    assert!(
        page.contains("- `customers_email_lower` (`lower(email)`) — unique\n"),
        "{page}"
    );
    let sections: Vec<&str> = page.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        sections,
        ["## coupons", "## customers", "## line_items", "## orders"]
    );
    assert_eq!(render(&s, "main"), page, "deterministic");
    assert!(page.contains(&mermaid(&s)));
}

#[test]
fn drift_names_added_removed_and_changed_tables() {
    let (_dir, s) = sqlite_schema();
    let committed = render(&s, "main");
    let same = drift(&committed, &committed);
    assert!(same.up_to_date && same.diff.is_none(), "{same:?}");

    let mut live = s.clone();
    live.tables.retain(|t| t.name != "coupons");
    live.tables.push(Table {
        name: "refunds".into(),
        columns: vec![col("id", "INTEGER", false, None)],
        primary_key: strings(&["id"]),
        indexes: vec![],
        foreign_keys: vec![],
        comment: None,
    });
    let orders = live.tables.iter_mut().find(|t| t.name == "orders").unwrap();
    orders.columns.push(col("note", "TEXT", true, None));
    let d = drift(&committed, &render(&live, "main"));
    assert!(!d.up_to_date);
    assert_eq!(d.added_tables, ["refunds"]);
    assert_eq!(d.removed_tables, ["coupons"]);
    assert_eq!(d.changed_tables, ["orders"]);
    let diff = d.diff.unwrap();
    assert!(diff.contains("+| `note` | `TEXT` | yes |  |  |"), "{diff}");

    let missing = drift("", &committed);
    assert_eq!(missing.added_tables.len(), 4);
    assert!(missing.removed_tables.is_empty() && missing.changed_tables.is_empty());
}

#[test]
fn a_missing_sqlite_file_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let t = target("sqlite://nowhere.db", dir.path());
    let e = rt().block_on(introspect(&t)).unwrap_err();
    assert_eq!(e.code(), "database.unreachable", "{e}");
    assert!(!dir.path().join("nowhere.db").exists());
}

#[test]
fn postgres_schema_is_read_with_schemas_comments_and_expressions() {
    let db = shipdeck_testkit::postgres::server().database("advisor_doc");
    exec(
        &db.url,
        r#"
        CREATE SCHEMA billing;
        CREATE TABLE customers (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          email character varying(80) NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE customers IS 'People who buy';
        CREATE UNIQUE INDEX customers_email_lower ON customers (lower(email));
        CREATE TABLE billing.invoices (
          id bigserial PRIMARY KEY,
          customer_id bigint REFERENCES customers (id) ON DELETE SET NULL,
          amount numeric(10,2) NOT NULL,
          tags text[]
        );
        CREATE INDEX invoices_customer_idx ON billing.invoices USING hash (customer_id);
        CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY);
        "#,
    );
    let dir = tempfile::tempdir().unwrap();
    let s = rt().block_on(introspect(&target(&db.url, dir.path()))).unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["billing.invoices", "customers", "events"]);

    let c = table(&s, "customers");
    assert_eq!(c.comment.as_deref(), Some("People who buy"));
    assert_eq!(
        c.columns,
        [
            col("id", "bigint", false, Some("generated always as identity")),
            col("email", "character varying(80)", false, None),
            col("created_at", "timestamp with time zone", false, Some("now()")),
        ]
    );
    assert_eq!(c.primary_key, ["id"]);
    assert_eq!(c.indexes.len(), 1, "{:?}", c.indexes);
    assert_eq!(c.indexes[0].name, "customers_email_lower");
    assert!(c.indexes[0].unique);
    assert_eq!(c.indexes[0].method.as_deref(), Some("btree"));
    assert_eq!(c.indexes[0].columns, ["lower(email::text)"]);

    let inv = table(&s, "billing.invoices");
    assert_eq!(inv.columns[2], col("amount", "numeric(10,2)", false, None));
    assert_eq!(inv.columns[3], col("tags", "text[]", true, None));
    assert!(inv.columns[0]
        .default
        .as_deref()
        .is_some_and(|d| d.starts_with("nextval(")));
    assert_eq!(
        inv.indexes,
        [Index {
            name: "invoices_customer_idx".into(),
            columns: strings(&["customer_id"]),
            unique: false,
            method: Some("hash".into()),
        }]
    );
    assert_eq!(
        inv.foreign_keys,
        [ForeignKey {
            name: Some("invoices_customer_id_fkey".into()),
            columns: strings(&["customer_id"]),
            ref_table: "customers".into(),
            ref_columns: strings(&["id"]),
            on_delete: Some("SET NULL".into()),
        }]
    );
    let page = render(&s, "main");
    assert!(
        page.contains("    customers |o--o{ \"billing.invoices\" : \"invoices_customer_id_fkey\"\n"),
        "{page}"
    );
    assert!(page.contains("        character_varying email\n"), "{page}");
    assert!(page.contains("        text_array tags\n"), "{page}");
}

#[test]
fn mariadb_schema_is_read_from_information_schema() {
    let db = shipdeck_testkit::mariadb::server().database("advisor_doc");
    exec(
        &db.url,
        r#"
        CREATE TABLE customers (
          id BIGINT AUTO_INCREMENT PRIMARY KEY,
          email VARCHAR(80) NOT NULL,
          nickname VARCHAR(20),
          UNIQUE KEY customers_email (email)
        ) COMMENT 'People who buy';
        CREATE TABLE orders (
          id BIGINT NOT NULL PRIMARY KEY,
          customer_id BIGINT NOT NULL,
          note TEXT,
          status VARCHAR(10) NOT NULL DEFAULT 'new',
          CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
          KEY orders_note (note(10))
        );
        CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY);
        "#,
    );
    let dir = tempfile::tempdir().unwrap();
    let s = rt().block_on(introspect(&target(&db.url, dir.path()))).unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "orders"]);

    let c = table(&s, "customers");
    assert_eq!(c.comment.as_deref(), Some("People who buy"));
    assert!(c.columns[0].data_type.starts_with("bigint"), "{:?}", c.columns[0]);
    assert_eq!(c.columns[0].default.as_deref(), Some("auto_increment"));
    assert_eq!(c.columns[1], col("email", "varchar(80)", false, None));
    assert_eq!(c.columns[2], col("nickname", "varchar(20)", true, None));
    assert_eq!(c.primary_key, ["id"]);
    assert_eq!(
        c.indexes,
        [Index {
            name: "customers_email".into(),
            columns: strings(&["email"]),
            unique: true,
            method: Some("btree".into()),
        }]
    );

    let o = table(&s, "orders");
    assert_eq!(
        o.columns[3].default.as_deref().map(|d| d.trim_matches('\'')),
        Some("new")
    );
    let idx: Vec<(&str, Vec<String>)> = o
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.columns.clone()))
        .collect();
    assert_eq!(
        idx,
        [
            ("orders_customer", strings(&["customer_id"])),
            ("orders_note", strings(&["note(10)"]))
        ]
    );
    assert_eq!(
        o.foreign_keys,
        [ForeignKey {
            name: Some("orders_customer".into()),
            columns: strings(&["customer_id"]),
            ref_table: "customers".into(),
            ref_columns: strings(&["id"]),
            on_delete: Some("CASCADE".into()),
        }]
    );
    let page = render(&s, "main");
    assert!(
        page.contains("    customers ||--o{ orders : \"orders_customer\"\n"),
        "{page}"
    );
}

/// The app runs commands on a multi-threaded runtime: the future must be
/// `Send` for any lifetime (sqlx executors held across an await can break
/// that). Type-checked, never run.
#[allow(dead_code)]
fn docs_schema_can_be_spawned(core: shipdeck_core::Shipdeck, path: std::path::PathBuf) {
    tokio::spawn(async move {
        let choice = shipdeck_core::DatabaseChoice::default();
        core.docs_schema(&path, &choice, false).await
    });
}
