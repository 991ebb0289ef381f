//! Importers on files written by the real tools (hyperfine, criterion,
//! criterion's bencher output, pytest-benchmark, oha) and on samples that
//! follow the documented shapes (k6, an older oha, libtest's bencher
//! output); then
//! detection and the errors for bad input.
#![allow(clippy::too_many_lines)] // a test reads best as one scenario

use std::path::{Path, PathBuf};

use shipdeck_base::error::Coded;
use shipdeck_base::Error;
use shipdeck_benchmarks::import::{detect, import, Format, ImportError};
use shipdeck_benchmarks::Metric;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn get<'a>(metrics: &'a [Metric], name: &str) -> &'a Metric {
    metrics.iter().find(|m| m.name == name).unwrap_or_else(|| {
        panic!(
            "no metric {name:?} in {:?}",
            metrics.iter().map(|m| &m.name).collect::<Vec<_>>()
        )
    })
}

fn names(metrics: &[Metric]) -> Vec<&str> {
    metrics.iter().map(|m| m.name.as_str()).collect()
}

/// serde_json (without `float_roundtrip`) may parse a decimal one unit in
/// the last place away from Python's reading; that is far below any
/// benchmark's noise.
fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} != {b}");
}

/// The typed import error inside a core error.
fn import_err(e: Error) -> ImportError {
    e.downcast::<ImportError>()
        .unwrap_or_else(|other| panic!("expected a bench import error, got {other:?}"))
}

#[test]
fn hyperfine_export_json_gives_one_metric_per_command_with_every_run() {
    let got = import(&fixture("hyperfine.json"), None).unwrap();
    assert_eq!(got.format, Format::Hyperfine);
    assert_eq!(names(&got.metrics), ["sleep 0.01", "sleep 0.02"]);
    let m = get(&got.metrics, "sleep 0.01");
    assert_eq!((m.unit.as_str(), m.lower_is_better), ("s", true));
    assert_close(m.value, 0.019154315499999998);
    assert_close(m.stddev.unwrap(), 0.009753093640871078);
    assert_eq!(m.n, Some(10));
    assert_eq!(m.samples.len(), 10);
    assert_close(m.samples[0], 0.009101426999999999);
    assert_close(get(&got.metrics, "sleep 0.02").samples[9], 0.024080928);
    assert_eq!(got.source, fixture("hyperfine.json").display().to_string());
}

#[test]
fn criterion_tree_reads_new_and_ignores_base_and_change() {
    let got = import(&fixture("criterion"), None).unwrap();
    assert_eq!(got.format, Format::Criterion);
    // base/ and change/ sit next to every new/; they must not add metrics.
    assert_eq!(names(&got.metrics), ["fib 10", "parse/100", "parse/1000"]);
    let m = get(&got.metrics, "parse/100");
    assert_eq!((m.unit.as_str(), m.lower_is_better), ("ns", true));
    assert_close(m.value, 1580.1222309323591);
    assert_close(m.stddev.unwrap(), 52.99076304404709);
    assert_eq!(m.n, Some(10));
    // Per-iteration time: times[i] / iters[i].
    assert_close(m.samples[0], 1526.0650420456495);
    assert_close(m.samples[9], 1581.3176076883474);
    let fib = get(&got.metrics, "fib 10");
    assert_close(fib.value, 150.27429622605118);
    assert_close(fib.samples[0], 165.74286228622861);
    assert_close(get(&got.metrics, "parse/1000").value, 16820.00896087117);
}

#[test]
fn criterion_one_benchmark_folder_or_its_estimates_file() {
    let one = import(&fixture("criterion/parse/100"), None).unwrap();
    assert_eq!(names(&one.metrics), ["parse/100"]);
    let file = import(&fixture("criterion/parse/100/new/estimates.json"), None).unwrap();
    assert_eq!(file.format, Format::Criterion);
    assert_eq!(file.metrics, one.metrics);
}

