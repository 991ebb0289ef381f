#!/usr/bin/env python3
"""Generates the bench/deps data: three local registries and a workspace.

    gen.py OUT PORT [--npm 300] [--crates 100] [--pypi 50] [--seed 1]

OUT/registry holds what serve.py answers with:
  npm/<name, scope `/` as %2f>.json    full packuments
  crates/<sparse index path>, config.json
  pypi/<normalized name>.json          PEP 691 project pages
OUT/ws is the workspace: package.json + package-lock.json, Cargo.toml +
Cargo.lock, pyproject.toml + uv.lock, .npmrc and .cargo/config.toml naming
the local registries on 127.0.0.1:PORT, shipdeck.toml naming its OSV API.

Every package is derived from one of the real registry documents the
dependencies tests use (crates/shipdeck-dependencies/tests/fixtures): its
versions, publication times, dist-tags, deprecations, engines, yanks and
file names are the real ones, under a new name. Those fixtures are trimmed to
the fields Shipdeck reads, so each npm version is padded back to the shape
of a full packument (description, scripts, dependencies, maintainers, dist
signatures…, generated) and each packument gets a README, as the public
registry serves them: parse time depends on the document's size.
"""
import argparse
import hashlib
import json
import os
import random
import re

GENERATOR_VERSION = 1
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "crates", "shipdeck-dependencies", "tests", "fixtures")
WORDS = ("parse format stream buffer event color string array object value cache "
         "request response queue timer path file module plugin config option").split()


def stable(v):
    """Non-prerelease version strings of a template, oldest first."""
    return [x for x in v if re.fullmatch(r"\d+\.\d+\.\d+", x)]


def semver_key(v):
    core = re.match(r"(\d+)\.(\d+)\.(\d+)", v)
    return tuple(int(x) for x in core.groups()) if core else (0, 0, 0)


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def npm_version(rng, name, base, port, i):
    """A version entry of a full packument: the fixture's fields kept, the
    rest generated with the shape the public registry gives them."""
    v = dict(base)
    ver = v["version"]
    v["name"] = name
    tar = name.split("/")[-1]
    v["dist"] = {
        "integrity": base.get("dist", {}).get("integrity", "sha512-" + "A" * 86 + "=="),
        "shasum": base.get("dist", {}).get("shasum", hashlib.sha1(ver.encode()).hexdigest()),
        "tarball": f"http://127.0.0.1:{port}/npm/{name}/-/{tar}-{ver}.tgz",
        "fileCount": rng.randint(4, 60),
        "unpackedSize": rng.randint(4_000, 400_000),
        "signatures": [{"keyid": "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA",
                        "sig": hashlib.sha512(f"{name}{ver}".encode()).hexdigest()[:96]}],
    }
    v["description"] = sentence(rng, 8)
    v["main"] = "index.js"
    v["license"] = "MIT"
    v["scripts"] = {"test": "node test.js", "lint": "eslint .", "build": "tsc -p ."}
    v["keywords"] = [rng.choice(WORDS) for _ in range(5)]
    v["author"] = {"name": "Bench Author", "email": "author@example.invalid"}
    v["dependencies"] = {f"dep-{rng.randint(0, 999)}": f"^{rng.randint(0, 9)}.{rng.randint(0, 9)}.0"
                         for _ in range(rng.randint(0, 5))}
    v["devDependencies"] = {f"dev-{rng.randint(0, 999)}": f"^{rng.randint(0, 20)}.0.0"
                            for _ in range(rng.randint(2, 8))}
    v["gitHead"] = hashlib.sha1(f"{name}@{ver}".encode()).hexdigest()
    v["_id"] = f"{name}@{ver}"
    v["_nodeVersion"] = "18.17.1"
    v["_npmVersion"] = "9.6.7"
    v["_npmUser"] = {"name": "bench", "email": "bench@example.invalid"}
    v["maintainers"] = [{"name": f"maintainer{k}", "email": f"m{k}@example.invalid"} for k in range(3)]
    v["directories"] = {}
    v["_hasShrinkwrap"] = False
    v["_npmOperationalInternal"] = {"host": "s3://npm-registry-packages", "tmp": f"tmp/{tar}-{ver}_{i}"}
    return v


