#!/usr/bin/env python3
"""The bench/deps registries on 127.0.0.1:PORT, from what gen.py wrote:

    serve.py REGISTRY_DIR PORT

  GET  /npm/<name>                  packument (scoped names as @scope%2fname)
  GET  /crates/config.json, /crates/<sparse index path>
  GET  /pypi/simple/<name>/         PEP 691 JSON
  POST /osv/v1/querybatch           an OSV-compatible API that knows no advisory

Documents are read into memory at start and served over HTTP/1.1 keep-alive
with an ETag (a matching If-None-Match answers 304), as the public
registries do, so clients' revalidating caches work. One thread per
connection."""
import hashlib
import http.server
import json
import os
import sys
import urllib.parse

ROOT, PORT = sys.argv[1], int(sys.argv[2])
DOCS = {}


def load():
    for sub, prefix in (("npm", "/npm/"), ("crates", "/crates/"), ("pypi", "/pypi/simple/")):
        base = os.path.join(ROOT, sub)
        for dirpath, _, files in os.walk(base):
            for f in files:
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, base).replace(os.sep, "/")
                body = open(path, "rb").read()
                if sub == "npm":
                    key, ctype = prefix + rel[:-5], "application/json"
                elif sub == "pypi":
                    key, ctype = prefix + rel[:-5] + "/", "application/vnd.pypi.simple.v1+json"
                else:
                    key, ctype = prefix + rel, "application/json" if f == "config.json" else "text/plain"
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                DOCS[key] = (body, ctype, etag)


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", ctype="application/json", etag=None):
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "public, max-age=300")
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        # npm asks for scoped packages as @scope%2fname or @scope/name.
        key = urllib.parse.unquote(path) if path.startswith("/npm/") else path
        if key.startswith("/npm/"):
            key = "/npm/" + key[5:].replace("/", "%2f")
        doc = DOCS.get(key)
        if doc is None:
            self.reply(404, b'{"error":"not found"}')
            return
        body, ctype, etag = doc
        if self.headers.get("If-None-Match") == etag:
            self.reply(304, etag=etag)
        else:
            self.reply(200, body, ctype, etag)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.split("?")[0] != "/osv/v1/querybatch":
            self.reply(404, b'{"error":"not found"}')
            return
        queries = json.loads(raw or b"{}").get("queries", [])
        self.reply(200, json.dumps({"results": [{} for _ in queries]}).encode())

    def log_message(self, *a):
        pass


load()
server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), H)
server.daemon_threads = True
print(f"serving {len(DOCS)} documents on 127.0.0.1:{PORT}", flush=True)
server.serve_forever()
