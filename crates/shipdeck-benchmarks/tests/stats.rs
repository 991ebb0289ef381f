//! The regression gate on synthetic samples with known effects (seeded, so
//! every run draws the same numbers), against reference p-values computed
//! with SciPy, and each method's edge cases.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use shipdeck_benchmarks::stats::{
    compare, compare_runs, mann_whitney_p_value, welch_p_value, GateConfig, GateMethod, Verdict,
};
use shipdeck_benchmarks::Metric;

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn sampled(name: &str, samples: Vec<f64>) -> Metric {
    Metric {
        name: name.to_string(),
        unit: "ms".to_string(),
        lower_is_better: true,
        value: mean(&samples),
        n: Some(samples.len() as u64),
        samples,
        stddev: None,
        failed: None,
    }
}

fn summary(value: f64, stddev: Option<f64>, n: Option<u64>) -> Metric {
    Metric {
        name: "m".to_string(),
        unit: "ms".to_string(),
        lower_is_better: true,
        value,
        samples: Vec::new(),
        stddev,
        n,
        failed: None,
    }
}

fn draw(rng: &mut ChaCha8Rng, mu: f64, sigma: f64, n: usize) -> Vec<f64> {
    let d = Normal::new(mu, sigma).unwrap();
    (0..n).map(|_| d.sample(rng)).collect()
}

fn gate(method: GateMethod, min_change_pct: f64) -> GateConfig {
    GateConfig {
        method,
        min_change_pct,
    }
}

const WELCH: GateMethod = GateMethod::Welch { alpha: 0.05 };
const MANN_WHITNEY: GateMethod = GateMethod::MannWhitney { alpha: 0.05 };

/// Verdicts of `reps` comparisons of two draws of `n` from N(mu_b, sigma)
/// and N(mu_h, sigma).
fn verdicts(
    seed: u64,
    reps: usize,
    (mu_b, mu_h, sigma, n): (f64, f64, f64, usize),
    cfg: &GateConfig,
    lower_is_better: bool,
) -> Vec<Verdict> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..reps)
        .map(|_| {
            let mut b = sampled("m", draw(&mut rng, mu_b, sigma, n));
            let mut h = sampled("m", draw(&mut rng, mu_h, sigma, n));
            b.lower_is_better = lower_is_better;
            h.lower_is_better = lower_is_better;
            compare(&b, &h, cfg).verdict
        })
        .collect()
}

fn count(vs: &[Verdict], v: Verdict) -> usize {
    vs.iter().filter(|x| **x == v).count()
}