#[test]
fn criterion_without_benchmark_json_is_named_by_its_relative_path() {
    let tmp = tempfile::tempdir().unwrap();
    let bench = tmp.path().join("parse/100/new");
    std::fs::create_dir_all(&bench).unwrap();
    for f in ["estimates.json", "sample.json"] {
        std::fs::copy(fixture("criterion/parse/100/new").join(f), bench.join(f)).unwrap();
    }
    let got = import(tmp.path(), None).unwrap();
    assert_eq!(names(&got.metrics), ["parse/100"]);
    assert_close(got.metrics[0].value, 1580.1222309323591);
}

#[test]
fn pytest_benchmark_json_uses_fullname_and_data() {
    let got = import(&fixture("pytest-benchmark.json"), None).unwrap();
    assert_eq!(got.format, Format::PytestBenchmark);
    assert_eq!(
        names(&got.metrics),
        ["test_b.py::test_fib10", "test_b.py::test_sorted"]
    );
    let m = get(&got.metrics, "test_b.py::test_fib10");
    assert_eq!((m.unit.as_str(), m.lower_is_better), ("s", true));
    assert_close(m.value, 6.439000003410911e-06);
    assert_close(m.stddev.unwrap(), 2.3186297838070625e-07);
    assert_eq!(m.n, Some(24));
    assert_eq!(m.samples.len(), 24);
    assert_close(m.samples[0], 6.760000360372942e-06);
    assert_close(
        get(&got.metrics, "test_b.py::test_sorted").samples[27],
        1.0819994713529013e-06,
    );
}

#[test]
fn bencher_output_of_criterion() {
    let got = import(&fixture("bencher.txt"), None).unwrap();
    assert_eq!(got.format, Format::Bencher);
    assert_eq!(names(&got.metrics), ["fib 10", "parse/100", "parse/1000"]);
    let m = get(&got.metrics, "parse/1000");
    assert_eq!(
        (m.unit.as_str(), m.value, m.stddev),
        ("ns", 15648.0, Some(1366.0))
    );
    assert_eq!(get(&got.metrics, "fib 10").value, 151.0);
}

#[test]
fn bencher_output_of_libtest_with_separators_decimals_and_throughput() {
    let got = import(&fixture("bencher-libtest.txt"), None).unwrap();
    assert_eq!(
        names(&got.metrics),
        ["bench_parse_large", "bench_parse_small", "bench_tokenize"]
    );
    let large = get(&got.metrics, "bench_parse_large");
    assert_eq!((large.value, large.stddev), (1_234_567.0, Some(45_678.0)));
    let small = get(&got.metrics, "bench_parse_small");
    assert_eq!((small.value, small.stddev), (812.25, Some(31.5)));
    assert_eq!(get(&got.metrics, "bench_tokenize").value, 12_345.0);
}

#[test]
fn k6_summary_export() {
    let got = import(&fixture("k6-summary-export.json"), None).unwrap();
    assert_eq!(got.format, Format::K6);
    let m = &got.metrics;
    let d = get(m, "http_req_duration");
    assert_eq!(
        (d.unit.as_str(), d.value, d.lower_is_better, d.n),
        ("ms", 12.345, true, Some(1500))
    );
    assert_eq!(get(m, "http_req_duration.p50").value, 10.2);
    assert_eq!(get(m, "http_req_duration.p90").value, 21.4);
    assert_eq!(get(m, "http_req_duration.p95").value, 30.25);
    assert_eq!(get(m, "http_req_duration{expected_response:true}").value, 12.1);
    let rate = get(m, "http_reqs.rate");
    assert_eq!(
        (rate.unit.as_str(), rate.value, rate.lower_is_better),
        ("req/s", 49.9, false)
    );
    assert_eq!(get(m, "http_reqs").value, 1500.0);
    assert_eq!(get(m, "iterations").value, 1500.0);
    assert_eq!(get(m, "iteration_duration").n, Some(1500));
    let failed = get(m, "http_req_failed");
    assert_eq!(
        (failed.unit.as_str(), failed.value, failed.lower_is_better),
        ("ratio", 0.013333333333333334, true)
    );
    assert!(!get(m, "checks").lower_is_better);
    assert_eq!(get(m, "checkout_latency").value, 45.5);
    assert_eq!(get(m, "checkout_latency.p95").value, 88.8);
    assert_eq!(get(m, "data_received").unit, "B");
    assert!(!m.iter().any(|x| x.name.starts_with("vus")), "gauges are skipped");
}

