//! Matching locked versions against OSV records: real advisories (see
//! tests/fixtures/osv/README.md) and hand-written edge cases, read as
//! records in hand.

mod vulns_common;

use shipdeck_security::vulns::{match_packages, AdvisorySource, LockedPackage, VulnSeverity, VulnsReport};
use vulns_common::*;

fn run(packages: &[LockedPackage]) -> VulnsReport {
    match_packages(packages, &AdvisorySource::Records(fixtures()), &progress()).unwrap()
}

fn fixed_of(r: &VulnsReport, name: &str, version: &str, id: &str) -> Vec<String> {
    of(r, name, version)
        .into_iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("{id} not reported for {name} {version}"))
        .fixed
        .clone()
}

#[test]
fn lodash_two_real_advisories_and_the_upgrade_that_fixes_both() {
    let r = run(&[
        npm("lodash", "4.17.15"),
        npm("lodash", "4.17.21"),
        npm("lodash-es", "4.17.20"),
    ]);
    let old = of(&r, "lodash", "4.17.15");
    assert_eq!(ids(&old), ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"]);
    let inj = old[0];
    assert_eq!(inj.aliases, ["CVE-2021-23337"]);
    assert_eq!(inj.score, Some(7.2));
    assert_eq!(inj.severity, Some(VulnSeverity::High));
    assert_eq!(
        inj.cvss.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H")
    );
    assert_eq!(inj.fixed, ["4.17.21"]);
    assert_eq!(inj.summary.as_deref(), Some("Command Injection in lodash"));
    assert_eq!(
        inj.url.as_deref(),
        Some("https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm")
    );
    assert_eq!(inj.via, ["app", "lodash"]);
    assert_eq!(inj.lockfile, "package-lock.json");
    assert_eq!(old[1].score, Some(7.4));
    assert_eq!(old[1].fixed, ["4.17.20"]);
    // 4.17.20 fixes one but not the other: the upgrade is 4.17.21 for both.
    assert!(old.iter().all(|v| v.upgrade_to.as_deref() == Some("4.17.21")));
    // Fixed, and the withdrawn record saying "every lodash" is ignored.
    assert!(of(&r, "lodash", "4.17.21").is_empty());
    assert_eq!(ids(&of(&r, "lodash-es", "4.17.20")), ["GHSA-35jh-r3h4-6jhm"]);
    assert_eq!(r.packages_scanned, 3);
}

#[test]
fn minimist_two_affected_entries_for_one_package() {
    let r = run(&[
        npm("minimist", "1.2.5"),
        npm("minimist", "0.2.3"),
        npm("minimist", "0.2.4"),
        npm("minimist", "1.2.6"),
        npm("minimist", "1.0.0"),
    ]);
    assert_eq!(
        fixed_of(&r, "minimist", "1.2.5", "GHSA-xvch-5gv4-984h"),
        ["1.2.6"]
    );
    assert_eq!(
        fixed_of(&r, "minimist", "0.2.3", "GHSA-xvch-5gv4-984h"),
        ["0.2.4"]
    );
    assert_eq!(
        fixed_of(&r, "minimist", "1.0.0", "GHSA-xvch-5gv4-984h"),
        ["1.2.6"]
    );
    assert!(of(&r, "minimist", "0.2.4").is_empty());
    assert!(of(&r, "minimist", "1.2.6").is_empty());
    let v = of(&r, "minimist", "0.2.3")[0];
    assert_eq!(v.upgrade_to.as_deref(), Some("0.2.4"));
    assert_eq!((v.score, v.severity), (Some(9.8), Some(VulnSeverity::Critical)));
}

#[test]
fn requests_ghsa_and_pysec_merge_by_alias_pypi_names_normalised() {
    let r = run(&[
        pypi("Requests", "2.19.1"),
        pypi("requests", "2.28.0"),
        pypi("requests", "2.31.0"),
    ]);
    let new = of(&r, "requests", "2.28.0");
    assert_eq!(ids(&new), ["GHSA-j8r2-6x86-q33q"], "GHSA and PYSEC are one entry");
    assert_eq!(new[0].aliases, ["CVE-2023-32681", "PYSEC-2023-74"]);
    assert_eq!(new[0].severity, Some(VulnSeverity::Medium));
    assert_eq!(new[0].score, Some(6.1));
    assert_eq!(new[0].fixed, ["2.31.0"]);
    let old = of(&r, "Requests", "2.19.1");
    assert_eq!(ids(&old), ["GHSA-j8r2-6x86-q33q", "GHSA-x84v-xcm2-53pg"]);
    assert_eq!(old[1].fixed, ["2.20.0"]);
    assert_eq!(old[1].severity, Some(VulnSeverity::High));
    assert!(old.iter().all(|v| v.upgrade_to.as_deref() == Some("2.31.0")));
    assert!(of(&r, "requests", "2.31.0").is_empty());
    // GIT range of PYSEC (introduced "0") does not make 2.2 affected.
    let r = run(&[pypi("requests", "2.2.1")]);
    assert_eq!(ids(&of(&r, "requests", "2.2.1")), ["GHSA-x84v-xcm2-53pg"]);
}

#[test]
fn smallvec_crates_io_ranges() {
    let r = run(&[
        cargo("smallvec", "1.6.0"),
        cargo("smallvec", "0.6.13"),
        cargo("smallvec", "1.6.1"),
        cargo("smallvec", "0.6.2"),
    ]);
    let v = of(&r, "smallvec", "1.6.0");
    assert_eq!(ids(&v), ["GHSA-43w2-9j62-hq99"]);
    assert_eq!(v[0].fixed, ["1.6.1"]);
    assert_eq!(v[0].upgrade_to.as_deref(), Some("1.6.1"));
    assert_eq!(v[0].lockfile, "Cargo.lock");
    assert_eq!(
        fixed_of(&r, "smallvec", "0.6.13", "GHSA-43w2-9j62-hq99"),
        ["0.6.14"]
    );
    assert!(of(&r, "smallvec", "1.6.1").is_empty());
    assert!(of(&r, "smallvec", "0.6.2").is_empty());
}

#[test]
fn last_affected_closes_the_range_with_no_fix_and_no_upgrade() {
    let r = run(&[
        npm("la-pkg", "1.4.2"),
        npm("la-pkg", "1.4.3"),
        npm("la-pkg", "0.9.0"),
        npm("la-pkg", "1.0.0"),
    ]);
    let v = of(&r, "la-pkg", "1.4.2");
    assert_eq!(ids(&v), ["EDGE-LAST-1"]);
    assert!(v[0].fixed.is_empty());
    assert_eq!(v[0].upgrade_to, None);
    assert_eq!(
        v[0].severity,
        Some(VulnSeverity::Low),
        "database rating when no CVSS"
    );
    assert_eq!(v[0].score, None);
    assert_eq!(ids(&of(&r, "la-pkg", "1.0.0")), ["EDGE-LAST-1"]);
    assert!(of(&r, "la-pkg", "1.4.3").is_empty());
    assert!(of(&r, "la-pkg", "0.9.0").is_empty());
}

#[test]
fn limit_caps_a_range_and_star_is_infinity() {
    let r = run(&[
        npm("limit-pkg", "1.9.9"),
        npm("limit-pkg", "2.0.0"),
        npm("limit-pkg", "3.0.0"),
        npm("limit-pkg", "5.1.0"),
        npm("limit-pkg", "v1.0.0"),
    ]);
    assert_eq!(ids(&of(&r, "limit-pkg", "1.9.9")), ["EDGE-LIMIT-1"]);
    assert_eq!(
        ids(&of(&r, "limit-pkg", "v1.0.0")),
        ["EDGE-LIMIT-1"],
        "npm's v prefix"
    );
    assert!(of(&r, "limit-pkg", "2.0.0").is_empty());
    assert!(of(&r, "limit-pkg", "3.0.0").is_empty());
    assert_eq!(ids(&of(&r, "limit-pkg", "5.1.0")), ["EDGE-LIMIT-1"]);
    assert!(of(&r, "limit-pkg", "1.9.9")[0].fixed.is_empty());
}

#[test]
fn explicit_versions_list_in_pep440_equality() {
    let r = run(&[
        pypi("versions.pkg", "1.1.post1"),
        pypi("Versions-Pkg", "1.0.0"),
        pypi("versions_pkg", "1.1"),
    ]);
    assert_eq!(ids(&of(&r, "versions.pkg", "1.1.post1")), ["EDGE-VERSIONS-1"]);
    let v = of(&r, "Versions-Pkg", "1.0.0");
    assert_eq!(ids(&v), ["EDGE-VERSIONS-1"], "1.0.0 == 1.0 in PEP 440");
    assert_eq!(
        v[0].severity,
        Some(VulnSeverity::Medium),
        "GHSA's MODERATE is medium"
    );
    assert!(of(&r, "versions_pkg", "1.1").is_empty());
}

#[test]
fn semver_ranges_order_prereleases_and_ignore_git_ranges() {
    let r = run(&[
        cargo("semver-pkg", "1.0.0-beta.3"),
        cargo("semver-pkg", "1.0.0-alpha.1"),
        cargo("semver-pkg", "1.0.0-alpha"),
        cargo("semver-pkg", "1.0.0-rc.2"),
        cargo("semver-pkg", "1.0.0"),
        cargo("semver-pkg", "0.9.0"),
    ]);
    let v = of(&r, "semver-pkg", "1.0.0-beta.3");
    assert_eq!(ids(&v), ["EDGE-SEMVER-1"]);
    assert_eq!(v[0].fixed, ["1.0.0-rc.2"]);
    assert_eq!(v[0].upgrade_to.as_deref(), Some("1.0.0-rc.2"));
    assert_eq!(ids(&of(&r, "semver-pkg", "1.0.0-alpha.1")), ["EDGE-SEMVER-1"]);
    for clean in ["1.0.0-alpha", "1.0.0-rc.2", "1.0.0", "0.9.0"] {
        assert!(of(&r, "semver-pkg", clean).is_empty(), "{clean}");
    }
}

#[test]
fn pep440_post_local_and_dev_releases() {
    let r = run(&[
        pypi("pep-pkg", "2.0"),
        pypi("pep-pkg", "2.0+local.1"),
        pypi("pep-pkg", "2.0.post1"),
        pypi("pep-pkg", "2.1.dev0"),
        pypi("pep-pkg", "1.0.dev3"),
        pypi("pep-pkg", "3.0a2"),
        pypi("pep-pkg", "3.0.dev0"),
        pypi("pep-pkg", "3.0"),
    ]);
    assert_eq!(fixed_of(&r, "pep-pkg", "2.0", "EDGE-PEP440-1"), ["2.0.post1"]);
    assert_eq!(
        fixed_of(&r, "pep-pkg", "2.0+local.1", "EDGE-PEP440-1"),
        ["2.0.post1"]
    );
    assert_eq!(
        fixed_of(&r, "pep-pkg", "1.0.dev3", "EDGE-PEP440-1"),
        ["2.0.post1"]
    );
    assert_eq!(fixed_of(&r, "pep-pkg", "3.0a2", "EDGE-PEP440-1"), ["3.0rc1"]);
    assert_eq!(
        of(&r, "pep-pkg", "3.0a2")[0].upgrade_to.as_deref(),
        Some("3.0rc1")
    );
    for clean in ["2.0.post1", "2.1.dev0", "3.0.dev0", "3.0"] {
        assert!(of(&r, "pep-pkg", clean).is_empty(), "{clean}");
    }
}

#[test]
fn alias_chain_merges_transitively_but_related_does_not() {
    let r = run(&[
        npm("chain-pkg", "0.4.0"),
        npm("chain-pkg", "0.6.0"),
        npm("chain-pkg", "1.3.0"),
    ]);
    let v = of(&r, "chain-pkg", "0.4.0");
    assert_eq!(ids(&v), ["EDGE-CHAIN-A", "EDGE-RELATED-1"]);
    let merged = v[0];
    assert_eq!(merged.aliases, ["EDGE-CHAIN-B", "EDGE-CHAIN-C"]);
    assert_eq!(
        merged.severity,
        Some(VulnSeverity::High),
        "the worst of the group"
    );
    assert_eq!(merged.fixed, ["1.0.0", "1.1.0"], "C is closed by last_affected");
    assert_eq!(merged.summary.as_deref(), Some("chain head"));
    // Every candidate fix is at or below C's last_affected 1.2.0.
    assert!(v.iter().all(|x| x.upgrade_to.is_none()));
    assert_eq!(ids(&of(&r, "chain-pkg", "0.6.0")), ["EDGE-CHAIN-A"]);
    assert!(of(&r, "chain-pkg", "1.3.0").is_empty());
}

#[test]
fn cvss_v4_on_the_affected_entry_wins_over_v3_and_database_rating() {
    let r = run(&[npm("v4-pkg", "1.0.0")]);
    let v = of(&r, "v4-pkg", "1.0.0")[0];
    assert_eq!(
        v.cvss.as_deref(),
        Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    );
    assert_eq!(v.score, Some(9.3));
    assert_eq!(v.severity, Some(VulnSeverity::Critical));
}

#[test]
fn one_entry_per_lockfile_sorted_and_duplicates_counted_once() {
    let mut in_web = npm("lodash", "4.17.15");
    in_web.lockfile = "web/package-lock.json".into();
    in_web.via = vec!["web".into(), "lodash".into()];
    let pkgs = vec![
        npm("minimist", "1.2.5"),
        in_web.clone(),
        npm("lodash", "4.17.15"),
        npm("lodash", "4.17.15"),
        npm("left-pad", "1.3.0"),
    ];
    let r = run(&pkgs);
    assert_eq!(r.packages_scanned, 4);
    assert_eq!(r.lockfiles, ["package-lock.json", "web/package-lock.json"]);
    let order: Vec<(&str, &str, &str)> = r
        .vulnerabilities
        .iter()
        .map(|v| (v.lockfile.as_str(), v.package.as_str(), v.id.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("package-lock.json", "lodash", "GHSA-35jh-r3h4-6jhm"),
            ("package-lock.json", "lodash", "GHSA-p6mc-m468-83gw"),
            ("package-lock.json", "minimist", "GHSA-xvch-5gv4-984h"),
            ("web/package-lock.json", "lodash", "GHSA-35jh-r3h4-6jhm"),
            ("web/package-lock.json", "lodash", "GHSA-p6mc-m468-83gw"),
        ]
    );
    assert_eq!(r.vulnerabilities[3].via, ["web", "lodash"]);
    // Same input in another order: the same report.
    let mut rev = pkgs.clone();
    rev.reverse();
    assert_eq!(run(&rev).vulnerabilities, r.vulnerabilities);
}

#[test]
fn ecosystems_do_not_cross_and_unparsable_versions_match_nothing() {
    // lodash on PyPI is not npm's lodash; a git-sha "version" parses in no
    // scheme and meets only explicit `versions` lists.
    let r = run(&[
        pypi("lodash", "1.0.0"),
        npm("lodash", "github:lodash/lodash#abc123"),
    ]);
    assert!(r.vulnerabilities.is_empty());
    assert_eq!(r.packages_scanned, 2);
}

#[test]
fn report_json_shape() {
    let r = run(&[npm("la-pkg", "1.4.2")]);
    let j = serde_json::to_value(&r).unwrap();
    let v = &j["vulnerabilities"][0];
    assert_eq!(v["ecosystem"], "npm");
    assert_eq!(v["severity"], "low");
    assert!(v["score"].is_null());
    assert!(v["upgrade_to"].is_null());
    assert_eq!(v["fixed"], serde_json::json!([]));
    assert_eq!(j["packages_scanned"], 1);
}

#[test]
fn cancelled_scan_stops() {
    let (cancel, p) = cancellable_progress();
    cancel.cancel();
    let err = match_packages(&broad_packages(), &AdvisorySource::Records(fixtures()), &p).unwrap_err();
    assert_eq!(err.code(), "job.cancelled");
}