#[test]
fn default_is_welch_at_five_percent_with_a_two_percent_minimum() {
    let cfg = GateConfig::default();
    assert_eq!(cfg.method, GateMethod::Welch { alpha: 0.05 });
    assert_eq!(cfg.min_change_pct, 2.0);
    let json = serde_json::to_string(&cfg).unwrap();
    assert_eq!(
        json,
        r#"{"method":{"kind":"welch","alpha":0.05},"min_change_pct":2.0}"#
    );
    let back: GateConfig =
        serde_json::from_str(r#"{"method":{"kind":"iqr","multiplier":1.5},"min_change_pct":0}"#).unwrap();
    assert_eq!(back.method, GateMethod::Iqr { multiplier: 1.5 });
}

#[test]
fn welch_p_value_matches_scipy() {
    // scipy.stats.ttest_ind(a, b, equal_var=False).pvalue
    let a = [
        27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4,
    ];
    let b = [
        27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4,
    ];
    let c = compare(
        &sampled("m", a.to_vec()),
        &sampled("m", b.to_vec()),
        &gate(WELCH, 0.0),
    );
    let p = c.p_value.unwrap();
    assert!((p - 0.021378001462866992).abs() < 1e-6, "{p}");
    assert_eq!(c.verdict, Verdict::Regression);
    assert!(c.detail.starts_with("p = 0.021 < 0.05 and +"), "{}", c.detail);
    assert!(c.detail.ends_with("% slower"), "{}", c.detail);
}

#[test]
fn welch_from_summary_statistics_matches_scipy() {
    // scipy.stats.ttest_ind_from_stats(100, 5, 30, 104, 8, 20, equal_var=False)
    let p = welch_p_value((100.0, 25.0, 30.0), (104.0, 64.0, 20.0));
    assert!((p - 0.05592704621395242).abs() < 1e-6, "{p}");
    let c = compare(
        &summary(100.0, Some(5.0), Some(30)),
        &summary(104.0, Some(8.0), Some(20)),
        &gate(WELCH, 0.0),
    );
    assert_eq!(c.verdict, Verdict::NoChange);
    assert!((c.p_value.unwrap() - 0.05592704621395242).abs() < 1e-6);
    assert!(c.detail.contains("p = 0.056 ≥ 0.05"), "{}", c.detail);
}

#[test]
fn mann_whitney_with_ties_matches_scipy() {
    // scipy.stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    let x = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0, 5.0, 6.0];
    let y = [3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 8.0, 9.0];
    let p = mann_whitney_p_value(&x, &y);
    assert!((p - 0.013061339211425342).abs() < 1e-9, "{p}");
    assert_eq!(p, mann_whitney_p_value(&y, &x), "two-sided p is symmetric");
}

#[test]
fn welch_rarely_alarms_on_noise() {
    // 200 pairs of 30 draws from the same N(100, 5): about 2.5 % of them
    // look worse at α = 0.05 two-sided.
    let vs = verdicts(7, 200, (100.0, 100.0, 5.0, 30), &gate(WELCH, 0.0), true);
    let regressions = count(&vs, Verdict::Regression);
    let changed = regressions + count(&vs, Verdict::Improvement);
    assert!(regressions <= 12, "{regressions} false regressions in 200");
    assert!(changed <= 16, "{changed} false changes in 200");
    // With σ = 5 and 30 samples a significant difference is already over
    // 2.5 %, so the 2 % floor cannot add alarms (nor remove many); see the
    // next test for where it matters.
    let with_min = verdicts(7, 200, (100.0, 100.0, 5.0, 30), &gate(WELCH, 2.0), true);
    assert!(count(&with_min, Verdict::Regression) <= regressions);
}

#[test]
fn the_minimum_change_silences_significant_but_tiny_differences() {
    // N(100, 1): Welch calls ~0.5 % shifts significant; the 2 % floor keeps
    // noise from ever failing a build.
    let without = verdicts(8, 200, (100.0, 100.0, 1.0, 30), &gate(WELCH, 0.0), true);
    let with = verdicts(8, 200, (100.0, 100.0, 1.0, 30), &gate(WELCH, 2.0), true);
    assert!(count(&without, Verdict::Regression) <= 12);
    assert_eq!(count(&with, Verdict::Regression), 0);
    assert_eq!(count(&with, Verdict::Improvement), 0);
    // A real but small 1 % shift is significant, yet below the floor.
    let small = verdicts(12, 50, (100.0, 101.0, 1.0, 30), &gate(WELCH, 2.0), true);
    assert_eq!(count(&small, Verdict::NoChange), 50);
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let c = compare(
        &sampled("m", draw(&mut rng, 100.0, 0.5, 30)),
        &sampled("m", draw(&mut rng, 101.0, 0.5, 30)),
        &GateConfig::default(),
    );
    assert_eq!(c.verdict, Verdict::NoChange);
    assert!(c.detail.contains("below the 2 % minimum change"), "{}", c.detail);
}

#[test]
fn a_ten_percent_shift_is_always_caught() {
    for method in [WELCH, MANN_WHITNEY] {
        let cfg = gate(method.clone(), 2.0);
        let worse = verdicts(21, 200, (100.0, 110.0, 5.0, 30), &cfg, true);
        assert_eq!(count(&worse, Verdict::Regression), 200, "{method:?}");
        // Higher is better (throughput): the same shift is an improvement.
        let better = verdicts(22, 200, (100.0, 110.0, 5.0, 30), &cfg, false);
        assert_eq!(count(&better, Verdict::Improvement), 200, "{method:?}");
        let slower_rps = verdicts(23, 200, (110.0, 100.0, 5.0, 30), &cfg, false);
        assert_eq!(count(&slower_rps, Verdict::Regression), 200, "{method:?}");
    }
}

#[test]
fn mann_whitney_rarely_alarms_on_noise() {
    let vs = verdicts(31, 200, (100.0, 100.0, 5.0, 30), &gate(MANN_WHITNEY, 0.0), true);
    let changed = count(&vs, Verdict::Regression) + count(&vs, Verdict::Improvement);
    assert!(changed <= 16, "{changed} false changes in 200");
}

#[test]
fn welch_edge_cases() {
    let cfg = gate(WELCH, 0.0);
    // One sample and no summary: nothing to test.
    let c = compare(&sampled("m", vec![1.0]), &sampled("m", vec![2.0, 3.0]), &cfg);
    assert_eq!(c.verdict, Verdict::InsufficientData);
    assert!(c.p_value.is_none());
    // A stddev without n is not enough either.
    let c = compare(
        &summary(10.0, Some(1.0), None),
        &summary(12.0, Some(1.0), None),
        &cfg,
    );
    assert_eq!(c.verdict, Verdict::InsufficientData);
    // No spread at all: equal is no change, different is certain.
    let same = compare(&sampled("m", vec![5.0; 4]), &sampled("m", vec![5.0; 4]), &cfg);
    assert_eq!((same.verdict, same.p_value), (Verdict::NoChange, Some(1.0)));
    let diff = compare(&sampled("m", vec![5.0; 4]), &sampled("m", vec![6.0; 4]), &cfg);
    assert_eq!((diff.verdict, diff.p_value), (Verdict::Regression, Some(0.0)));
    // Samples on one side, mean/stddev/n on the other.
    let mut rng = ChaCha8Rng::seed_from_u64(41);
    let c = compare(
        &sampled("m", draw(&mut rng, 100.0, 5.0, 30)),
        &summary(120.0, Some(5.0), Some(30)),
        &cfg,
    );
    assert_eq!(c.verdict, Verdict::Regression);
}

#[test]
fn mann_whitney_edge_cases() {
    let cfg = gate(MANN_WHITNEY, 0.0);
    let seven: Vec<f64> = (0..7).map(f64::from).collect();
    let eight: Vec<f64> = (0..8).map(f64::from).collect();
    let c = compare(&sampled("m", seven), &sampled("m", eight.clone()), &cfg);
    assert_eq!(c.verdict, Verdict::InsufficientData);
    assert!(c.detail.contains("8 or more samples"), "{}", c.detail);
    let flat = compare(&sampled("m", vec![3.0; 8]), &sampled("m", vec![3.0; 8]), &cfg);
    assert_eq!((flat.verdict, flat.p_value), (Verdict::NoChange, Some(1.0)));
    let shifted: Vec<f64> = eight.iter().map(|x| x + 100.0).collect();
    let c = compare(&sampled("m", eight), &sampled("m", shifted), &cfg);
    assert_eq!(c.verdict, Verdict::Regression);
    assert!(c.p_value.unwrap() < 0.001);
    assert!(c.detail.starts_with("p < 0.001 and +"), "{}", c.detail);
}

#[test]
fn z_score_is_head_against_the_base_distribution() {
    let cfg = gate(GateMethod::ZScore { max: 3.0 }, 0.0);
    // Base samples: mean 100, sample stddev 5 (±5 alternating, n even).
    let base = sampled(
        "m",
        (0..10).map(|i| if i % 2 == 0 { 95.0 } else { 105.0 }).collect(),
    );
    let sd = (250.0f64 / 9.0).sqrt();
    let at = |z: f64| summary(100.0 + z * sd, None, None);
    assert_eq!(compare(&base, &at(3.5), &cfg).verdict, Verdict::Regression);
    assert_eq!(compare(&base, &at(2.5), &cfg).verdict, Verdict::NoChange);
    assert_eq!(compare(&base, &at(-3.5), &cfg).verdict, Verdict::Improvement);
    let c = compare(&base, &at(3.5), &cfg);
    assert!(c.detail.starts_with("z = 3.50 > 3 and +"), "{}", c.detail);
    assert!(c.p_value.is_none());
    // Higher is better: falling 3.5 stddevs is the regression.
    let mut rps = base.clone();
    rps.lower_is_better = false;
    assert_eq!(compare(&rps, &at(-3.5), &cfg).verdict, Verdict::Regression);
    // Only a stddev (bencher's `+/-`) is enough for the base.
    assert_eq!(
        compare(
            &summary(100.0, Some(2.0), None),
            &summary(107.0, None, None),
            &cfg
        )
        .verdict,
        Verdict::Regression
    );
    // Nothing about the spread: cannot judge.
    let c = compare(&summary(100.0, None, None), &summary(107.0, None, None), &cfg);
    assert_eq!(c.verdict, Verdict::InsufficientData);
    // No spread in base: any move counts.
    assert_eq!(
        compare(&sampled("m", vec![100.0; 5]), &summary(103.0, None, None), &cfg).verdict,
        Verdict::Regression
    );
}

#[test]
fn percentage_needs_only_the_headlines() {
    let cfg = gate(GateMethod::Percentage { max_pct: 5.0 }, 0.0);
    let base = summary(200.0, None, None);
    let c = compare(&base, &summary(212.0, None, None), &cfg);
    assert_eq!((c.verdict, c.change_pct), (Verdict::Regression, 6.0));
    assert_eq!(c.detail, "6.0 % > 5 % and +6.0 % slower");
    assert_eq!(
        compare(&base, &summary(208.0, None, None), &cfg).verdict,
        Verdict::NoChange
    );
    assert_eq!(
        compare(&base, &summary(188.0, None, None), &cfg).verdict,
        Verdict::Improvement
    );
    // A zero base has no relative change.
    let c = compare(&summary(0.0, None, None), &summary(1.0, None, None), &cfg);
    assert_eq!(c.verdict, Verdict::InsufficientData);
    assert_eq!(
        compare(&summary(0.0, None, None), &summary(0.0, None, None), &cfg).verdict,
        Verdict::NoChange
    );
}

#[test]
fn iqr_fences_around_the_base_samples() {
    let cfg = gate(GateMethod::Iqr { multiplier: 1.5 }, 0.0);
    // Q1 = 3.25, Q3 = 7.75 (NumPy's default interpolation): fences −3.5 and 14.5.
    let base = sampled("m", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]);
    assert_eq!(base.value, 14.5);
    let c = compare(&base, &summary(15.0, None, None), &cfg);
    assert_eq!(c.verdict, Verdict::Regression);
    assert!(
        c.detail.starts_with("head 15.00 is outside [-3.500, 14.50]"),
        "{}",
        c.detail
    );
    assert_eq!(
        compare(&base, &summary(14.0, None, None), &cfg).verdict,
        Verdict::NoChange
    );
    assert_eq!(
        compare(&base, &summary(-4.0, None, None), &cfg).verdict,
        Verdict::Improvement
    );
    let few = sampled("m", vec![1.0, 2.0, 3.0]);
    assert_eq!(
        compare(&few, &summary(50.0, None, None), &cfg).verdict,
        Verdict::InsufficientData
    );
}

