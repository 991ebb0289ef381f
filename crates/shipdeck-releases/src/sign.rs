//! Signed release commits and tags, when git config asks for them
//! (`commit.gpgsign`, `tag.gpgsign`), with OpenPGP (`gpg`) or SSH
//! (`gpg.format = ssh`, `ssh-keygen -Y sign`) — the same settings and
//! programs git itself uses, so `git verify-commit`/`verify-tag` accept the
//! result. libgit2 writes the objects; the signature comes from the program.

use std::io::Write;
use std::process::{Command, Stdio};

use super::error::ReleaseError;

#[derive(Debug, Clone)]
pub enum Signer {
    Gpg { program: String, key: Option<String> },
    Ssh { program: String, key: String },
}

fn flag(cfg: &git2::Config, name: &str) -> bool {
    cfg.get_bool(name).unwrap_or(false)
}

impl Signer {
    /// The signer git config asks for `what` (`commit` or `tag`), if any.
    pub fn for_(repo: &git2::Repository, what: &str) -> Result<Option<Signer>, ReleaseError> {
        let cfg = repo.config().map_err(|e| ReleaseError::Signing {
            detail: e.to_string(),
        })?;
        if !flag(&cfg, &format!("{what}.gpgsign")) {
            return Ok(None);
        }
        let key = cfg.get_string("user.signingkey").ok();
        match cfg.get_string("gpg.format").ok().as_deref() {
            None | Some("openpgp") => Ok(Some(Signer::Gpg {
                program: cfg.get_string("gpg.program").unwrap_or_else(|_| "gpg".into()),
                key,
            })),
            Some("ssh") => {
                let key = key.ok_or_else(|| ReleaseError::Signing {
                    detail: "gpg.format = ssh needs user.signingkey (a key file)".into(),
                })?;
                if key.starts_with("key::") || key.starts_with("ssh-") {
                    return Err(ReleaseError::Signing {
                        detail: "user.signingkey must name a key file for SSH signing".into(),
                    });
                }
                let key = match key.strip_prefix("~/") {
                    Some(rest) => std::env::var("HOME")
                        .map(|h| format!("{h}/{rest}"))
                        .unwrap_or(key),
                    None => key,
                };
                Ok(Some(Signer::Ssh {
                    program: cfg
                        .get_string("gpg.ssh.program")
                        .unwrap_or_else(|_| "ssh-keygen".into()),
                    key,
                }))
            }
            Some(other) => Err(ReleaseError::Signing {
                detail: format!("gpg.format = {other} is not supported"),
            }),
        }
    }

    /// A detached, armored signature over `payload`.
    pub fn sign(&self, payload: &[u8]) -> Result<String, ReleaseError> {
        let mut cmd = match self {
            Signer::Gpg { program, key } => {
                let mut c = Command::new(program);
                c.args(["--status-fd=2", "-bsa"]);
                if let Some(k) = key {
                    c.args(["-u", k]);
                }
                c
            }
            Signer::Ssh { program, key } => {
                let mut c = Command::new(program);
                c.args(["-Y", "sign", "-n", "git", "-f", key]);
                c
            }
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ReleaseError::Signing {
                detail: format!("cannot run {cmd:?}: {e}"),
            })?;
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(payload)
            .map_err(|e| ReleaseError::Signing {
                detail: e.to_string(),
            })?;
        let out = child.wait_with_output().map_err(|e| ReleaseError::Signing {
            detail: e.to_string(),
        })?;
        let sig = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() || !sig.contains("-----BEGIN") {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let reason = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.starts_with("[GNUPG:]"))
                .unwrap_or("no signature produced");
            return Err(ReleaseError::Signing {
                detail: reason.trim().to_string(),
            });
        }
        Ok(sig)
    }
}

/// Writes a commit, signed when `signer` is set, and returns its id. The
/// branch ref is not moved here.
pub fn commit(
    repo: &git2::Repository,
    signer: Option<&Signer>,
    sig: &git2::Signature<'_>,
    message: &str,
    tree: &git2::Tree<'_>,
    parents: &[&git2::Commit<'_>],
) -> shipdeck_base::error::Result<git2::Oid> {
    match signer {
        None => Ok(repo.commit(None, sig, sig, message, tree, parents)?),
        Some(s) => {
            let buffer = repo.commit_create_buffer(sig, sig, message, tree, parents)?;
            let content = buffer.as_str().ok_or_else(|| ReleaseError::Signing {
                detail: "commit is not UTF-8".into(),
            })?;
            let signature = s.sign(content.as_bytes())?;
            Ok(repo.commit_signed(content, &signature, None)?)
        }
    }
}

/// Creates an annotated tag (signed when `signer` is set) and its ref.
pub fn tag(
    repo: &git2::Repository,
    signer: Option<&Signer>,
    name: &str,
    target: git2::Oid,
    tagger: &git2::Signature<'_>,
    message: &str,
) -> shipdeck_base::error::Result<git2::Oid> {
    let object = repo.find_object(target, None)?;
    let Some(s) = signer else {
        return Ok(repo.tag(name, &object, tagger, message, false)?);
    };
    let when = tagger.when();
    let offset = when.offset_minutes();
    let sign = if offset < 0 { '-' } else { '+' };
    let mut body = format!(
        "object {target}\ntype {}\ntag {name}\ntagger {} <{}> {} {sign}{:02}{:02}\n\n{message}",
        object.kind().map_or("commit", |k| k.str()),
        tagger.name().unwrap_or(""),
        tagger.email().unwrap_or(""),
        when.seconds(),
        offset.abs() / 60,
        offset.abs() % 60,
    );
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let signature = s.sign(body.as_bytes())?;
    body.push_str(&signature);
    let oid = repo.odb()?.write(git2::ObjectType::Tag, body.as_bytes())?;
    repo.reference(&format!("refs/tags/{name}"), oid, false, "release: signed tag")?;
    Ok(oid)
}
