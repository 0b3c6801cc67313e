#!/usr/bin/env python3
"""Rebuilds openapi-subset.json from GitHub's own OpenAPI description.

Why: fakehub routes and validates against GitHub's published contract, and that contract
must be reproducible from its source rather than edited by hand. The source is the npm
package @octokit/openapi (MIT), file generated/api.github.com.deref.json; the version is
pinned below. Each listed operation is copied with its summary, description, tags,
parameters, request body and responses; `example`/`examples` are removed (they are large
and unused) and so are `externalDocs`, `x-github` and `x-octokit`.

Usage:
    python3 crates/fakehub/openapi/build-subset.py [PATH/TO/api.github.com.deref.json]

Without a path it runs `npm pack @octokit/openapi@VERSION` in a temporary directory.
The output is written next to this script; `--check` compares instead of writing.
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
FILE = "generated/api.github.com.deref.json"

# Every operation fakehub serves, in the order recorded in info.operations.
OPERATIONS = [
    "gists/create",
    "gists/get",
    "gists/update",
    "gists/list",
    "gists/delete",
    "actions/list-repo-variables",
    "actions/get-repo-variable",
    "actions/create-repo-variable",
    "actions/update-repo-variable",
    "actions/get-repo-public-key",
    "actions/create-or-update-repo-secret",
    "actions/get-repo-secret",
    "repos/get",
    "repos/get-clones",
    "repos/get-views",
    "repos/get-top-referrers",
    "repos/get-top-paths",
    "repos/list-releases",
    "actions/list-workflow-runs-for-repo",
    "actions/list-jobs-for-workflow-run",
    "actions/list-repo-workflows",
    "actions/create-workflow-dispatch",
    "actions/list-workflow-runs",
    "actions/get-workflow",
    "users/get-authenticated",
    "rate-limit/get",
    "activity/list-stargazers-for-repo",
    "repos/get-content",
    "repos/create-or-update-file-contents",
    "repos/get-pages",
    "repos/create-pages-site",
    "repos/update-information-about-pages-site",
    "gists/list-commits",
    "gists/get-revision",
    "repos/list-forks",
    "actions/disable-workflow",
    "actions/enable-workflow",
]

DROPPED_KEYS = {"externalDocs", "x-github", "x-octokit"}
METHODS = {"get", "post", "put", "patch", "delete"}


def strip_examples(value):
    if isinstance(value, dict):
        return {k: strip_examples(v) for k, v in value.items() if k not in ("example", "examples")}
    if isinstance(value, list):
        return [strip_examples(v) for v in value]
    return value


def fetch_description():
    workdir = tempfile.mkdtemp(prefix="octokit-openapi-")
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=workdir, check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(name for name in os.listdir(workdir) if name.endswith(".tgz"))
    with tarfile.open(os.path.join(workdir, tarball)) as archive:
        member = archive.extractfile(f"package/{FILE}")
        return json.load(member)


def build(full):
    by_id = {}
    for path, methods in full["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                by_id[operation["operationId"]] = (path, method, operation)
    missing = [op for op in OPERATIONS if op not in by_id]
    if missing:
        sys.exit(f"not in {PACKAGE} {VERSION}: {', '.join(missing)}")
    paths = {}
    for op in OPERATIONS:
        path, method, operation = by_id[op]
        kept = {k: v for k, v in operation.items() if k not in DROPPED_KEYS}
        paths.setdefault(path, {})[method] = strip_examples(kept)
    return {
        "info": {
            "operations": OPERATIONS,
            "source": f"npm package {PACKAGE} {VERSION}, file {FILE} (MIT), trimmed to the operations below",
            "title": "Subset of GitHub's REST API description (api.github.com)",
        },
        "openapi": full.get("openapi", "3.0.3"),
        "paths": paths,
    }


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    if args:
        with open(args[0], encoding="utf-8") as source:
            full = json.load(source)
    else:
        full = fetch_description()
    text = json.dumps(build(full), indent=1, sort_keys=True)
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi-subset.json")
    if check:
        with open(target, encoding="utf-8") as current:
            if current.read() != text:
                sys.exit("openapi-subset.json differs from what the script builds")
        print("openapi-subset.json is up to date")
        return
    with open(target, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"wrote {target}: {len(OPERATIONS)} operations")


if __name__ == "__main__":
    main()
