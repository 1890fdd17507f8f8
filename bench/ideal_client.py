#!/usr/bin/env python3
"""The ideal registry client bench/transfer.sh measures hoist against: the fewest requests, N blobs at a
time, each worker on one kept-alive connection per registry, every digest checked on the way, one streamed
PUT per blob (POST for a session, then PUT ?digest= with the body), nothing written twice.

  ideal_client.py push LAYOUT TAG HOST REPO          an OCI layout's image → a registry
  ideal_client.py pull HOST REPO TAG OUTDIR          a registry's image → blobs in OUTDIR
  ideal_client.py copy HOSTA REPOA TAG HOSTB REPOB   registry → registry, GET streamed into PUT

Plain HTTP only (the bench's local registries). Exits 1 on any failure, naming it.
"""
import concurrent.futures
import hashlib
import http.client
import json
import os
import sys
import threading
import urllib.parse

JOBS = 8
BUF = 1 << 20
MANIFEST_TYPES = ",".join([
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json"])

_local = threading.local()


def conn(host, role):
    """This thread's kept-alive connection to host, one per role (a copy reads and writes at once)."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    if (host, role) not in pool:
        pool[(host, role)] = http.client.HTTPConnection(host, blocksize=BUF)
    return pool[(host, role)]


def request(host, method, path, body=None, headers=None, expect=(200,)):
    c = conn(host, "read" if method == "GET" else "write")
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    if r.status not in expect:
        raise RuntimeError(f"{method} {host}{path}: {r.status} {r.read()[:200]!r}")
    return r


class Hashing:
    """A file-like body that hashes what it hands out and checks the digest at the end."""

    def __init__(self, src, digest):
        self.src, self.want, self.h = src, digest, hashlib.sha256()

    def read(self, n=BUF):
        b = self.src.read(min(n, BUF) if n and n > 0 else BUF)
        self.h.update(b)
        return b

    def check(self):
        got = "sha256:" + self.h.hexdigest()
        if got != self.want:
            raise RuntimeError(f"digest mismatch: {got} != {self.want}")


def put_blob(host, repo, digest, size, body):
    r = request(host, "POST", f"/v2/{repo}/blobs/uploads/", headers={"Content-Length": "0"}, expect=(202,))
    r.read()
    loc = urllib.parse.urlsplit(r.getheader("Location"))
    path = loc.path + "?" + (loc.query + "&" if loc.query else "") + "digest=" + urllib.parse.quote(digest)
    r = request(host, "PUT", path, body=body,
                headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"}, expect=(201,))
    r.read()


def blobs_of(manifest):
    return [manifest["config"]] + manifest["layers"]


def run_all(fn, items):
    with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
        for f in [ex.submit(fn, i) for i in items]:
            f.result()


def get_manifest(host, repo, tag):
    r = request(host, "GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": MANIFEST_TYPES})
    raw = r.read()
    return raw, r.getheader("Content-Type")


def put_manifest(host, repo, tag, raw, media_type):
    request(host, "PUT", f"/v2/{repo}/manifests/{tag}", body=raw,
            headers={"Content-Type": media_type, "Content-Length": str(len(raw))}, expect=(201,)).read()


def push(layout, tag, host, repo):
    index = json.load(open(os.path.join(layout, "index.json")))
    entry = next(m for m in index["manifests"]
                 if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    blob_path = lambda d: os.path.join(layout, "blobs", *d.split(":"))
    raw = open(blob_path(entry["digest"]), "rb").read()
    manifest = json.loads(raw)

    def one(desc):
        with open(blob_path(desc["digest"]), "rb") as f:
            body = Hashing(f, desc["digest"])
            put_blob(host, repo, desc["digest"], desc["size"], body)
            body.check()

    run_all(one, blobs_of(manifest))
    put_manifest(host, repo, tag, raw, entry["mediaType"])


def pull(host, repo, tag, out):
    raw, _ = get_manifest(host, repo, tag)
    os.makedirs(out, exist_ok=True)

    def one(desc):
        r = request(host, "GET", f"/v2/{repo}/blobs/{desc['digest']}")
        body = Hashing(r, desc["digest"])
        tmp = os.path.join(out, desc["digest"].split(":")[1] + ".tmp")
        with open(tmp, "wb") as f:
            while True:
                b = body.read(BUF)
                if not b:
                    break
                f.write(b)
        body.check()
        os.rename(tmp, tmp[:-4])

    run_all(one, blobs_of(json.loads(raw)))
    with open(os.path.join(out, "manifest.json"), "wb") as f:
        f.write(raw)


def copy(host_a, repo_a, tag, host_b, repo_b):
    raw, media_type = get_manifest(host_a, repo_a, tag)

    def one(desc):
        r = request(host_a, "GET", f"/v2/{repo_a}/blobs/{desc['digest']}")
        body = Hashing(r, desc["digest"])
        put_blob(host_b, repo_b, desc["digest"], desc["size"], body)
        body.check()

    run_all(one, blobs_of(json.loads(raw)))
    put_manifest(host_b, repo_b, tag, raw, media_type)


def main(argv):
    cmds = {"push": (push, 4), "pull": (pull, 4), "copy": (copy, 5)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    try:
        cmds[argv[1]][0](*argv[2:])
    except Exception as e:  # one line naming the failure
        import traceback; traceback.print_exc() if os.environ.get("IDEAL_DEBUG") else None
        sys.stderr.write(f"ideal_client: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
