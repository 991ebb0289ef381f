//! The regression gate: is head worse than base, beyond noise?
//!
//! A change is called only when the chosen test says so *and* the headline
//! moved by at least [`GateConfig::min_change_pct`]: with thousands of
//! samples a t-test finds a 0.1 % difference "significant", and nobody wants
//! a failed build for that. Direction comes from [`Metric::lower_is_better`].

use serde::{Deserialize, Serialize};
use shipdeck_base::config::GateSection;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use ts_rs::TS;

use super::Metric;

/// How a difference is judged significant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GateMethod {
    /// Welch's t-test on the samples (or on mean, stddev and n when only
    /// those are known); significant when the two-sided p < `alpha`.
    Welch { alpha: f64 },
    /// Mann-Whitney U, normal approximation with tie and continuity
    /// correction; needs 8 samples a side.
    MannWhitney { alpha: f64 },
    /// `|head − mean(base)| / stddev(base) > max`, as bencher's threshold.
    ZScore { max: f64 },
    /// `|change| > max_pct` percent, no statistics.
    Percentage { max_pct: f64 },
    /// Head outside `[Q1 − k·IQR, Q3 + k·IQR]` of the base samples.
    Iqr { multiplier: f64 },
}

impl Default for GateMethod {
    fn default() -> Self {
        GateMethod::Welch { alpha: 0.05 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GateConfig {
    pub method: GateMethod,
    /// The smallest change, in percent of base, worth calling; 0 lets the
    /// test alone decide.
    pub min_change_pct: f64,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            method: GateMethod::default(),
            min_change_pct: 2.0,
        }
    }
}

impl GateConfig {
    /// Rejects thresholds no test can meet (`alpha = 1.5`, a negative
    /// percentage).
    pub fn validate(&self) -> shipdeck_base::Result<()> {
        let bad = |field: &'static str, reason: &str| {
            Err(shipdeck_base::Error::InvalidInput {
                field,
                reason: reason.to_string(),
            })
        };
        match self.method {
            GateMethod::Welch { alpha } | GateMethod::MannWhitney { alpha }
                if !(alpha > 0.0 && alpha < 1.0) =>
            {
                return bad("alpha", "must be between 0 and 1 (0.05 is usual)");
            }
            GateMethod::ZScore { max } if !(max.is_finite() && max > 0.0) => {
                return bad("max", "the z-score threshold must be a positive number");
            }
            GateMethod::Percentage { max_pct } if !(max_pct.is_finite() && max_pct >= 0.0) => {
                return bad("max_pct", "must be a percentage ≥ 0");
            }
            GateMethod::Iqr { multiplier } if !(multiplier.is_finite() && multiplier >= 0.0) => {
                return bad("multiplier", "must be ≥ 0 (1.5 is usual)");
            }
            _ => {}
        }
        if !(self.min_change_pct.is_finite() && self.min_change_pct >= 0.0) {
            return bad("min_change_pct", "must be a percentage ≥ 0");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Regression,
    Improvement,
    NoChange,
    InsufficientData,
    /// Iterations failed on one side or both: their times measure an error
    /// path, not the code, so the gate cannot judge (and says so).
    FailedIterations,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Comparison {
    pub name: String,
    /// Base's unit; head is converted to it when both are times.
    pub unit: String,
    pub base: f64,
    pub head: f64,
    /// `(head − base) / base`, in percent.
    pub change_pct: f64,
    pub verdict: Verdict,
    /// Two-sided, for the Welch and Mann-Whitney tests.
    pub p_value: Option<f64>,
    /// `Welch t-test (α = 0.05)`, `IQR (k = 1.5)`, …
    pub method: String,
    /// One sentence: `p = 0.003 < 0.05 and +10.2 % slower`.
    pub detail: String,
    /// Failed iterations on each side, when the tool reports them
    /// (hyperfine's exit codes); any makes the verdict
    /// [`Verdict::FailedIterations`].
    pub base_failed: Option<u64>,
    pub head_failed: Option<u64>,
}

/// Compares each metric of `head` with the `base` metric of the same name,
/// in head's order. Metrics present on one side only are left out.
pub fn compare_runs(base: &[Metric], head: &[Metric], cfg: &GateConfig) -> Vec<Comparison> {
    head.iter()
        .filter_map(|h| base.iter().find(|b| b.name == h.name).map(|b| compare(b, h, cfg)))
        .collect()
}

/// Judges one metric. Never fails: what cannot be judged is
/// [`Verdict::FailedIterations`] or [`Verdict::InsufficientData`] with the
/// reason in `detail`.
pub fn compare(base: &Metric, head: &Metric, cfg: &GateConfig) -> Comparison {
    let method = label(&cfg.method);
    let scale = unit_scale(&head.unit, &base.unit);
    let head_value = head.value * scale.unwrap_or(1.0);
    let change_pct = if base.value != 0.0 {
        (head_value - base.value) / base.value.abs() * 100.0
    } else {
        0.0
    };
    let mut out = Comparison {
        name: head.name.clone(),
        unit: base.unit.clone(),
        base: base.value,
        head: head_value,
        change_pct: if change_pct.is_finite() { change_pct } else { 0.0 },
        verdict: Verdict::InsufficientData,
        p_value: None,
        method,
        detail: String::new(),
        base_failed: base.failed,
        head_failed: head.failed,
    };
    let scale = match judgeable(base, head, cfg, scale) {
        Ok(scale) => scale,
        Err((verdict, why)) => {
            out.verdict = verdict;
            out.detail = why;
            return out;
        }
    };
    match method_test(base, head, cfg, scale, out.change_pct) {
        Ok(test) => {
            out.p_value = test.p_value;
            (out.verdict, out.detail) = verdict(&test, base, cfg, out.change_pct);
        }
        Err(why) => out.detail = why,
    }
    out
}

/// The unit scale of head to base, or why the pair cannot be judged.
fn judgeable(
    base: &Metric,
    head: &Metric,
    cfg: &GateConfig,
    scale: Option<f64>,
) -> std::result::Result<f64, (Verdict, String)> {
    let insufficient = |why: String| Err((Verdict::InsufficientData, why));
    if let Err(e) = cfg.validate() {
        return insufficient(format!("gate configuration: {e}"));
    }
    if let Some(why) = failed_iterations(base, head) {
        return Err((Verdict::FailedIterations, why));
    }
    let Some(scale) = scale else {
        return insufficient(format!("units differ ({} vs {})", base.unit, head.unit));
    };
    if !base.value.is_finite() || !head.value.is_finite() {
        return insufficient("a value is not a number".to_string());
    }
    if base.value == 0.0 && head.value != 0.0 {
        return insufficient("base is 0, so a relative change is undefined".to_string());
    }
    Ok(scale)
}

/// The configured method's test of head (in base's unit) against base.
fn method_test(
    base: &Metric,
    head: &Metric,
    cfg: &GateConfig,
    scale: f64,
    change_pct: f64,
) -> std::result::Result<Test, String> {
    let head_value = head.value * scale;
    let head_samples: Vec<f64> = head.samples.iter().map(|x| x * scale).collect();
    let head_scaled = Metric {
        value: head_value,
        samples: head_samples,
        stddev: head.stddev.map(|s| s * scale),
        ..head.clone()
    };
    match cfg.method {
        GateMethod::Welch { alpha } => welch_test(base, &head_scaled, alpha),
        GateMethod::MannWhitney { alpha } => mann_whitney_test(&base.samples, &head_scaled.samples, alpha),
        GateMethod::ZScore { max } => z_score_test(base, head_value, max),
        GateMethod::Percentage { max_pct } => Ok(Test {
            changed: change_pct.abs() > max_pct,
            p_value: None,
            why: format!(
                "{:.1} % {} {} %",
                change_pct.abs(),
                if change_pct.abs() > max_pct { ">" } else { "≤" },
                trim(max_pct)
            ),
        }),
        GateMethod::Iqr { multiplier } => iqr_test(&base.samples, head_value, multiplier),
    }
}

/// The verdict and its reason from a test and the size of the change.
fn verdict(test: &Test, base: &Metric, cfg: &GateConfig, change_pct: f64) -> (Verdict, String) {
    let worse = if base.lower_is_better {
        change_pct > 0.0
    } else {
        change_pct < 0.0
    };
    let effect = direction_words(change_pct, worse, &base.unit);
    let big_enough = change_pct.abs() >= cfg.min_change_pct && change_pct != 0.0;
    match (test.changed, big_enough) {
        (true, true) => (
            if worse {
                Verdict::Regression
            } else {
                Verdict::Improvement
            },
            format!("{} and {effect}", test.why),
        ),
        (true, false) => (
            Verdict::NoChange,
            format!(
                "{} but {effect} is below the {} % minimum change",
                test.why,
                trim(cfg.min_change_pct)
            ),
        ),
        (false, _) => (
            Verdict::NoChange,
            format!("{}: no significant change ({effect})", test.why),
        ),
    }
}

/// `cannot judge: 5 of 5 head iterations failed`, when any did.
fn failed_iterations(base: &Metric, head: &Metric) -> Option<String> {
    let side = |m: &Metric, label: &str| {
        let failed = m.failed.filter(|&f| f > 0)?;
        // Samples are capped in the store; n counts every iteration.
        let total = m.n.unwrap_or(m.samples.len() as u64).max(failed);
        Some(format!("{failed} of {total} {label}"))
    };
    let sides: Vec<String> = [side(base, "base"), side(head, "head")]
        .into_iter()
        .flatten()
        .collect();
    (!sides.is_empty()).then(|| {
        format!(
            "cannot judge: {} iterations failed (non-zero exit); fix the command and measure again",
            sides.join(" and ")
        )
    })
}

/// What a method concluded before the minimum-change rule.
struct Test {
    changed: bool,
    p_value: Option<f64>,
    /// `p = 0.003 < 0.05`, `z = 4.1 > 3`.
    why: String,
}

/// Mean, variance (n − 1) and count of a side: from its samples, else from
/// the summary the tool reported.
fn moments(m: &Metric) -> Option<(f64, f64, f64)> {
    if m.samples.len() >= 2 {
        let n = m.samples.len() as f64;
        let mean = m.samples.iter().sum::<f64>() / n;
        let var = m.samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        return Some((mean, var, n));
    }
    match (m.stddev, m.n) {
        (Some(sd), Some(n)) if n >= 2 && sd.is_finite() && sd >= 0.0 => Some((m.value, sd * sd, n as f64)),
        _ => None,
    }
}

/// Welch's t-test, two-sided, with Welch–Satterthwaite degrees of freedom.
pub fn welch_p_value(base: (f64, f64, f64), head: (f64, f64, f64)) -> f64 {
    let ((m1, v1, n1), (m2, v2, n2)) = (base, head);
    let (a, b) = (v1 / n1, v2 / n2);
    let se2 = a + b;
    if se2 == 0.0 {
        // No spread on either side: any difference is certain.
        return if m1 == m2 { 1.0 } else { 0.0 };
    }
    let t = (m2 - m1) / se2.sqrt();
    let df = se2 * se2 / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0));
    match StudentsT::new(0.0, 1.0, df) {
        Ok(dist) => (2.0 * dist.sf(t.abs())).min(1.0),
        Err(_) => 1.0,
    }
}

fn welch_test(base: &Metric, head: &Metric, alpha: f64) -> Result<Test, String> {
    let (Some(b), Some(h)) = (moments(base), moments(head)) else {
        return Err("Welch's test needs 2 or more samples, or mean, stddev and n, on both sides".to_string());
    };
    let p = welch_p_value(b, h);
    Ok(significance(p, alpha))
}

fn significance(p: f64, alpha: f64) -> Test {
    let changed = p < alpha;
    let relation = if changed { "<" } else { "≥" };
    let why = if p < 0.001 && alpha >= 0.001 {
        // "p < 0.001 < 0.05" says nothing more than this.
        "p < 0.001".to_string()
    } else if p < 0.001 {
        format!("p = {p:.1e} {relation} {}", trim(alpha))
    } else {
        format!("p = {p:.3} {relation} {}", trim(alpha))
    };
    Test {
        changed,
        p_value: Some(p),
        why,
    }
}

/// Fewest samples a side for the normal approximation of U to hold.
pub const MANN_WHITNEY_MIN_SAMPLES: usize = 8;

/// Two-sided p of the Mann-Whitney U test: normal approximation, ties
/// corrected in the variance, continuity-corrected (as SciPy's default
/// `method="asymptotic"`).
pub fn mann_whitney_p_value(base: &[f64], head: &[f64]) -> f64 {
    let (n1, n2) = (base.len() as f64, head.len() as f64);
    let mut all: Vec<(f64, bool)> = base
        .iter()
        .map(|&x| (x, false))
        .chain(head.iter().map(|&x| (x, true)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = all.len() as f64;
    let (mut rank_sum_base, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        // Ranks are 1-based; a tie group shares the average of its ranks.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_base += rank * all[i..=j].iter().filter(|(_, is_head)| !is_head).count() as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let u = rank_sum_base - n1 * (n1 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let var = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if var <= 0.0 {
        return 1.0; // every value equal
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / var.sqrt();
    let normal = Normal::standard();
    (2.0 * normal.sf(z)).min(1.0)
}

fn mann_whitney_test(base: &[f64], head: &[f64], alpha: f64) -> Result<Test, String> {
    if base.len() < MANN_WHITNEY_MIN_SAMPLES || head.len() < MANN_WHITNEY_MIN_SAMPLES {
        return Err(format!(
            "Mann-Whitney needs {MANN_WHITNEY_MIN_SAMPLES} or more samples a side (base {}, head {})",
            base.len(),
            head.len()
        ));
    }
    if base.iter().chain(head).any(|x| !x.is_finite()) {
        return Err("a sample is not a number".to_string());
    }
    Ok(significance(mann_whitney_p_value(base, head), alpha))
}

fn z_score_test(base: &Metric, head: f64, max: f64) -> Result<Test, String> {
    let (mean, sd) = match moments(base) {
        Some((mean, var, _)) if base.samples.len() >= 2 => (mean, var.sqrt()),
        _ => match base.stddev {
            Some(sd) if sd.is_finite() && sd >= 0.0 => (base.value, sd),
            _ => return Err("the z-score needs 2 or more base samples, or a base stddev".to_string()),
        },
    };
    let z = if sd > 0.0 {
        (head - mean) / sd
    } else if head == mean {
        0.0
    } else {
        f64::INFINITY.copysign(head - mean)
    };
    // Only the worse side is bencher's rule; the better side is reported
    // as an improvement by the same threshold.
    let changed = z.abs() > max;
    let shown = if z.is_finite() {
        format!("z = {z:.2}")
    } else {
        "z = ∞ (no spread in base)".to_string()
    };
    Ok(Test {
        changed,
        p_value: None,
        why: format!("{shown} {} {}", if changed { ">" } else { "≤" }, trim(max)),
    })
}

/// Quartile by linear interpolation between order statistics (the
/// default of NumPy and R's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Fewest base samples for quartiles to mean anything.
pub const IQR_MIN_SAMPLES: usize = 4;

fn iqr_test(base: &[f64], head: f64, k: f64) -> Result<Test, String> {
    if base.len() < IQR_MIN_SAMPLES {
        return Err(format!(
            "the IQR fence needs {IQR_MIN_SAMPLES} or more base samples (has {})",
            base.len()
        ));
    }
    if base.iter().any(|x| !x.is_finite()) {
        return Err("a sample is not a number".to_string());
    }
    let mut sorted = base.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.75));
    let (lo, hi) = (q1 - k * (q3 - q1), q3 + k * (q3 - q1));
    let changed = head < lo || head > hi;
    let why = format!(
        "head {} {} [{}, {}]",
        short(head),
        if changed { "is outside" } else { "is within" },
        short(lo),
        short(hi)
    );
    Ok(Test {
        changed,
        p_value: None,
        why,
    })
}

fn label(method: &GateMethod) -> String {
    match *method {
        GateMethod::Welch { alpha } => format!("Welch t-test (α = {})", trim(alpha)),
        GateMethod::MannWhitney { alpha } => format!("Mann-Whitney U (α = {})", trim(alpha)),
        GateMethod::ZScore { max } => format!("z-score (max {})", trim(max)),
        GateMethod::Percentage { max_pct } => format!("percentage (max {} %)", trim(max_pct)),
        GateMethod::Iqr { multiplier } => format!("IQR (k = {})", trim(multiplier)),
    }
}

/// `+10.2 % slower`, `−4.0 % better`.
fn direction_words(change_pct: f64, worse: bool, unit: &str) -> String {
    let word = match (is_time(unit), worse) {
        (true, true) => "slower",
        (true, false) => "faster",
        (false, true) => "worse",
        (false, false) => "better",
    };
    if change_pct == 0.0 {
        "unchanged".to_string()
    } else {
        format!("{} {word}", pct(change_pct))
    }
}

fn pct(x: f64) -> String {
    let sign = if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{:.1} %", x.abs())
}

/// `0.05`, `2`, `1.5`: no trailing zeros.
fn trim(x: f64) -> String {
    let s = format!("{x}");
    if s.len() > 8 {
        format!("{x:.4}")
    } else {
        s
    }
}

/// Four significant digits for a value in a sentence.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

fn is_time(unit: &str) -> bool {
    time_ns(unit).is_some()
}

fn time_ns(unit: &str) -> Option<f64> {
    Some(match unit {
        "s" => 1e9,
        "ms" => 1e6,
        "us" | "µs" => 1e3,
        "ns" => 1.0,
        _ => return None,
    })
}

/// Factor from `from` to `to`: 1 for equal units, the ratio for two time
/// units, `None` otherwise.
fn unit_scale(from: &str, to: &str) -> Option<f64> {
    if from == to {
        return Some(1.0);
    }
    Some(time_ns(from)? / time_ns(to)?)
}
impl GateConfig {
    /// The gate `[bench.gate]` asks for; defaults: Welch's t-test at
    /// alpha 0.05, changes under 2 % never judged.
    pub fn from_section(section: &GateSection) -> shipdeck_base::Result<GateConfig> {
        let alpha = section.alpha.unwrap_or(0.05);
        let method = match section.method.as_deref().unwrap_or("welch") {
            "welch" => GateMethod::Welch { alpha },
            "mann_whitney" => GateMethod::MannWhitney { alpha },
            "z_score" => GateMethod::ZScore {
                max: section.max.unwrap_or(3.0),
            },
            "percentage" => GateMethod::Percentage {
                max_pct: section.max_pct.unwrap_or(5.0),
            },
            "iqr" => GateMethod::Iqr {
                multiplier: section.multiplier.unwrap_or(1.5),
            },
            other => {
                return Err(shipdeck_base::Error::InvalidInput {
                    field: "bench.gate.method",
                    reason: format!("{other:?} is not one of welch, mann_whitney, z_score, percentage, iqr"),
                })
            }
        };
        Ok(GateConfig {
            method,
            min_change_pct: section.min_change_pct.unwrap_or(2.0),
        })
    }
}
