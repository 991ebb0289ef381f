#!/usr/bin/env python3
"""Test data for bench/secrets, deterministic for a given seed and scale.

    gen.py tree OUT [--scale S] [--seed N]
        OUT/tree/                a working tree (~1.1 GB at scale 1): source
                                 files of many languages, minified JS with
                                 long lines, lockfiles, binaries; an empty
                                 git repository (no commit)
        OUT/tree-truth.jsonl     planted secrets  {"file","line","kind"}
        OUT/tree-decoys.jsonl    look-alikes that are not secrets (same shape)

    gen.py history OUT [--commits N] [--seed N]
        OUT/history/             a git repository of N small commits (via git
                                 fast-import), checked out; some commits add
                                 planted secrets, some remove them
        OUT/history-truth.jsonl  {"commit","file","line","kind"}: the commit
                                 whose diff adds the secret, with its line in
                                 that commit's version of the file
        OUT/history-head.jsonl   secrets still in HEAD's tree {"file","line","kind"}
        OUT/history-decoys.jsonl decoys added by commits (same shape as truth)

Lines are 1-based. A private key is recorded at its BEGIN line.
"""
import argparse
import base64
import json
import os
import random
import string
import subprocess
import sys

GENERATOR_VERSION = 2

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


def rs(rng, alphabet, n):
    return "".join(rng.choices(alphabet, k=n))


# --- planted secrets: kind -> (variable name, value) --------------------------


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(rng):
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    claims = {
        "sub": str(rng.randrange(10**6, 10**9)),
        "name": rs(rng, string.ascii_lowercase, 8),
        "iat": 1_600_000_000 + rng.randrange(10**8),
        "scope": rng.choice(["admin", "read write", "deploy"]),
    }
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{b64url(rng.randbytes(32))}"


def pem_block(rng, label):
    body = base64.b64encode(rng.randbytes(rng.choice([600, 900, 1190]))).decode()
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines.append(f"-----END {label}-----")
    return lines