#[test]
fn k6_handle_summary_with_values_nested() {
    let got = import(&fixture("k6-handle-summary.json"), None).unwrap();
    assert_eq!(got.format, Format::K6);
    let m = &got.metrics;
    let d = get(m, "http_req_duration");
    assert_eq!((d.unit.as_str(), d.value, d.n), ("ms", 8.75, Some(3000)));
    assert_eq!(get(m, "http_req_duration.p99").value, 33.25);
    assert_eq!(get(m, "http_reqs.rate").value, 99.83);
    assert_eq!(get(m, "http_req_failed").value, 0.0);
    assert_eq!(get(m, "checks").value, 1.0);
    assert_eq!(get(m, "iterations.rate").value, 99.83);
    // A custom trend that is not a time has no unit.
    assert_eq!(get(m, "cart_items").unit, "");
    assert_eq!(get(m, "data_received.rate").unit, "B/s");
    assert!(!m.iter().any(|x| x.name == "vus"));
}

#[test]
fn oha_json_of_oha_1_16() {
    // oha 1.16 adds a top-level `metrics` member; it must not pass for k6.
    let got = import(&fixture("oha.json"), None).unwrap();
    assert_eq!(got.format, Format::Oha);
    let m = &got.metrics;
    let lat = get(m, "latency");
    assert_eq!((lat.unit.as_str(), lat.n), ("ms", Some(300)));
    assert_close(lat.value, 7.421143523333335);
    assert_close(get(m, "latency.p50").value, 7.16159);
    assert_close(get(m, "latency.p99.9").value, 33.90466);
    assert_close(get(m, "latency.max").value, 33.90466);
    let rps = get(m, "rps");
    assert_close(rps.value, 525.3348593400417);
    assert_close(rps.stddev.unwrap(), 280.01073593254347);
    assert_eq!(get(m, "success_rate").value, 1.0);
}

#[test]
fn oha_json_sample_with_mixed_status_codes() {
    let got = import(&fixture("oha-sample.json"), None).unwrap();
    assert_eq!(got.format, Format::Oha);
    let m = &got.metrics;
    assert_eq!(
        names(m),
        [
            "latency",
            "latency.p50",
            "latency.p90",
            "latency.p95",
            "latency.p99",
            "latency.p99.9",
            "latency.max",
            "rps",
            "success_rate"
        ]
    );
    let lat = get(m, "latency");
    assert_eq!(lat.unit, "ms");
    assert_close(lat.value, 4.9);
    assert_eq!(lat.n, Some(50_938));
    assert_close(get(m, "latency.p99").value, 15.1);
    assert_close(get(m, "latency.max").value, 48.1);
    let rps = get(m, "rps");
    assert_eq!(
        (rps.unit.as_str(), rps.value, rps.lower_is_better, rps.stddev),
        ("req/s", 10183.4, false, Some(312.7))
    );
    assert_eq!(get(m, "success_rate").value, 1.0);
}

#[test]
fn detects_every_format_by_content() {
    let cases = [
        ("k6-summary-export.json", Format::K6),
        ("k6-handle-summary.json", Format::K6),
        ("oha.json", Format::Oha),
        ("oha-sample.json", Format::Oha),
        ("hyperfine.json", Format::Hyperfine),
        ("criterion", Format::Criterion),
        ("criterion/fib 10", Format::Criterion),
        ("criterion/parse/100/new/estimates.json", Format::Criterion),
        ("pytest-benchmark.json", Format::PytestBenchmark),
        ("bencher.txt", Format::Bencher),
        ("bencher-libtest.txt", Format::Bencher),
    ];
    for (file, want) in cases {
        assert_eq!(detect(&fixture(file)).unwrap(), want, "{file}");
    }
}

