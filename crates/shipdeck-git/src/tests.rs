use super::*;
use git2::Signature;

/// A repository with commits c1..cn on main; returns it and their ids.
fn repo_with_commits(n: usize) -> (tempfile::TempDir, Repository, Vec<Oid>) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let mut ids = Vec::new();
    {
        let tree = repo
            .find_tree(repo.index().unwrap().write_tree().unwrap())
            .unwrap();
        for i in 0..n {
            let sig = Signature::new(
                "T",
                "t@example.com",
                &git2::Time::new(1_700_000_000 + i as i64 * 60, 0),
            )
            .unwrap();
            let parents: Vec<git2::Commit> = ids
                .last()
                .map(|p| repo.find_commit(*p).unwrap())
                .into_iter()
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            ids.push(
                repo.commit(Some("HEAD"), &sig, &sig, &format!("c{i}"), &tree, &refs)
                    .unwrap(),
            );
        }
    }
    (dir, repo, ids)
}

fn light(repo: &Repository, name: &str, at: Oid) {
    repo.tag_lightweight(name, &repo.find_object(at, None).unwrap(), false)
        .unwrap();
}

fn annotated(repo: &Repository, name: &str, at: Oid) {
    let sig = Signature::now("T", "t@example.com").unwrap();
    repo.tag(name, &repo.find_object(at, None).unwrap(), &sig, "notes", false)
        .unwrap();
}

#[test]
fn tags_lead_to_their_commit_through_annotated_and_lightweight_tags() {
    let (_d, repo, ids) = repo_with_commits(3);
    light(&repo, "v1.0.0", ids[0]);
    annotated(&repo, "v1.1.0", ids[1]);
    // A tag of a tree names no commit and is left out.
    let tree = repo.find_commit(ids[2]).unwrap().tree_id();
    light(&repo, "tree-tag", tree);
    let tags = tag_commits(&repo).unwrap();
    let names: Vec<_> = tags.iter().map(|t| (t.name.as_str(), t.commit)).collect();
    assert_eq!(names, vec![("v1.0.0", ids[0]), ("v1.1.0", ids[1])]);
    assert_eq!(tags[1].time, 1_700_000_060);
}

#[test]
fn version_tags_come_highest_first_and_skip_other_names() {
    let (_d, repo, ids) = repo_with_commits(3);
    light(&repo, "v1.2.0", ids[0]);
    annotated(&repo, "v1.10.0", ids[1]);
    light(&repo, "v1.10.0-rc.1", ids[1]);
    light(&repo, "nightly", ids[2]);
    let tags = version_tags(&repo, parse_version_tag).unwrap();
    let got: Vec<String> = tags.iter().map(|t| t.version.to_string()).collect();
    // Semantic order, not name order: 1.10.0 > 1.10.0-rc.1 > 1.2.0.
    assert_eq!(got, vec!["1.10.0", "1.10.0-rc.1", "1.2.0"]);
    assert_eq!(tags[0].commit, ids[1]);
}

#[test]
fn a_package_pattern_picks_only_that_packages_tags() {
    let (_d, repo, ids) = repo_with_commits(2);
    light(&repo, "api-v0.3.0", ids[0]);
    light(&repo, "web-v2.0.0", ids[1]);
    let re = Regex::new(r"^api-v(?P<version>.+)$").unwrap();
    let tags = version_tags(&repo, |n| version_in(&re, n)).unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(
        (tags[0].name.as_str(), tags[0].version.to_string()),
        ("api-v0.3.0", "0.3.0".into())
    );
}

#[test]
fn version_tag_names() {
    assert_eq!(parse_version_tag("v1.2.3").unwrap().to_string(), "1.2.3");
    assert_eq!(parse_version_tag("1.4.0-rc.1").unwrap().to_string(), "1.4.0-rc.1");
    assert_eq!(parse_version_tag("api-v0.3.0").unwrap().to_string(), "0.3.0");
    assert_eq!(parse_version_tag("web@2.0.0").unwrap().to_string(), "2.0.0");
    assert!(parse_version_tag("release-2024").is_none());
    assert!(parse_version_tag("v1.2").is_none());
}

#[test]
fn tags_at_head_and_reachable_tags() {
    let (_d, repo, ids) = repo_with_commits(3);
    light(&repo, "v1.0.0", ids[0]);
    annotated(&repo, "v2.0.0", ids[2]);
    light(&repo, "latest", ids[2]);
    assert_eq!(tags_at(&repo, ids[2]).unwrap(), vec!["latest", "v2.0.0"]);
    assert!(tags_at(&repo, ids[1]).unwrap().is_empty());
    // A tag on a side branch HEAD does not contain.
    let sig = Signature::now("T", "t@example.com").unwrap();
    let tree = repo.find_commit(ids[0]).unwrap().tree().unwrap();
    let side = repo
        .commit(
            None,
            &sig,
            &sig,
            "side",
            &tree,
            &[&repo.find_commit(ids[0]).unwrap()],
        )
        .unwrap();
    light(&repo, "v9.0.0", side);
    let mut reachable = reachable_tags(&repo).unwrap();
    reachable.sort();
    assert_eq!(reachable, vec!["latest", "v1.0.0", "v2.0.0"]);
    let head = head_commit(&repo).unwrap().unwrap();
    let candidates: Vec<_> = version_tags(&repo, parse_version_tag)
        .unwrap()
        .into_iter()
        .map(|t| (t.commit, t.version, t.name))
        .collect();
    let best = highest_reachable(&repo, head, candidates).unwrap().unwrap();
    assert_eq!(best.2, "v2.0.0", "v9.0.0 is higher but not in HEAD's history");
}

#[test]
fn head_and_commit_counts() {
    let dir = tempfile::tempdir().unwrap();
    let empty = Repository::init(dir.path()).unwrap();
    assert_eq!(
        head_commit(&empty).unwrap(),
        None,
        "an unborn branch has no HEAD commit"
    );
    assert!(reachable_tags(&empty).unwrap().is_empty());
    let (_d, repo, ids) = repo_with_commits(4);
    assert_eq!(count_commits(&repo, ids[3], None).unwrap(), 4);
    assert_eq!(count_commits(&repo, ids[3], Some(ids[1])).unwrap(), 2);
}