def npm_packument(rng, tmpl, name, port, i):
    out = {k: tmpl[k] for k in ("dist-tags", "time", "repository", "homepage", "bugs") if k in tmpl}
    out["_id"] = name
    out["name"] = name
    out["versions"] = {ver: npm_version(rng, name, v, port, i) for ver, v in tmpl["versions"].items()}
    out["readme"] = "\n\n".join(sentence(rng, 60) for _ in range(40))
    out["readmeFilename"] = "README.md"
    out["maintainers"] = [{"name": f"maintainer{k}", "email": f"m{k}@example.invalid"} for k in range(3)]
    out["license"] = "MIT"
    out["users"] = {f"user{k}": True for k in range(rng.randint(0, 40))}
    return out


def pick_npm_requirement(rng, tmpl):
    """(requirement, locked version): a version 40-90% of the way through
    the template's releases, under a range of a common form."""
    versions = sorted(stable(tmpl["versions"]), key=semver_key)
    cur = versions[int(len(versions) * rng.uniform(0.4, 0.9))]
    form = rng.choice(["^", "^", "^", "~", "", ">="])
    if form == ">=":
        major = semver_key(cur)[0]
        return f">={cur} <{major + 1}.0.0", cur
    return f"{form}{cur}", cur


def gen_npm(rng, out, ws, port, n):
    names = sorted(f[:-5] for f in os.listdir(os.path.join(FIXTURES, "npm")) if f.endswith(".json"))
    templates = {t: json.load(open(os.path.join(FIXTURES, "npm", t + ".json"))) for t in names}
    deps, lock_pkgs = {}, {}
    os.makedirs(os.path.join(out, "npm"), exist_ok=True)
    for i in range(n):
        t = names[i % len(names)]
        base = t.replace("%2f", "-").lstrip("@")
        name = f"@bench/{base}-{i}" if i % 6 == 0 else f"bench-{base}-{i}"
        tmpl = templates[t]
        doc = npm_packument(rng, tmpl, name, port, i)
        with open(os.path.join(out, "npm", name.replace("/", "%2f") + ".json"), "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        req, cur = pick_npm_requirement(rng, tmpl)
        deps[name] = req
        lock_pkgs[f"node_modules/{name}"] = {
            "version": cur,
            "resolved": doc["versions"][cur]["dist"]["tarball"],
            "integrity": doc["versions"][cur]["dist"]["integrity"],
        }
    pkg = {"name": "bench-ws", "version": "1.0.0", "private": True, "dependencies": deps}
    lock = {"name": "bench-ws", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
            "packages": {"": {"name": "bench-ws", "version": "1.0.0", "dependencies": deps}, **lock_pkgs}}
    json.dump(pkg, open(os.path.join(ws, "package.json"), "w"), indent=2)
    json.dump(lock, open(os.path.join(ws, "package-lock.json"), "w"), indent=2)
    with open(os.path.join(ws, ".npmrc"), "w") as f:
        f.write(f"registry=http://127.0.0.1:{port}/npm/\nupdate-notifier=false\nfund=false\naudit=false\n")


def crate_path(n):
    n = n.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def gen_crates(rng, out, ws, port, n):
    names = sorted(f for f in os.listdir(os.path.join(FIXTURES, "crates")) if f != "config.json")
    deps, lock = [], []
    for i in range(n):
        t = names[i % len(names)]
        name = f"bench-{t}-{i}"
        lines = []
        for line in open(os.path.join(FIXTURES, "crates", t)):
            if not line.strip():
                continue
            e = json.loads(line)
            e["name"] = name
            # The sparse index's own shape: each version lists its dependencies and features.
            e["deps"] = [{"name": f"dep{rng.randint(0, 99)}", "req": f"^{rng.randint(0, 3)}.{rng.randint(0, 9)}",
                          "features": [], "optional": rng.random() < 0.3, "default_features": True,
                          "target": None, "kind": rng.choice(["normal", "dev"])} for _ in range(rng.randint(0, 6))]
            e["features"] = {"default": ["std"], "std": []}
            e["v"] = 2
            lines.append(json.dumps(e, separators=(",", ":")))
        path = os.path.join(out, "crates", crate_path(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write("\n".join(lines) + "\n")
        versions = [json.loads(line)["vers"] for line in lines if not json.loads(line)["yanked"]]
        versions = sorted((v for v in versions if re.fullmatch(r"\d+\.\d+\.\d+", v)), key=semver_key)
        cur = versions[int(len(versions) * rng.uniform(0.4, 0.9))]
        req = rng.choice([cur, cur, f"~{cur}", f"={cur}"])
        deps.append(f'{name} = "{req}"')
        lock.append(f'[[package]]\nname = "{name}"\nversion = "{cur}"\n'
                    f'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
                    f'checksum = "{hashlib.sha256((name + cur).encode()).hexdigest()}"\n')
    json.dump({"dl": f"http://127.0.0.1:{port}/crates/dl", "api": f"http://127.0.0.1:{port}/crates"},
              open(os.path.join(out, "crates", "config.json"), "w"))
    open(os.path.join(ws, "Cargo.toml"), "w").write(
        '[package]\nname = "bench-ws"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
        + "\n".join(deps) + "\n")
    open(os.path.join(ws, "Cargo.lock"), "w").write(
        "version = 3\n\n[[package]]\nname = \"bench-ws\"\nversion = \"0.1.0\"\n\n" + "\n".join(lock))
    os.makedirs(os.path.join(ws, ".cargo"), exist_ok=True)
    open(os.path.join(ws, ".cargo", "config.toml"), "w").write(
        '[source.crates-io]\nreplace-with = "bench"\n\n'
        f'[source.bench]\nregistry = "sparse+http://127.0.0.1:{port}/crates/"\n')


def gen_pypi(rng, out, ws, n):
    names = sorted(f[:-5] for f in os.listdir(os.path.join(FIXTURES, "pypi", "json")))
    deps, lock = [], []
    os.makedirs(os.path.join(out, "pypi"), exist_ok=True)
    for i in range(n):
        t = names[i % len(names)]
        name = f"bench-{t}-{i}"
        doc = json.load(open(os.path.join(FIXTURES, "pypi", "json", t + ".json")))
        doc["name"] = name
        for f in doc["files"]:
            # Wheels spell the name with `_`, sdists as published.
            if f["filename"].endswith(".whl"):
                f["filename"] = name.replace("-", "_") + f["filename"][len(t):]
            else:
                f["filename"] = name + f["filename"][len(t):]
            f["url"] = f["url"].replace(f"/{t}-", f"/{name}-")
        json.dump(doc, open(os.path.join(out, "pypi", name + ".json"), "w"), separators=(",", ":"))
        versions = sorted((v for v in doc["versions"] if re.fullmatch(r"\d+\.\d+(\.\d+)?", v)),
                          key=lambda v: tuple(int(x) for x in v.split(".")))
        cur = versions[int(len(versions) * rng.uniform(0.4, 0.9))]
        major = int(cur.split(".")[0])
        deps.append(rng.choice([f"{name}>={cur},<{major + 1}", f"{name}~={cur}", f"{name}=={cur}"]))
        lock.append(f'[[package]]\nname = "{name}"\nversion = "{cur}"\n'
                    f'source = {{ registry = "https://pypi.org/simple" }}\n')
    open(os.path.join(ws, "pyproject.toml"), "w").write(
        '[project]\nname = "bench-ws"\nversion = "0.1.0"\ndependencies = [\n'
        + "".join(f'    "{d}",\n' for d in deps) + "]\n")
    open(os.path.join(ws, "uv.lock"), "w").write("version = 1\n\n" + "\n".join(lock))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("port", type=int)
    ap.add_argument("--npm", type=int, default=300)
    ap.add_argument("--crates", type=int, default=100)
    ap.add_argument("--pypi", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    reg, ws = os.path.join(a.out, "registry"), os.path.join(a.out, "ws")
    os.makedirs(reg, exist_ok=True)
    os.makedirs(ws, exist_ok=True)
    gen_npm(rng, reg, ws, a.port, a.npm)
    gen_crates(rng, reg, ws, a.port, a.crates)
    gen_pypi(rng, reg, ws, a.pypi)
    open(os.path.join(ws, "shipdeck.toml"), "w").write(
        f'[security.vulns]\nosv_url = "http://127.0.0.1:{a.port}/osv"\n')


if __name__ == "__main__":
    main()
