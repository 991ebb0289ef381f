//! The Releases area through the CLI, on repositories built with git2.

mod changelog;
mod conventions;
mod cut;
mod expect;
pub(crate) mod forge_server;
mod peers;
mod plan;
mod publish;
mod sign;

use crate::util::{Env, Repo};

/// A single-package repository at v1.0.0 with a Cargo manifest and a
/// package.json, both versioned.
pub fn released_repo(env: &Env) -> Repo {
    let mut r = Repo::init(&env.path("app"));
    r.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"1.0.0\" # the version\nedition = \"2021\"\n",
    );
    r.write(
        "package.json",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\"\n}\n",
    );
    r.write("src/lib.rs", "");
    r.commit("feat: first");
    r.tag("v1.0.0");
    r
}

pub fn plan_json(env: &Env, r: &Repo, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["-C", r.root_str(), "release", "plan", "--json"];
    args.extend_from_slice(extra);
    env.json(&args, 0)
}

/// The plan of the only package.
pub fn package(env: &Env, r: &Repo, extra: &[&str]) -> serde_json::Value {
    plan_json(env, r, extra)["packages"][0].clone()
}