#[test]
fn detection_does_not_depend_on_the_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    for (src, dst, want) in [
        ("hyperfine.json", "results.txt", Format::Hyperfine),
        ("bencher.txt", "out.json", Format::Bencher),
        ("oha-sample.json", "k6.json", Format::Oha),
    ] {
        let path = tmp.path().join(dst);
        std::fs::copy(fixture(src), &path).unwrap();
        assert_eq!(detect(&path).unwrap(), want, "{src} as {dst}");
        assert_eq!(import(&path, None).unwrap().format, want);
    }
}

#[test]
fn a_forced_format_that_does_not_fit_names_the_missing_field() {
    let e = import_err(import(&fixture("oha-sample.json"), Some(Format::Hyperfine)).unwrap_err());
    assert!(
        matches!(&e, ImportError::InvalidFile { at, .. } if at == "results"),
        "{e}"
    );
    assert_eq!(e.code(), "bench.invalid_file");
    let e = import_err(import(&fixture("criterion"), Some(Format::K6)).unwrap_err());
    assert_eq!(e.code(), "bench.unknown_format");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn truncated_json_is_an_invalid_file_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    for src in [
        "hyperfine.json",
        "pytest-benchmark.json",
        "k6-handle-summary.json",
        "oha.json",
    ] {
        let full = std::fs::read_to_string(fixture(src)).unwrap();
        let path = write(tmp.path(), src, &full[..full.len() / 2]);
        let err = import(&path, None).unwrap_err();
        assert_eq!(err.code(), "bench.invalid_file", "{src}");
        match import_err(err) {
            ImportError::InvalidFile { path: p, at, reason } => {
                assert_eq!(p, path);
                assert!(at.starts_with("line "), "{at}");
                assert!(reason.contains("not valid JSON"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(detect(&path), Err(ImportError::InvalidFile { .. })));
    }
}

#[test]
fn a_wrong_value_names_its_field() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("hyperfine.json"))
        .unwrap()
        .replacen("\"mean\": 0.0239432319", "\"mean\": \"fast\"", 1);
    let path = write(tmp.path(), "h.json", &text);
    let e = import_err(import(&path, None).unwrap_err());
    let msg = e.to_string();
    assert!(
        matches!(&e, ImportError::InvalidFile { at, .. } if at == "results[1].mean"),
        "{msg}"
    );
    assert!(
        msg.contains("h.json") && msg.contains("expected a number"),
        "{msg}"
    );

    let k6 = write(
        tmp.path(),
        "k6.json",
        r#"{"metrics": {"http_req_duration": {"type": "trend", "values": {"min": 1}}}}"#,
    );
    let e = import_err(import(&k6, None).unwrap_err());
    assert!(
        matches!(&e, ImportError::InvalidFile { at, .. } if at == "metrics.http_req_duration.values.avg"),
        "{e}"
    );
}

#[test]
fn a_malformed_bench_line_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        "b.txt",
        "running 2 tests\ntest a ... bench:  12 ns/iter (+/- 1)\ntest b ... bench:  lots ns/iter\n",
    );
    let e = import_err(import(&path, None).unwrap_err());
    assert!(
        matches!(&e, ImportError::InvalidFile { at, .. } if at == "line 3"),
        "{e}"
    );
    assert!(e.to_string().contains("b.txt"));
}

