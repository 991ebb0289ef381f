//! What a chart carries besides its picture: its kind, unit and the data
//! it draws, as rows for the table beside it.

use serde::Serialize;
use ts_rs::TS;

use super::WIDTH;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Chart {
    /// Which chart this is: how a view picks it, never by its title.
    pub id: ChartId,
    pub title: String,
    /// A standalone SVG document (transparent background).
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub kind: ChartKind,
    /// The unit of the numbers in `rows` (`ms`, `commits`, `%`…).
    pub unit: String,
    /// What each of a row's values is.
    pub columns: Vec<String>,
    /// The data drawn, a row per bar, point or key: the table beside the chart.
    pub rows: Vec<ChartRow>,
}

/// Which chart: one per drawing function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartId {
    CommitsPerWeek,
    ReleaseCadence,
    MigrationDurations,
    ParityHeatmap,
    EnvironmentHistory,
    BenchOverTime,
    BenchPercentiles,
    BenchConcurrency,
    SlowStatements,
    CacheHit,
    TableSizes,
    BundleTreemap,
    BundleOverTime,
    CoverageOverTime,
}

/// How a chart draws its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bars,
    Lines,
    Curve,
    HeatMap,
    Treemap,
}

/// One row of a chart's data: a label and a value per column (`null`
/// where the row has none).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartRow {
    pub label: String,
    pub values: Vec<Option<Datum>>,
}

/// A value in a chart's data: a number in the chart's unit, or a name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(untagged)]
pub enum Datum {
    Number(f64),
    Text(String),
}

impl Chart {
    pub(crate) fn drawn(
        id: ChartId,
        title: String,
        svg: String,
        height: u32,
        kind: ChartKind,
        unit: &str,
    ) -> Chart {
        Chart {
            id,
            title,
            svg,
            width: WIDTH,
            height,
            kind,
            unit: unit.to_string(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn table(mut self, columns: &[&str], rows: Vec<ChartRow>) -> Chart {
        self.columns = columns.iter().map(|c| c.to_string()).collect();
        self.rows = rows;
        self
    }
}

pub(crate) fn row(label: impl Into<String>, values: impl IntoIterator<Item = Option<Datum>>) -> ChartRow {
    ChartRow {
        label: label.into(),
        values: values.into_iter().collect(),
    }
}

pub(crate) fn num(v: f64) -> Option<Datum> {
    v.is_finite().then_some(Datum::Number(v))
}

/// A run's time in a table row: UTC, to the second.
pub(crate) fn timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}
