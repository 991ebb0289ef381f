//! What a plan is made of: the environment and its deploy table, the
//! versions (`from`: what the health endpoint reports, else the latest
//! release; `to`: the release before it), the schema the target release
//! expects and the migrations to undo.

use std::path::Path;
use std::time::Duration;

use super::super::Shipdeck;
use super::DatabaseChoice;
use crate::config::{Config, DeployConfig, EnvironmentConfig};
use crate::environments::health::{check_health, parse_timeout};
use crate::error::{Error, Result};
use crate::releases::history::{releases, ReleaseEntry};
use crate::rollback::plan::{build, PlanInput, SchemaSource, Undo};
use crate::rollback::platform::{check_env_name, check_version, rollback_action};
use crate::rollback::{RollbackError, RollbackPlan};
use crate::workspace::Workspace;

/// A down file is read up to this size.
const MAX_DOWN_FILE: u64 = 256 * 1024;

/// A plan and what running it needs.
pub(super) struct Prepared {
    pub ws: Workspace,
    pub plan: RollbackPlan,
    pub input: PlanInput,
    pub env: EnvironmentConfig,
    pub deploy: DeployConfig,
    pub package: String,
    /// The commit the target release's tag points at.
    pub to_sha: String,
    pub verify_timeout: Duration,
}

fn find_env(config: &Config, name: &str) -> Result<(EnvironmentConfig, DeployConfig)> {
    check_env_name(name).map_err(Error::area)?;
    let envs = &config.environments.envs;
    let (_, env) = envs.iter().find(|(n, _)| n == name).ok_or_else(|| {
        Error::area(RollbackError::UnknownEnv {
            name: name.to_string(),
            known: envs
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    })?;
    let deploy = env.deploy.clone().ok_or_else(|| {
        Error::area(RollbackError::NoDeploy {
            env: name.to_string(),
        })
    })?;
    Ok((env.clone(), deploy))
}

/// The releases of one package (the first), newest first.
async fn release_list(ws: &Workspace, config: &Config) -> Result<Vec<ReleaseEntry>> {
    let root = ws.root.clone();
    let config = config.clone();
    let all = tokio::task::spawn_blocking(move || {
        let repo = git2::Repository::open(&root)?;
        releases(&repo, &root, Some(&config))
    })
    .await??;
    let package = all.first().map(|r| r.package.clone());
    Ok(all
        .into_iter()
        .filter(|r| Some(&r.package) == package.as_ref())
        .collect())
}

pub(super) fn http_client() -> Result<reqwest::Client> {
    crate::net::client_builder()
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))
}

pub(super) fn bare(v: &str) -> &str {
    v.strip_prefix('v').unwrap_or(v)
}

fn unknown(version: &str, list: &[ReleaseEntry]) -> Error {
    let known: Vec<&str> = list.iter().take(20).map(|r| r.version.as_str()).collect();
    Error::area(RollbackError::UnknownVersion {
        version: version.to_string(),
        known: if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        },
    })
}

/// `from` and the index of `to` in `list`.
fn versions(
    list: &[ReleaseEntry],
    reported: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<String>, usize)> {
    let from = reported
        .map(bare)
        .filter(|v| list.iter().any(|r| r.version == *v))
        .map(str::to_string)
        .or_else(|| list.first().map(|r| r.version.clone()));
    let index = match to {
        Some(to) => {
            check_version(to).map_err(Error::area)?;
            list.iter()
                .position(|r| r.version == bare(to))
                .ok_or_else(|| unknown(to, list))?
        }
        None => {
            let from = from.clone().ok_or_else(|| unknown("(previous)", list))?;
            let at = list.iter().position(|r| r.version == from).unwrap_or(0);
            if at + 1 >= list.len() {
                return Err(Error::area(RollbackError::NoPrevious { from }));
            }
            at + 1
        }
    };
    Ok((from, index))
}