#[test]
fn a_broken_criterion_sample_names_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let new = tmp.path().join("g/b/new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::copy(
        fixture("criterion/parse/100/new/estimates.json"),
        new.join("estimates.json"),
    )
    .unwrap();
    std::fs::write(
        new.join("sample.json"),
        r#"{"iters": [1.0, 2.0], "times": [5.0]}"#,
    )
    .unwrap();
    let e = import_err(import(tmp.path(), None).unwrap_err());
    match &e {
        ImportError::InvalidFile { path, at, reason } => {
            assert_eq!(path, &new.join("sample.json"));
            assert_eq!(at, "times");
            assert!(reason.contains("1 times for 2 iteration counts"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_content_lists_the_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let text = write(tmp.path(), "notes.txt", "hello\n");
    let json = write(tmp.path(), "other.json", r#"{"hello": 1}"#);
    for path in [text, json, tmp.path().to_path_buf()] {
        let err = import(&path, None).unwrap_err();
        assert_eq!(err.code(), "bench.unknown_format", "{}", path.display());
        let payload = err.payload();
        assert!(
            payload.message.contains(&path.display().to_string()),
            "{}",
            payload.message
        );
        let hint = payload.hint.unwrap();
        for f in Format::ALL {
            assert!(hint.contains(f.name()), "{hint} lacks {f}");
        }
    }
}

#[test]
fn a_missing_file_or_no_results_are_typed_errors() {
    let err = import(&fixture("nope.json"), None).unwrap_err();
    assert_eq!(err.code(), "bench.unreadable");
    let tmp = tempfile::tempdir().unwrap();
    let empty = write(tmp.path(), "h.json", r#"{"results": []}"#);
    assert!(matches!(import(&empty, Some(Format::Hyperfine)), Err(e) if e.code() == "bench.no_metrics"));
}

#[test]
fn format_serialises_in_snake_case() {
    let json = serde_json::to_string(&Format::ALL).unwrap();
    assert_eq!(
        json,
        r#"["k6","oha","hyperfine","criterion","pytest_benchmark","bencher"]"#
    );
}

#[test]
fn hyperfine_iterations_that_exited_non_zero_are_counted_per_command() {
    // Written by `hyperfine -N --ignore-failure --runs 6 --export-json`:
    // `true`, a command that always exits 3, one that fails every other
    // run and one that kills itself.
    let got = import(&fixture("hyperfine-failed.json"), None).unwrap();
    assert_eq!(got.format, Format::Hyperfine);
    let failed = |name: &str| {
        let m = get(&got.metrics, name);
        (m.failed, m.n)
    };
    assert_eq!(failed("true"), (Some(0), Some(6)));
    assert_eq!(failed("sh -c 'exit 3'"), (Some(6), Some(6)));
    assert_eq!(
        failed("sh -c 'if [ -e flag ]; then rm flag; else touch flag; exit 1; fi'"),
        (Some(3), Some(6))
    );
    assert_eq!(failed("sh -c 'kill -9 $$'"), (Some(6), Some(6)));
    // An export from before hyperfine wrote exit codes says nothing.
    let tmp = tempfile::tempdir().unwrap();
    let old = write(
        tmp.path(),
        "old.json",
        r#"{"results": [{"command": "a", "mean": 1.0, "times": [1.0, 1.0]}]}"#,
    );
    assert_eq!(import(&old, None).unwrap().metrics[0].failed, None);
}

#[test]
fn hyperfine_exit_codes_null_is_a_failure_and_a_word_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let killed = write(
        tmp.path(),
        "killed.json",
        r#"{"results": [{"command": "a", "mean": 1.0, "times": [1.0, 1.0], "exit_codes": [null, 0]}]}"#,
    );
    assert_eq!(import(&killed, None).unwrap().metrics[0].failed, Some(1));
    let bad = write(
        tmp.path(),
        "bad.json",
        r#"{"results": [{"command": "a", "mean": 1.0, "times": [1.0, 1.0], "exit_codes": [0, "x"]}]}"#,
    );
    let e = import_err(import(&bad, None).unwrap_err());
    assert!(
        matches!(&e, ImportError::InvalidFile { at, .. } if at == "results[0].exit_codes[1]"),
        "{e}"
    );
}
