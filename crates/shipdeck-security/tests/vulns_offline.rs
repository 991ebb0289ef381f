//! OSV's offline exports (`OSV_DIR/<Ecosystem>/all.zip`), built here from
//! the fixtures; hostile archives.

mod vulns_common;

use std::io::Write;

use shipdeck_security::vulns::{match_packages, AdvisorySource};
use vulns_common::*;

#[test]
fn offline_exports_give_the_same_report_as_the_records() {
    let dir = tempfile::tempdir().unwrap();
    write_exports(dir.path());
    let pkgs = broad_packages();
    let offline = match_packages(&pkgs, &AdvisorySource::Offline(dir.path().into()), &progress()).unwrap();
    let records = match_packages(&pkgs, &AdvisorySource::Records(fixtures()), &progress()).unwrap();
    assert_eq!(offline.vulnerabilities, records.vulnerabilities);
    assert_eq!(offline.packages_scanned, pkgs.len() as u64);
    // Sanity: the broad set does find things in all three ecosystems.
    let found: std::collections::BTreeSet<_> = offline.vulnerabilities.iter().map(|v| v.ecosystem).collect();
    assert_eq!(found.len(), 3);
    assert_eq!(ids(&of(&offline, "requests", "2.28.0")), ["GHSA-j8r2-6x86-q33q"]);
    assert_eq!(ids(&of(&offline, "smallvec", "1.6.0")), ["GHSA-43w2-9j62-hq99"]);
}

#[test]
fn offline_reads_only_the_ecosystems_used() {
    // Only npm/all.zip exists; npm packages need nothing else.
    let dir = tempfile::tempdir().unwrap();
    let (id, text) = fixture_texts()
        .into_iter()
        .find(|(i, _)| i == "GHSA-xvch-5gv4-984h")
        .unwrap();
    write_zip(
        &dir.path().join("npm/all.zip"),
        &[(format!("{id}.json"), text.into_bytes())],
    );
    let r = match_packages(
        &[npm("minimist", "1.2.5")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap();
    assert_eq!(ids(&of(&r, "minimist", "1.2.5")), ["GHSA-xvch-5gv4-984h"]);
}

#[test]
fn a_missing_export_is_an_error_not_a_clean_report() {
    let dir = tempfile::tempdir().unwrap();
    write_zip(&dir.path().join("npm/all.zip"), &[]);
    let err = match_packages(
        &[npm("lodash", "4.17.15"), pypi("requests", "2.28.0")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_offline_unusable");
    assert!(err.to_string().contains("PyPI"), "{err}");
    assert!(err.hint().unwrap().contains("all.zip"));
}

#[test]
fn folder_names_are_osv_spellings() {
    // `pypi/all.zip` is not `PyPI/all.zip`.
    let dir = tempfile::tempdir().unwrap();
    write_zip(&dir.path().join("pypi/all.zip"), &[]);
    let err = match_packages(
        &[pypi("requests", "2.28.0")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_offline_unusable");
}

#[test]
fn a_zip_bomb_entry_stops_the_scan() {
    // 24 MiB of blanks deflate to a few dozen KiB; the entry is over the
    // per-record bound whatever else the archive holds.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("npm/all.zip");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("BOMB-1.json", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..24 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap();
    assert!(
        std::fs::metadata(&path).unwrap().len() < 1 << 20,
        "the archive itself is small"
    );
    let started = std::time::Instant::now();
    let err = match_packages(
        &[npm("lodash", "4.17.15")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_offline_unusable");
    assert!(err.to_string().contains("BOMB-1.json"), "{err}");
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn invalid_json_and_non_zip_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_zip(
        &dir.path().join("npm/all.zip"),
        &[(
            "BROKEN-1.json".into(),
            b"{\"id\": \"BROKEN-1\", \"affected\": [".to_vec(),
        )],
    );
    let err = match_packages(
        &[npm("lodash", "4.17.15")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_offline_unusable");
    assert!(err.to_string().contains("BROKEN-1.json"), "{err}");

    std::fs::write(dir.path().join("npm/all.zip"), b"not a zip at all").unwrap();
    let err = match_packages(
        &[npm("lodash", "4.17.15")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "security.osv_offline_unusable");
}

#[test]
fn folders_and_other_files_in_an_export_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (id, text) = fixture_texts()
        .into_iter()
        .find(|(i, _)| i == "GHSA-xvch-5gv4-984h")
        .unwrap();
    let path = dir.path().join("npm/all.zip");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    z.add_directory("sub/", opts).unwrap();
    z.start_file("README.txt", opts).unwrap();
    z.write_all(b"not json").unwrap();
    z.start_file(format!("{id}.json"), opts).unwrap();
    z.write_all(text.as_bytes()).unwrap();
    z.finish().unwrap();
    let r = match_packages(
        &[npm("minimist", "1.2.5")],
        &AdvisorySource::Offline(dir.path().into()),
        &progress(),
    )
    .unwrap();
    assert_eq!(r.vulnerabilities.len(), 1);
}

#[test]
fn cancel_stops_an_offline_scan() {
    let dir = tempfile::tempdir().unwrap();
    write_exports(dir.path());
    let (cancel, p) = cancellable_progress();
    cancel.cancel();
    let err = match_packages(&broad_packages(), &AdvisorySource::Offline(dir.path().into()), &p).unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
}