/// The releases strictly between `from` and the one at `to`.
fn between(list: &[ReleaseEntry], from: Option<&str>, to: usize) -> Vec<String> {
    let Some(at) = from.and_then(|f| list.iter().position(|r| r.version == f)) else {
        return Vec::new();
    };
    list.get(at + 1..to)
        .unwrap_or_default()
        .iter()
        .map(|r| r.version.clone())
        .collect()
}

/// The highest migration version in `folder` in the tree of `sha`.
pub(super) fn schema_in_tree(root: &Path, sha: &str, folder: &str) -> Result<i64> {
    let repo = git2::Repository::open(root)?;
    let commit = repo.find_commit(git2::Oid::from_str(sha)?)?;
    let tree = commit.tree()?;
    let entry = match tree.get_path(Path::new(folder.trim_start_matches("./"))) {
        Ok(e) => e,
        Err(_) => return Ok(0),
    };
    let Ok(sub) = repo.find_tree(entry.id()) else {
        return Ok(0);
    };
    Ok(sub
        .iter()
        .filter_map(|e| {
            let name = e.name()?;
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            (name.ends_with(".sql") && !digits.is_empty()).then(|| digits.parse::<i64>().ok())?
        })
        .max()
        .unwrap_or(0))
}

impl Shipdeck {
    /// Records, per database, the highest migration in the tree of each
    /// release tag (`(package, version, tag)`): the schema a rollback to that
    /// release goes back to. A failure is logged; the release stands.
    pub(crate) async fn record_release_schemas(&self, ws: &Workspace, tags: Vec<(String, String, String)>) {
        let Ok(config) = ws.config_or_default() else {
            return;
        };
        let folders: Vec<(String, String)> = config
            .databases
            .iter()
            .map(|(n, d)| {
                (
                    n.clone(),
                    d.migrations.clone().unwrap_or_else(|| "migrations".into()),
                )
            })
            .collect();
        let root = ws.root.clone();
        let found = tokio::task::spawn_blocking(move || -> Result<Vec<(String, String, String, i64)>> {
            let repo = git2::Repository::open(&root)?;
            let mut out = Vec::new();
            for (package, version, tag) in &tags {
                let sha = repo
                    .revparse_single(&format!("refs/tags/{tag}"))?
                    .peel_to_commit()?
                    .id()
                    .to_string();
                for (db, folder) in &folders {
                    out.push((
                        package.clone(),
                        version.clone(),
                        db.clone(),
                        schema_in_tree(&root, &sha, folder)?,
                    ));
                }
            }
            Ok(out)
        })
        .await;
        let rows = match found {
            Ok(Ok(rows)) => rows,
            Ok(Err(e)) => return tracing::warn!(error = %e, "release schema not recorded"),
            Err(e) => return tracing::warn!(error = %e, "release schema not recorded"),
        };
        for (package, version, db, v) in rows {
            if let Err(e) = self
                .store_ref()
                .record_release_schema(&ws.id, &package, &version, &db, v)
                .await
            {
                tracing::warn!(error = %e, "release schema not recorded");
            }
        }
    }