SECRET_KINDS = {
    "aws-access-key-id": ("aws_access_key_id", lambda r: "AKIA" + rs(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    "aws-secret-access-key": ("aws_secret_access_key", lambda r: rs(r, B64, 40)),
    "github-pat": ("github_token", lambda r: "ghp_" + rs(r, ALNUM, 36)),
    "github-fine-grained-pat": ("gh_token", lambda r: "github_pat_" + rs(r, ALNUM, 22) + "_" + rs(r, ALNUM, 59)),
    "github-oauth": ("oauth_token", lambda r: "gho_" + rs(r, ALNUM, 36)),
    "gitlab-pat": ("gitlab_token", lambda r: "glpat-" + rs(r, URLSAFE, 20)),
    "slack-bot-token": ("slack_token", lambda r: f"xoxb-{rs(r, string.digits, 12)}-{rs(r, string.digits, 13)}-{rs(r, ALNUM, 24)}"),
    "slack-webhook": ("slack_webhook_url", lambda r: f"https://hooks.slack.com/services/T{rs(r, string.ascii_uppercase + string.digits, 8)}/B{rs(r, string.ascii_uppercase + string.digits, 10)}/{rs(r, ALNUM, 24)}"),
    "stripe-live-key": ("stripe_key", lambda r: "sk_live_" + rs(r, ALNUM, 24)),
    "openai-api-key": ("openai_api_key", lambda r: "sk-proj-" + rs(r, URLSAFE, 74) + "T3BlbkFJ" + rs(r, URLSAFE, 74)),
    "anthropic-api-key": ("anthropic_api_key", lambda r: "sk-ant-api03-" + rs(r, URLSAFE, 93) + "AA"),
    "gcp-api-key": ("google_maps_key", lambda r: "AIza" + rs(r, URLSAFE, 35)),
    "sendgrid-api-key": ("sendgrid_key", lambda r: f"SG.{rs(r, URLSAFE, 22)}.{rs(r, URLSAFE, 43)}"),
    "twilio-api-key": ("twilio_key", lambda r: "SK" + rs(r, HEX, 32)),
    "npm-token": ("npm_token", lambda r: "npm_" + rs(r, ALNUM, 36)),
    "pypi-token": ("pypi_token", lambda r: "pypi-AgEIcHlwaS5vcmc" + rs(r, URLSAFE, 70)),
    "digitalocean-pat": ("do_token", lambda r: "dop_v1_" + rs(r, HEX, 64)),
    "huggingface-token": ("hf_token", lambda r: "hf_" + rs(r, string.ascii_letters, 34)),
    "jwt": ("session_jwt", jwt),
    "generic-api-key": ("api_key", lambda r: rs(r, ALNUM, 32)),
    "generic-client-secret": ("client_secret", lambda r: rs(r, ALNUM + "-_", 40)),
    "generic-password": ("db_password", lambda r: rs(r, ALNUM, 10) + rs(r, "!#%*+-", 2) + rs(r, ALNUM, 8)),
    "private-key-rsa": ("RSA PRIVATE KEY", None),
    "private-key-openssh": ("OPENSSH PRIVATE KEY", None),
    "private-key-ec": ("EC PRIVATE KEY", None),
}
SINGLE_LINE_KINDS = [k for k, (_, f) in SECRET_KINDS.items() if f]
KEY_KINDS = [k for k, (_, f) in SECRET_KINDS.items() if not f]

# Not secrets: documented examples, placeholders, references to the
# environment, identifiers and digests in secret-looking places.
JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
DECOYS = {
    "aws-example-key-id": lambda r: ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
    "aws-example-secret": lambda r: ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    "placeholder": lambda r: (
        r.choice(["api_key", "github_token", "client_secret", "password", "stripe_key"]),
        r.choice(["your-api-key-here", "<YOUR_TOKEN>", "xxxxxxxxxxxxxxxxxxxxxxxx", "changeme",
                  "REPLACE_ME", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "TODO"]),
    ),
    "env-reference": lambda r: (
        r.choice(["api_key", "token", "client_secret", "password"]),
        r.choice(["${API_KEY}", "${GITHUB_TOKEN}", "$SECRET_KEY", "{{ secrets.NPM_TOKEN }}",
                  "${{ secrets.DEPLOY_TOKEN }}", "%DB_PASSWORD%", "@API_TOKEN@"]),
    ),
    "uuid": lambda r: (r.choice(["request_id", "tenant_id", "correlation_id"]), str(_uuid(r))),
    "sha256": lambda r: (r.choice(["checksum", "sha256", "digest"]), rs(r, HEX, 64)),
    "git-sha": lambda r: (r.choice(["commit", "revision", "base_sha"]), rs(r, HEX, 40)),
    "jwt-io-example": lambda r: ("example_jwt", JWT_IO_EXAMPLE),
    "public-key": lambda r: ("PUBLIC KEY", None),
}


def _uuid(r):
    h = rs(r, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# --- filler: source-like lines per language -----------------------------------

WORDS = (
    "user order item cache queue worker config handler request response client server "
    "buffer stream parser render layout widget account invoice payment session router "
    "index value count total limit offset page field record entry batch event state "
    "node graph path file name label title color width height timeout retry status"
).split()


def ident(rng, style="snake"):
    parts = rng.sample(WORDS, rng.randint(1, 3))
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == "pascal":
        return "".join(p.title() for p in parts)
    return "_".join(parts)


def filler_pool(rng, lang, n):
    """n plausible lines of `lang`: assignments, calls, comments, control flow."""
    out = []
    for _ in range(n):
        a, b, c = ident(rng), ident(rng), ident(rng, "camel")
        num = rng.randint(0, 100000)
        s = " ".join(rng.sample(WORDS, rng.randint(2, 6)))
        t = rng.randint(0, 9)
        if lang == "py":
            line = [f"    {a} = {b}({num}, {c!r})", f"    # {s}", f"def {a}(self, {b}):",
                    f"        return self.{b}.get({s!r}, {num})", f"    if {a} > {num}:",
                    f"import {a}", f"    for {a} in {b}:", f'    log.info("{s} %s", {a})',
                    f"    {a}_token_count = len({b})", f"class {ident(rng, 'pascal')}({ident(rng, 'pascal')}):"][t]
        elif lang in ("js", "ts"):
            line = [f"  const {c} = {ident(rng, 'camel')}({num});", f"  // {s}",
                    f"export function {c}({ident(rng, 'camel')}) {{", f"  return {c}.map((x) => x + {num});",
                    f"  if ({c} === '{s}') {{", "  }", f"import {{ {c} }} from './{a}';",
                    f"  await fetch(`/api/{a}/${{{c}}}`);", f"  let keyCount = {num};",
                    f"  this.{c} = new Map();"][t]
        elif lang == "go":
            line = [f"\t{c} := {ident(rng, 'camel')}({num})", f"\t// {s}", f"func {ident(rng, 'pascal')}({c} int) error {{",
                    f"\treturn fmt.Errorf(\"{s}: %w\", err)", f"\tif {c} > {num} {{", "\t}",
                    f"\tdefer {c}.Close()", f"\tfor _, v := range {c} {{", f"\ttokenLen := len({c})",
                    f"type {ident(rng, 'pascal')} struct{{ {ident(rng, 'pascal')} string }}"][t]
        elif lang == "rs":
            line = [f"    let {a} = {b}({num});", f"    // {s}", f"pub fn {a}({b}: &str) -> Result<()> {{",
                    f"    Ok({a}.len() + {num})", f"    if {a} > {num} {{", "    }",
                    f"use crate::{a}::{ident(rng, 'pascal')};", f"    for {a} in {b}.iter() {{",
                    f"    let key_len = {a}.len();", f"#[derive(Debug, Clone)]"][t]
        elif lang == "java":
            line = [f"    int {c} = {ident(rng, 'camel')}({num});", f"    // {s}",
                    f"  public void {c}(String {ident(rng, 'camel')}) {{", f"    return {c}.size() + {num};",
                    f"    if ({c} > {num}) {{", "    }", f"import com.example.{a}.{ident(rng, 'pascal')};",
                    f"    for (var x : {c}) {{", f"    String keyName = \"{a}\";",
                    f"  private final Map<String, Integer> {c} = new HashMap<>();"][t]
        elif lang == "yaml":
            line = [f"{a}:", f"  {b}: {num}", f"  {a}: \"{s}\"", f"# {s}", f"  - name: {a}",
                    f"    image: registry.example.com/{a}:{num % 50}", f"    replicas: {num % 9}",
                    f"  token_ttl: {num}", f"  {b}_enabled: true", f"  path: /var/lib/{a}"][t]
        elif lang == "md":
            line = [f"# {s.title()}", f"The {a} calls {b} {num} times.", "", f"- {s}",
                    f"See `{c}` for details.", f"```", f"    {a} --{b} {num}", f"| {a} | {b} | {num} |",
                    f"The API key is read from the environment at startup.", f"## {s}"][t]
        elif lang == "c":
            line = [f"    int {a} = {b}({num});", f"    /* {s} */", f"static int {a}(const char *{b}) {{",
                    f"    return {a} + {num};", f"    if ({a} > {num}) {{", "    }", f"#include \"{a}.h\"",
                    f"    for (i = 0; i < {num}; i++) {{", f"    size_t key_len = strlen({b});", f"#define {a.upper()} {num}"][t]
        elif lang == "sh":
            line = [f"{a}={num}", f"# {s}", f"{a}() {{", f"  echo \"{s} ${a}\"", f"if [ \"${a}\" -gt {num} ]; then",
                    "fi", f"export {a.upper()}=/opt/{b}", f"for f in ${b}; do", f"  curl -fsS https://{a}.example.com/{b}",
                    f"done"][t]
        else:  # sql
            line = [f"CREATE TABLE {a} (id bigserial PRIMARY KEY, {b} text);", f"-- {s}",
                    f"INSERT INTO {a} ({b}) VALUES ({num});", f"SELECT {b} FROM {a} WHERE id = {num};",
                    f"ALTER TABLE {a} ADD COLUMN {b} integer;", f"CREATE INDEX ON {a} ({b});",
                    f"UPDATE {a} SET {b} = {num};", f"DELETE FROM {a} WHERE {b} < {num};",
                    f"  {b} integer NOT NULL,", ");"][t]
        out.append(line)
    return out


LANGS = {"py": "py", "js": "js", "ts": "ts", "go": "go", "rs": "rs", "java": "java", "kt": "java",
         "rb": "py", "php": "js", "c": "c", "h": "c", "cs": "java", "sh": "sh", "yaml": "yaml",
         "yml": "yaml", "md": "md", "sql": "sql", "tf": "yaml", "properties": "sh", "env": "sh"}


def assign(ext, name, value):
    """`name = value` in the syntax of files ending in `ext`."""
    lang = LANGS.get(ext, "sh")
    if lang == "py":
        return f'    {name} = "{value}"'
    if lang in ("js", "ts"):
        return f'  const {camel(name)} = "{value}";'
    if lang == "go":
        return f'\t{camel(name)} := "{value}"'
    if lang == "rs":
        return f'    let {name} = "{value}";'
    if lang in ("java", "c"):
        return f'    String {camel(name)} = "{value}";'
    if lang == "yaml":
        return f"  {name}: {value}"
    if lang == "md":
        return f"    export {name.upper()}={value}"
    if lang == "sql":
        return f"INSERT INTO settings (name, value) VALUES ('{name}', '{value}');"
    return f"{name.upper()}={value}" if ext in ("env", "properties") else f'export {name.upper()}="{value}"'


def camel(name):
    p = name.split("_")
    return p[0] + "".join(x.title() for x in p[1:])


class Planter:
    """Makes planted secret / decoy line groups and records where they land."""

    def __init__(self, rng):
        self.rng = rng

    def secret(self, ext, kind=None):
        kind = kind or self.rng.choice(SINGLE_LINE_KINDS + KEY_KINDS)
        name, make = SECRET_KINDS[kind]
        if make is None:
            lines = pem_block(self.rng, name)
            if LANGS.get(ext, "sh") not in ("yaml", "md", "sh"):
                # embedded in a string of the language, one literal per line
                lines = [f'  "{l}\\n"' for l in lines]
            return kind, lines
        return kind, [assign(ext, name, make(self.rng))]

    def decoy(self, ext):
        kind = self.rng.choice(list(DECOYS))
        name, value = DECOYS[kind](self.rng)
        if value is None:
            return kind, pem_block(self.rng, name)
        return kind, [assign(ext, name, value)]


def place(lines, groups):
    """Inserts each (kind, group_lines, tag) of `groups` at random-ish positions of
    `lines`; returns the new lines and [(line_no, kind, tag)]."""
    if not groups:
        return lines, []
    n = len(lines)
    positions = sorted((min(n, max(0, int(n * (i + 0.5) / len(groups)))), g) for i, g in enumerate(groups))
    out, marks, prev = [], [], 0
    for pos, (kind, glines, tag) in positions:
        out.extend(lines[prev:pos])
        marks.append((len(out) + 1, kind, tag))
        out.extend(glines)
        prev = pos
    out.extend(lines[prev:])
    return out, marks


# --- the tree -----------------------------------------------------------------


def gen_tree(out, scale, seed):
    rng = random.Random(seed)
    root = os.path.join(out, "tree")
    pools = {lang: filler_pool(rng, lang, 4000) for lang in sorted(set(LANGS.values()))}
    planter = Planter(rng)
    truth = open(os.path.join(out, "tree-truth.jsonl"), "w")
    decoys = open(os.path.join(out, "tree-decoys.jsonl"), "w")
    total = 0

    def write(rel, data):
        nonlocal total
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(p, mode) as f:
            f.write(data)
        total += len(data)

    def record(rel, marks):
        for line, kind, tag in marks:
            rec = json.dumps({"file": rel, "line": line, "kind": kind}) + "\n"
            (truth if tag == "secret" else decoys).write(rec)

    # Source text: ~780 MB at scale 1, 28 KB average per file.
    exts = list(LANGS)
    weights = [8, 8, 6, 6, 5, 5, 2, 3, 3, 4, 2, 2, 3, 4, 2, 3, 2, 1, 1, 1]
    text_budget = int(780e6 * scale)
    i = 0
    while text_budget > 0:
        ext = rng.choices(exts, weights)[0]
        lang = LANGS[ext]
        n_lines = rng.randint(100, 1800)
        lines = rng.choices(pools[lang], k=n_lines)
        groups = []
        r = rng.random()
        if r < 0.05:  # one file in 20 holds 1-3 planted secrets
            groups += [(*planter.secret(ext), "secret") for _ in range(rng.randint(1, 3))]
        if 0.03 < r < 0.09:
            groups += [(*planter.decoy(ext), "decoy") for _ in range(rng.randint(1, 3))]
        rng.shuffle(groups)
        lines, marks = place(lines, groups)
        pkg = f"pkg{i % 97:02d}/mod{i % 13}"
        name = ".env" if ext == "env" else f"{ident(rng)}_{i}.{ext}"
        rel = f"services/svc{i % 23}/{pkg}/{name}" if ext != "env" else f"services/svc{i % 23}/deploy{i}/.env"
        data = "\n".join(lines) + "\n"
        write(rel, data)
        record(rel, marks)
        text_budget -= len(data)
        i += 1

    # Private keys as files of their own.
    for j in range(max(4, int(40 * scale))):
        kind, lines = planter.secret("pem", rng.choice(KEY_KINDS))
        rel = f"ops/keys/deploy_{j}.pem"
        write(rel, "\n".join(lines) + "\n")
        record(rel, [(1, kind, "secret")])

    # Minified bundles: ~100 MB, lines of 200 KB - 2 MB; a few carry a key.
    js_tokens = [t.replace("\n", "") for t in pools["js"]] + [
        "function(e,t,n){", "return", "var a=", "}", ");", "null", "void 0", "!0", "!1", "t.exports=",
        f'url("data:image/png;base64,{base64.b64encode(rng.randbytes(900)).decode()}")',
        f'"sha512-{base64.b64encode(rng.randbytes(64)).decode()}"']
    min_budget = int(100e6 * scale)
    j = 0
    while min_budget > 0:
        n_lines = rng.randint(1, 4)
        lines = ["".join(rng.choices(js_tokens, k=rng.randint(4000, 40000))) for _ in range(n_lines)]
        rel = f"web/dist/app.{rs(rng, HEX, 8)}.min.js"
        marks = []
        if j % 5 == 0:  # a key inlined into a long line (line 1 + position)
            kind = rng.choice(["gcp-api-key", "stripe-live-key", "github-pat", "slack-webhook"])
            name, make = SECRET_KINDS[kind]
            at = rng.randrange(len(lines))
            cut = len(lines[at]) // 2
            lines[at] = lines[at][:cut] + f',{camel(name)}:"{make(rng)}",' + lines[at][cut:]
            marks.append((at + 1, kind, "secret"))
        data = "\n".join(lines) + "\n"
        write(rel, data)
        record(rel, marks)
        min_budget -= len(data)
        j += 1

    # Lockfiles: ~60 MB of integrity hashes and checksums.
    lock_budget = int(60e6 * scale)
    j = 0
    while lock_budget > 0:
        which = j % 4
        entries = rng.randint(500, 3000)
        if which == 0:
            rel, body = f"apps/app{j}/package-lock.json", "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n" + ",\n".join(
                f'    "node_modules/{ident(rng)}-{k}": {{\n      "version": "{rng.randint(0,9)}.{rng.randint(0,30)}.{rng.randint(0,9)}",\n'
                f'      "resolved": "https://registry.npmjs.org/{ident(rng)}/-/{ident(rng)}-1.0.{k}.tgz",\n'
                f'      "integrity": "sha512-{base64.b64encode(rng.randbytes(64)).decode()}"\n    }}'
                for k in range(entries)) + "\n  }\n}\n"
        elif which == 1:
            rel, body = f"apps/app{j}/yarn.lock", "".join(
                f'"{ident(rng)}@^1.{k}.0":\n  version "1.{k}.0"\n  resolved "https://registry.yarnpkg.com/x/-/x-1.{k}.0.tgz#{rs(rng, HEX, 40)}"\n'
                f'  integrity sha512-{base64.b64encode(rng.randbytes(64)).decode()}\n\n' for k in range(entries))
        elif which == 2:
            rel, body = f"crates/c{j}/Cargo.lock", "version = 4\n\n" + "".join(
                f'[[package]]\nname = "{ident(rng)}-{k}"\nversion = "0.{k % 40}.{k % 7}"\n'
                f'source = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{rs(rng, HEX, 64)}"\n\n'
                for k in range(entries))
        else:
            rel, body = f"go/m{j}/go.sum", "".join(
                f"github.com/{ident(rng)}/{ident(rng)} v1.{k}.0 h1:{base64.b64encode(rng.randbytes(32)).decode()}\n"
                for k in range(entries))
        write(rel, body)
        lock_budget -= len(body)
        j += 1

    # Binaries: ~170 MB (ELF-like, archives, images), never planted.
    bin_budget = int(170e6 * scale)
    j = 0
    while bin_budget > 0:
        size = rng.randint(20_000, 4_000_000)
        kind = j % 4
        head = [b"\x7fELF\x02\x01\x01\x00", b"PK\x03\x04\x14\x00\x00\x00", b"\x89PNG\r\n\x1a\n", b"\x00asm\x01\x00\x00\x00"][kind]
        ext = ["so", "jar", "png", "wasm"][kind]
        data = head + rng.randbytes(size)
        write(f"assets/bin{j % 17}/blob_{j}.{ext}", data)
        bin_budget -= len(data)
        j += 1

    truth.close()
    decoys.close()
    # An empty repository (no commit): Shipdeck opens only git workspaces;
    # with no HEAD, `--no-git` reads every file.
    subprocess.run(["git", "init", "-q", root], check=True)
    return total


# --- the history --------------------------------------------------------------


def gen_history(out, commits, seed):
    rng = random.Random(seed + 1)
    repo = os.path.join(out, "history")
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    pools = {lang: filler_pool(rng, lang, 2000) for lang in sorted(set(LANGS.values()))}
    planter = Planter(rng)
    exts = [e for e in LANGS if e != "env"]
    files = {}
    for k in range(1500):
        ext = rng.choice(exts)
        files[f"src/m{k % 40}/{ident(rng)}_{k}.{ext}"] = rng.choices(pools[LANGS[ext]], k=rng.randint(20, 120))
    paths = sorted(files)
    live = {}  # planted line text -> (kind, path, offset, lines), for removal and HEAD truth
    keep = set()  # every planted secret or decoy line
    pending_truth, pending_decoys = [], []
    marks_path = os.path.join(out, "history.marks")
    fi = subprocess.Popen(["git", "fast-import", "--quiet", f"--export-marks={marks_path}"],
                          cwd=repo, stdin=subprocess.PIPE)
    w = fi.stdin.write
    t0 = 1_650_000_000

    def blob(path):
        data = ("\n".join(files[path]) + "\n").encode()
        return b"M 100644 inline " + path.encode() + b"\ndata %d\n" % len(data) + data + b"\n"

    for c in range(commits):
        mark = c + 1
        changed = []
        msg = f"change {c}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
        if c == 0:
            changed = paths
            msg = "initial import"
        else:
            path = rng.choice(paths)
            ext = path.rsplit(".", 1)[1]
            lines = files[path]
            roll = rng.random()
            if roll < 0.012:  # plant a secret
                kind, glines = planter.secret(ext)
                at = free_slot(rng, lines, keep)
                lines[at:at] = glines
                keep.update(glines)
                key = 1 if len(glines) > 1 else 0  # a PEM block by its first body line
                live[glines[key]] = (kind, path, key, len(glines))
                pending_truth.append({"mark": mark, "file": path, "line": at + 1, "kind": kind})
            elif roll < 0.018 and live:  # remove one
                text = rng.choice(sorted(live))
                kind, path, key, n = live.pop(text)
                lines = files[path]
                at = lines.index(text) - key
                del lines[at : at + n]
            elif roll < 0.024:  # a decoy
                kind, glines = planter.decoy(ext)
                at = free_slot(rng, lines, keep)
                lines[at:at] = glines
                keep.update(glines)
                pending_decoys.append({"mark": mark, "file": path, "line": at + 1, "kind": kind})
            else:  # ordinary edit: replace or append a few lines, never a planted one
                pool = pools[LANGS[ext]]
                for _ in range(rng.randint(1, 3)):
                    if rng.random() < 0.5:
                        lines.append(rng.choice(pool))
                    else:
                        at = rng.randrange(len(lines))
                        if lines[at] not in keep:  # planted lines stay intact
                            lines[at] = rng.choice(pool)
            changed = [path]
        who = f"Dev{c % 11} <dev{c % 11}@example.com> {t0 + c * 300} +0000".encode()
        m = msg.encode()
        w(b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n" % (mark, who, who, len(m), m))
        if c:
            w(b"from :%d\n" % c)
        for p in changed:
            w(blob(p))
        w(b"\n")
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    shas = {}
    for line in open(marks_path):
        mk, sha = line.split()
        shas[int(mk[1:])] = sha
    with open(os.path.join(out, "history-truth.jsonl"), "w") as f:
        for t in pending_truth:
            f.write(json.dumps({"commit": shas[t.pop("mark")], **t}) + "\n")
    with open(os.path.join(out, "history-decoys.jsonl"), "w") as f:
        for t in pending_decoys:
            f.write(json.dumps({"commit": shas[t.pop("mark")], **t}) + "\n")
    with open(os.path.join(out, "history-head.jsonl"), "w") as f:
        for text, (kind, path, key, _) in sorted(live.items()):
            line = files[path].index(text) + 1 - key
            f.write(json.dumps({"file": path, "line": line, "kind": kind}) + "\n")
    subprocess.run(["git", "-C", repo, "checkout", "-q", "-f", "main"], check=True)
    return len(pending_truth)


def free_slot(rng, lines, keep):
    """An insertion index that does not split a planted group of lines."""
    while True:
        at = rng.randrange(len(lines) + 1)
        if at == len(lines) or lines[at] not in keep:
            return at


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["tree", "history"])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--commits", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.what == "tree":
        n = gen_tree(a.out, a.scale, a.seed)
        print(f"tree: {n / 1e6:.0f} MB", file=sys.stderr)
    else:
        n = gen_history(a.out, a.commits, a.seed)
        print(f"history: {a.commits} commits, {n} planted", file=sys.stderr)


if __name__ == "__main__":
    main()