#[test]
fn time_units_are_converted_and_other_mismatches_refused() {
    let cfg = gate(GateMethod::Percentage { max_pct: 5.0 }, 0.0);
    let mut head = summary(0.11, None, None);
    head.unit = "s".into();
    let c = compare(&summary(100.0, None, None), &head, &cfg);
    assert_eq!((c.unit.as_str(), c.verdict), ("ms", Verdict::Regression));
    assert!((c.head - 110.0).abs() < 1e-9);
    head.unit = "req/s".into();
    assert_eq!(
        compare(&summary(100.0, None, None), &head, &cfg).verdict,
        Verdict::InsufficientData
    );
}

#[test]
fn an_invalid_configuration_is_reported_not_applied() {
    let cfg = gate(GateMethod::Welch { alpha: 1.5 }, 2.0);
    assert_eq!(cfg.validate().unwrap_err().code(), "input.invalid");
    let c = compare(
        &summary(1.0, Some(0.1), Some(9)),
        &summary(2.0, Some(0.1), Some(9)),
        &cfg,
    );
    assert_eq!(c.verdict, Verdict::InsufficientData);
    assert!(c.detail.contains("alpha"), "{}", c.detail);
    assert!(gate(WELCH, -1.0).validate().is_err());
    assert!(GateConfig::default().validate().is_ok());
}

