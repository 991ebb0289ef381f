//! The deploy step per platform: the exact argv (or HTTP request) that puts
//! an environment back on a version. Commands are argv vectors, run without
//! a shell and shown with shell quoting.

use shipdeck_base::config::DeployConfig;

use crate::error::RollbackError;

/// The Render API's origin when `api_url` is not set.
pub const RENDER_API: &str = "https://api.render.com";

/// What the deploy step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployAction {
    /// A program and its arguments, exec'd in the workspace.
    Command(Vec<String>),
    /// Render's API: find the deploy of the target release, roll back to it.
    Render { api: String, service: String },
}

impl DeployAction {
    /// The command line as a shell would need it written (for display and
    /// copy-paste), or the HTTP requests.
    pub fn display(&self) -> String {
        match self {
            DeployAction::Command(argv) => shell_words::join(argv),
            DeployAction::Render { api, service } => format!(
                "GET {api}/v1/services/{service}/deploys, then POST {api}/v1/services/{service}/rollback {{\"deployId\": <the deploy of the target commit>}}"
            ),
        }
    }
}

/// Values a command template may name.
#[derive(Debug, Clone)]
pub struct Vars<'a> {
    pub version: &'a str,
    pub previous_version: Option<&'a str>,
    pub environment: &'a str,
}

/// A version as rollback names it: letters, digits, `.`, `-`, `+`, starting
/// with a letter or digit; at most 64 characters.
pub fn check_version(v: &str) -> Result<(), RollbackError> {
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if ok {
        Ok(())
    } else {
        Err(RollbackError::InvalidVersion { value: v.to_string() })
    }
}

/// An environment name: letters, digits, `-`, `_`; at most 64 characters.
pub fn check_env_name(name: &str) -> Result<(), RollbackError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(RollbackError::InvalidEnvName {
            name: name.to_string(),
        })
    }
}