    pub(super) async fn prepare(&self, path: &Path, env_name: &str, to: Option<&str>) -> Result<Prepared> {
        let ws = self.workspace(path).await?;
        let config = ws.config_or_default()?;
        let (env, deploy) = find_env(&config, env_name)?;
        let list = release_list(&ws, &config).await?;
        let reported = match env.health_url {
            Some(_) => check_health(&http_client()?, env_name, &env).await.version,
            None => None,
        };
        let (from, index) = versions(&list, reported.as_deref(), to)?;
        let target = &list[index];
        let verify_timeout = parse_timeout(Some(config.rollback.verify_timeout.as_deref().unwrap_or("2m")))
            .map_err(|reason| Error::InvalidInput {
            field: "rollback.verify_timeout",
            reason,
        })?;
        let mut input = PlanInput {
            env: env_name.to_string(),
            from: from.clone(),
            to: target.version.clone(),
            deploy: rollback_action(&deploy, env_name, from.as_deref(), &target.version)
                .map_err(Error::area)?,
            database: None,
            schema: None,
            undo: Vec::new(),
            health_url: env.health_url.clone(),
            verify_timeout_secs: verify_timeout.as_secs(),
            between: between(&list, from.as_deref(), index),
        };
        if from.as_deref() == Some(target.version.as_str()) {
            input.from = None;
        }
        if let Some((db, cfg)) = config.databases.iter().next() {
            let folder = cfg.migrations.clone().unwrap_or_else(|| "migrations".into());
            self.database_part(&ws, db, &folder, &target.sha, &mut input)
                .await?;
        }
        Ok(Prepared {
            plan: build(&input),
            ws,
            input,
            env,
            deploy,
            package: target.package.clone(),
            to_sha: target.sha.clone(),
            verify_timeout,
        })
    }

    /// The schema target (recorded, else read from the tag's tree) and the
    /// applied migrations above it, newest first, with their down SQL.
    async fn database_part(
        &self,
        ws: &Workspace,
        db: &str,
        folder: &str,
        sha: &str,
        input: &mut PlanInput,
    ) -> Result<()> {
        let recorded = self.store_ref().release_schema(&ws.id, &input.to, db).await?;
        let schema = match recorded {
            Some(v) => (v, SchemaSource::Recorded),
            None => {
                let (root, sha, folder) = (ws.root.clone(), sha.to_string(), folder.to_string());
                let v = tokio::task::spawn_blocking(move || schema_in_tree(&root, &sha, &folder)).await??;
                (v, SchemaSource::TagTree)
            }
        };
        let choice = DatabaseChoice {
            database: Some(db.to_string()),
            url: None,
        };
        let status = self.migrate_status(&ws.root, &choice).await?;
        let mut rows: Vec<_> = status
            .migrations
            .iter()
            .filter(|r| r.applied && r.version > schema.0)
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.version));
        for r in rows {
            let down_sql = match (&r.file, r.reversible) {
                (Some(up), true) => read_down(&ws.root, up),
                _ => None,
            };
            input.undo.push(Undo {
                version: r.version,
                description: r.description.clone(),
                down_sql,
            });
        }
        input.database = Some(db.to_string());
        input.schema = Some(schema);
        Ok(())
    }
}

/// The `.down.sql` beside an `.up.sql` (relative to the workspace), read
/// up to a bound; `None` when there is none or it is outside the workspace.
fn read_down(root: &Path, up: &str) -> Option<String> {
    let down = up.strip_suffix(".up.sql")?.to_string() + ".down.sql";
    let path = crate::workspace::inside(root, "migration", &down).ok()?;
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_DOWN_FILE)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(v: &str) -> ReleaseEntry {
        ReleaseEntry {
            package: "orbit".into(),
            version: v.into(),
            tag: format!("v{v}"),
            sha: "0".repeat(40),
            date: 0,
            commits: 1,
            prerelease: false,
        }
    }

    #[test]
    fn to_defaults_to_the_release_before_the_one_reported() {
        let list = vec![entry("1.2.0"), entry("1.1.0"), entry("1.0.0")];
        assert_eq!(
            versions(&list, Some("v1.1.0"), None).unwrap(),
            (Some("1.1.0".into()), 2)
        );
        assert_eq!(versions(&list, None, None).unwrap(), (Some("1.2.0".into()), 1));
        let e = versions(&list, None, Some("0.9.0")).unwrap_err();
        assert_eq!(e.code(), "rollback.unknown_version");
        assert!(e.hint().unwrap().contains("1.2.0, 1.1.0, 1.0.0"));
        assert_eq!(
            versions(&list, None, Some("1.0;id")).unwrap_err().code(),
            "rollback.invalid_version"
        );
    }
}