#[test]
fn compare_runs_pairs_metrics_by_name() {
    let mut rng = ChaCha8Rng::seed_from_u64(51);
    let base = vec![
        sampled("GET /a", draw(&mut rng, 100.0, 5.0, 30)),
        sampled("GET /b", draw(&mut rng, 50.0, 2.0, 30)),
        sampled("gone", draw(&mut rng, 10.0, 1.0, 30)),
    ];
    let head = vec![
        sampled("GET /b", draw(&mut rng, 50.0, 2.0, 30)),
        sampled("new", draw(&mut rng, 10.0, 1.0, 30)),
        sampled("GET /a", draw(&mut rng, 115.0, 5.0, 30)),
    ];
    let out = compare_runs(&base, &head, &GateConfig::default());
    let got: Vec<(&str, Verdict)> = out.iter().map(|c| (c.name.as_str(), c.verdict)).collect();
    assert_eq!(
        got,
        [("GET /b", Verdict::NoChange), ("GET /a", Verdict::Regression)]
    );
    assert_eq!(out[1].method, "Welch t-test (α = 0.05)");
}

#[test]
fn a_head_whose_iterations_all_failed_is_not_called_an_improvement() {
    // The failing command exits at once: 88 % "faster" than the real one.
    let base = sampled("build", (0..30).map(|i| 1.0 + f64::from(i % 5) * 0.01).collect());
    let mut head = sampled(
        "build",
        (0..30).map(|i| 0.12 + f64::from(i % 5) * 0.001).collect(),
    );
    head.failed = Some(30);
    for method in [WELCH, MANN_WHITNEY, GateMethod::Percentage { max_pct: 5.0 }] {
        let c = compare(&base, &head, &gate(method, 2.0));
        assert_eq!(c.verdict, Verdict::FailedIterations, "{}", c.detail);
        assert_eq!((c.base_failed, c.head_failed), (None, Some(30)));
        assert!(
            c.detail.contains("cannot judge: 30 of 30 head iterations failed"),
            "{}",
            c.detail
        );
    }
    // One failed iteration on the base side is enough to refuse.
    let mut base = base;
    base.failed = Some(1);
    head.failed = Some(0);
    let c = compare(&base, &head, &GateConfig::default());
    assert_eq!(c.verdict, Verdict::FailedIterations);
    assert!(
        c.detail.contains("1 of 30 base iterations failed"),
        "{}",
        c.detail
    );
    // Exit codes all 0: judged as before.
    base.failed = Some(0);
    let c = compare(&base, &head, &GateConfig::default());
    assert_eq!(c.verdict, Verdict::Improvement, "{}", c.detail);
}