/// Splits a template into words like a POSIX shell would (quotes,
/// escapes), then substitutes the placeholders inside each word: a value
/// never becomes more than the one argument it is in, and nothing is ever
/// handed to a shell.
pub fn expand_template(field: &str, template: &str, vars: &Vars<'_>) -> Result<Vec<String>, RollbackError> {
    let words = shell_words::split(template).map_err(|e| RollbackError::Template {
        field: field.to_string(),
        detail: e.to_string(),
    })?;
    if words.is_empty() {
        return Err(RollbackError::Template {
            field: field.to_string(),
            detail: "it is empty".into(),
        });
    }
    Ok(words
        .into_iter()
        .map(|w| {
            w.replace("{version}", vars.version)
                .replace("{previous_version}", vars.previous_version.unwrap_or(""))
                .replace("{environment}", vars.environment)
        })
        .collect())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The deploy step's action for `to` (the release to go back to); `from` is
/// what runs now.
pub fn rollback_action(
    deploy: &DeployConfig,
    env: &str,
    from: Option<&str>,
    to: &str,
) -> Result<DeployAction, RollbackError> {
    Ok(match deploy {
        DeployConfig::Kubernetes {
            deployment,
            namespace,
            context,
            container,
            image,
        } => {
            let mut argv = strings(&["kubectl"]);
            if let Some(c) = context {
                argv.extend(["--context".into(), c.clone()]);
            }
            if let Some(n) = namespace {
                argv.extend(["--namespace".into(), n.clone()]);
            }
            match (container, image) {
                (Some(c), Some(i)) => argv.extend([
                    "set".into(),
                    "image".into(),
                    format!("deployment/{deployment}"),
                    format!("{c}={i}:{to}"),
                ]),
                _ => argv.extend([
                    "rollout".into(),
                    "undo".into(),
                    format!("deployment/{deployment}"),
                ]),
            }
            DeployAction::Command(argv)
        }
        DeployConfig::Vercel { scope, .. } => {
            // `vercel rollback` (run in the workspace, linked to the
            // project) puts production back on its previous deployment.
            let mut argv = strings(&["vercel", "rollback", "--timeout", "5m"]);
            if let Some(s) = scope {
                argv.extend(["--scope".into(), s.clone()]);
            }
            DeployAction::Command(argv)
        }
        DeployConfig::Fly { app, image } => {
            let image = image.clone().unwrap_or_else(|| format!("registry.fly.io/{app}"));
            DeployAction::Command(vec![
                "fly".into(),
                "deploy".into(),
                "--app".into(),
                app.clone(),
                "--image".into(),
                format!("{image}:{to}"),
            ])
        }
        DeployConfig::Render { service, api_url, .. } => DeployAction::Render {
            api: api_url
                .as_deref()
                .unwrap_or(RENDER_API)
                .trim_end_matches('/')
                .to_string(),
            service: service.clone(),
        },
        DeployConfig::Command { rollback, .. } => {
            let vars = Vars {
                version: from.unwrap_or(""),
                previous_version: Some(to),
                environment: env,
            };
            DeployAction::Command(expand_template("rollback", rollback, &vars)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(d: &DeployConfig) -> String {
        rollback_action(d, "staging", Some("1.4.0"), "1.3.0")
            .unwrap()
            .display()
    }

    #[test]
    fn kubernetes_undo_and_set_image_command_lines() {
        let undo = DeployConfig::Kubernetes {
            deployment: "api".into(),
            namespace: Some("prod".into()),
            context: Some("eu-1".into()),
            container: None,
            image: None,
        };
        assert_eq!(
            cmd(&undo),
            "kubectl --context eu-1 --namespace prod rollout undo deployment/api"
        );
        let set = DeployConfig::Kubernetes {
            deployment: "api".into(),
            namespace: None,
            context: None,
            container: Some("web".into()),
            image: Some("ghcr.io/acme/api".into()),
        };
        assert_eq!(
            cmd(&set),
            "kubectl set image deployment/api 'web=ghcr.io/acme/api:1.3.0'"
        );
    }

    #[test]
    fn vercel_rolls_back_the_linked_project() {
        let v = DeployConfig::Vercel {
            project: "orbit-web".into(),
            scope: Some("acme".into()),
        };
        assert_eq!(cmd(&v), "vercel rollback --timeout 5m --scope acme");
    }

    #[test]
    fn fly_deploys_the_image_of_the_target_version() {
        let fly = DeployConfig::Fly {
            app: "orbit".into(),
            image: None,
        };
        assert_eq!(
            cmd(&fly),
            "fly deploy --app orbit --image registry.fly.io/orbit:1.3.0"
        );
    }

    #[test]
    fn a_template_with_shell_syntax_stays_one_argument() {
        let c = DeployConfig::Command {
            deploy: None,
            rollback: "./scripts/rollback.sh '{previous_version}; rm -rf /' {environment}".into(),
            timeout: None,
        };
        let DeployAction::Command(argv) = rollback_action(&c, "staging", None, "1.3.0").unwrap() else {
            panic!("a command")
        };
        assert_eq!(argv, vec!["./scripts/rollback.sh", "1.3.0; rm -rf /", "staging"]);
    }

    #[test]
    fn versions_and_env_names_with_metacharacters_are_refused() {
        assert!(check_version("1.2.3-rc.1+b5").is_ok());
        assert!(check_version("1.0;rm -rf /").is_err());
        assert!(check_version("$(id)").is_err());
        assert!(check_env_name("staging-eu_1").is_ok());
        assert!(check_env_name("prod;ls").is_err());
    }

    #[test]
    fn an_unterminated_quote_is_a_template_error() {
        let c = DeployConfig::Command {
            deploy: None,
            rollback: "sh -c 'oops".into(),
            timeout: None,
        };
        let e = rollback_action(&c, "staging", None, "1.0.0").unwrap_err();
        assert!(matches!(e, RollbackError::Template { .. }));
    }
}
