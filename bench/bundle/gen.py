#!/usr/bin/env python3
"""Writes the `.next` folder of a Next.js 15 build with ROUTES routes (half
Pages Router, half App Router) into OUT/.next: the manifests `next build`
writes (build-manifest, app-build-manifest, app-path-routes-manifest,
server/pages-manifest, prerender-manifest, diagnostics/framework) and the
chunk files they name, with sizes like a real app's: the framework and
runtime chunks of a real build, split chunks shared by groups of routes,
one chunk per route, lazily loaded chunks no manifest names, and CSS.

    gen.py OUT [ROUTES]

The content is minified-JavaScript-like text (random identifiers and
keywords), which gzips about as well as real chunks do. Deterministic.
"""
import json
import os
import random
import sys

out = sys.argv[1]
routes = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rng = random.Random(15)
nxt = os.path.join(out, ".next")

WORDS = ("function return var let const if else for while new this typeof null undefined "
         "true false exports module require Object.defineProperty prototype length push "
         "createElement useState useEffect props children className onClick map filter "
         "reduce Promise then catch async await JSON.parse window document").split()


def line():
    ident = lambda: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 3)))
    parts = []
    for _ in range(rng.randint(6, 14)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(WORDS))
        elif r < 0.8:
            parts.append(ident())
        else:
            parts.append(str(rng.randint(0, 99999)))
    return rng.choice(["(", "{", "", ","]).join(parts) + rng.choice([";", "},", "})", ")"])


POOL = [line() for _ in range(20000)]


def write(rel, size, css=False):
    path = os.path.join(nxt, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    chunks, n = [], 0
    while n < size:
        s = ".c%x{margin:%dpx;color:#%06x}" % (rng.randint(0, 1 << 20), rng.randint(0, 40), rng.randint(0, 1 << 24)) if css else rng.choice(POOL)
        chunks.append(s)
        n += len(s)
    with open(path, "w") as f:
        f.write("".join(chunks)[:size])
    return rel


def h():
    return "%016x" % rng.getrandbits(64)


S = "static/chunks/"
webpack = write(S + f"webpack-{h()}.js", 3498)
framework = write(S + f"framework-{h()}.js", 182716)
main = write(S + f"main-{h()}.js", 128474)
app_js = write(S + f"pages/_app-{h()}.js", 2400)
app_css = write(f"static/css/{h()}.css", 6000, css=True)
polyfills = write(S + f"polyfills-{h()}.js", 112594)
react_dom = write(S + f"4bd1b696-{h()}.js", 173019)
next_client = write(S + f"255-{h()}.js", 174133)
main_app = write(S + f"main-app-{h()}.js", 557)
layout = write(S + f"app/layout-{h()}.js", 1900)
layout_css = write(f"static/css/{h()}.css", 4000, css=True)
split = [write(S + f"{rng.randint(100, 9999)}-{h()}.js", int(rng.lognormvariate(9.8, 0.9))) for _ in range(120)]
for i in range(200):
    write(S + f"{rng.randint(10000, 99999)}.{h()}.js", int(rng.lognormvariate(9.0, 1.0)))

n_pages = routes // 2
n_app = routes - n_pages
pages = {"/_app": [webpack, framework, main, app_css, app_js],
         "/_error": [webpack, framework, main, write(S + f"pages/_error-{h()}.js", 218)]}
pages_manifest = {"/_app": "pages/_app.js", "/_error": "pages/_error.js", "/_document": "pages/_document.js",
                  "/404": "pages/404.html"}
prerender = {"version": 4, "routes": {}, "dynamicRoutes": {}, "notFoundRoutes": [], "preview": {}}


def route_name(i, dynamic):
    section = ["blog", "shop", "docs", "account", "team"][i % 5]
    return f"/{section}/p{i}" + ("/[slug]" if dynamic else "")


for i in range(n_pages):
    r = route_name(i, i % 7 == 0)
    own = [write(S + f"pages{r}-{h()}.js", int(rng.lognormvariate(8.2, 1.1)))]
    pages[r] = [webpack, framework, main] + rng.sample(split, rng.randint(0, 4)) + own
    if i % 7 == 0:
        prerender["dynamicRoutes"][r] = {"fallback": False}
        for j in range(3):
            prerender["routes"][r.replace("[slug]", f"s{j}")] = {"srcRoute": r}
        pages_manifest[r] = f"pages{r}.js"
    else:
        pages_manifest[r] = f"pages{r}.html" if i % 3 else f"pages{r}.js"
for k in pages:
    if k.startswith("/api"):
        pass
for i in range(10):
    pages_manifest[f"/api/a{i}"] = f"pages/api/a{i}.js"

app_pages = {"/_not-found/page": [webpack, react_dom, next_client, main_app, write(S + f"app/_not-found/page-{h()}.js", 2670)],
             "/layout": [webpack, react_dom, next_client, main_app, layout_css, layout]}
app_paths = {"/_not-found/page": "/_not-found"}
for i in range(n_app):
    r = "/app" + route_name(i, i % 9 == 0)
    group = "/(marketing)" if i % 4 == 0 else ""
    key = group + r + "/page"
    own = [write(S + f"app{r}/page-{h()}.js", int(rng.lognormvariate(7.8, 1.2)))]
    app_pages[key] = [webpack, react_dom, next_client, main_app] + rng.sample(split, rng.randint(0, 4)) + own
    app_paths[key] = r
    if i % 9 == 0:
        prerender["dynamicRoutes"][r] = {"fallback": None}
        for j in range(2):
            prerender["routes"][r.replace("[slug]", f"s{j}")] = {"srcRoute": r}
    elif i % 2:
        prerender["routes"][r] = {"srcRoute": r}
prerender["routes"]["/_not-found"] = {"srcRoute": "/_not-found"}


def dump(rel, obj):
    path = os.path.join(nxt, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)


dump("build-manifest.json", {"polyfillFiles": [polyfills], "devFiles": [], "ampDevFiles": [],
                             "lowPriorityFiles": [], "rootMainFiles": [webpack, react_dom, next_client, main_app],
                             "rootMainFilesTree": {}, "pages": pages, "ampFirstPages": []})
dump("app-build-manifest.json", {"pages": app_pages})
dump("app-path-routes-manifest.json", app_paths)
dump("server/pages-manifest.json", pages_manifest)
dump("prerender-manifest.json", prerender)
dump("diagnostics/framework.json", {"name": "Next.js", "version": "15.5.29"})
with open(os.path.join(nxt, "BUILD_ID"), "w") as f:
    f.write("bench")
with open(os.path.join(out, "package.json"), "w") as f:
    f.write('{"name": "bench-next", "private": true}\n')
