// The deployed workflow's install step, run for real: the script and its env are taken from
// the workflow `ghtraf init --releases-url URL` renders (not from the template), and run with bash the way Actions runs a
// step, against a release served on loopback that scripts/dist packed from a freshly built
// ghtraf. The hub workflow's step (`ghtraf hub init --releases-url URL`, against fakehub) is
// the same step: it is run against the same releases. Proves: it installs and the installed ghtraf reports its version; a tampered
// archive is refused and never unpacked or run; a platform or release without a binary
// falls back to `cargo install ghtraf --version X --locked` (a stub cargo records its
// arguments); the release workflow builds every target the script asks for.
//
// Usage: GHTRAF_BIN=target/debug/ghtraf FAKEHUB_BIN=target/debug/fakehub \
//   node --test tests/workflow/install-step.test.mjs
// (scripts/validate-workflows runs it after `npm ci` here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { arch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = process.env.GHTRAF_BIN;
if (!bin) throw new Error("set GHTRAF_BIN to a built ghtraf binary");
const fakehubBin = process.env.FAKEHUB_BIN;
if (!fakehubBin) throw new Error("set FAKEHUB_BIN to a built fakehub binary (hub init reads GitHub)");
const work = mkdtempSync(join(tmpdir(), "ghtraf-install-"));

/** The Rust target the script picks on this machine (its `case "$(uname -s)/$(uname -m)"`). */
const target = {
  "linux/x64": "x86_64-unknown-linux-musl",
  "linux/arm64": "aarch64-unknown-linux-musl",
  "darwin/x64": "x86_64-apple-darwin",
  "darwin/arm64": "aarch64-apple-darwin",
}[`${platform()}/${arch()}`];

/** The install step of a rendered workflow file. */
function installStep(file) {
  const wf = parse(readFileSync(file, "utf8"));
  const steps = wf.jobs.collect.steps;
  const step = steps.find((s) => s.name?.startsWith("Install ghtraf"));
  assert.ok(step, "the workflow has an install step");
  return step;
}

/** Renders the workflow the way users get it and returns the install step. */
function renderedInstallStep(...flags) {
  const repo = mkdtempSync(join(work, "repo-"));
  mkdirSync(join(repo, ".git"));
  execFileSync(bin, ["init", "-n", "-Q", "--repo-dir", repo, "--repo", "octo/demo", ...flags], {
    env: { ...process.env, GHTRAF_NOW: "2026-02-26T03:00:00Z" },
    stdio: "ignore",
  });
  return installStep(join(repo, ".github/workflows/traffic-badges.yml"));
}

// fakehub on loopback, holding the hub octo/traffic and its badge gist: `hub init` reads GitHub.
let fakehub;
let api;

/** Renders the hub workflow the way `ghtraf hub init` renders it and returns its install step. */
function renderedHubInstallStep(...flags) {
  const hub = mkdtempSync(join(work, "hub-"));
  mkdirSync(join(hub, ".git"));
  execFileSync(bin, ["-n", "-Q", "hub", "init", "--repo", "octo/traffic", ...flags], {
    cwd: hub,
    env: {
      ...process.env, GHTRAF_API_URL: api, GH_TOKEN: "install-step", NO_PROXY: "*",
      GHTRAF_NOW: "2026-02-26T03:00:00Z",
    },
    stdio: "ignore",
  });
  return installStep(join(hub, ".github/workflows/traffic-hub.yml"));
}

const step = renderedInstallStep();
const version = step.env.GHTRAF_VERSION;
const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** A release folder `<dir>/download/v<version>/` packed by scripts/dist; returns the archive. */
function release(dir, binary, { tamperWith, listed = true } = {}) {
  const out = join(dir, "download", `v${version}`);
  mkdirSync(out, { recursive: true });
  const archive = execFileSync(join(root, "scripts/dist"), ["archive", version, target, binary, out], {
    encoding: "utf8",
  }).trim();
  execFileSync(join(root, "scripts/dist"), ["sums", out], { stdio: "ignore" });
  if (!listed) writeFileSync(join(out, "SHA256SUMS"), "");
  if (tamperWith) {
    // Same name, same layout, different bytes: SHA256SUMS still lists the genuine archive.
    execFileSync(join(root, "scripts/dist"), ["archive", version, target, tamperWith, out], { stdio: "ignore" });
  }
  return archive;
}

// Loopback release server: serves files under `work/releases-*`, logs every request path.
let server;
let baseUrl;
const requests = [];
before(async () => {
  const stamp = "2026-01-01T00:00:00Z";
  writeFileSync(join(work, "hub-world.json"), JSON.stringify({
    today: "2026-02-26",
    repos: { "octo/traffic": {} },
    gists: {
      "00000000000000000000000000abcdef": {
        owner: "octo", description: "[GTT] octo/traffic · badges", public: true,
        files: { "state.json": "{}" }, created_at: stamp, updated_at: stamp,
      },
    },
  }));
  fakehub = spawn(fakehubBin, ["--port", "0", "--world", join(work, "hub-world.json")], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  api = await new Promise((resolve, reject) => {
    let out = "";
    fakehub.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.split("\n")[0].trim());
    });
    fakehub.on("exit", (code) => reject(new Error(`fakehub exited with ${code}`)));
  });
  server = createServer((req, res) => {
    requests.push(req.url);
    const path = join(work, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!path.startsWith(work) || !existsSync(path)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server?.close();
  fakehub?.kill();
  rmSync(work, { recursive: true, force: true });
});

/** Renders the step for a loopback release location (`--releases-url`) and runs its script
 * like Actions (`bash -e {0}`) with the step's env, a stub cargo (and a stub uname). */
function runStep(releasesDir, { uname, render = renderedInstallStep } = {}) {
  const releases = `${baseUrl}/${releasesDir}`;
  const step = render("--releases-url", releases);
  assert.equal(step.env.GHTRAF_RELEASES, releases, "the flag sets the step's release location");
  const box = mkdtempSync(join(work, "run-"));
  const home = join(box, "home");
  const stubs = join(box, "stubs");
  mkdirSync(home);
  mkdirSync(stubs);
  const cargoLog = join(box, "cargo-args");
  writeFileSync(join(stubs, "cargo"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${cargoLog}'\n`);
  chmodSync(join(stubs, "cargo"), 0o755);
  if (uname) {
    writeFileSync(join(stubs, "uname"), `#!/bin/sh\ncase "$1" in -s) echo ${uname[0]} ;; -m) echo ${uname[1]} ;; esac\n`);
    chmodSync(join(stubs, "uname"), 0o755);
  }
  const script = join(box, "step.sh");
  writeFileSync(script, step.run);
  const githubPath = join(box, "github-path");
  const env = {
    PATH: `${stubs}:${process.env.PATH}`,
    HOME: home,
    TMPDIR: box,
    NO_PROXY: "127.0.0.1,localhost",
    GITHUB_PATH: githubPath,
    ...step.env,
  };
  requests.length = 0;
  return new Promise((resolve) => {
    execFile("bash", ["-e", script], { env }, (error, stdout, stderr) => {
      resolve({
        code: error ? error.code : 0,
        output: stdout + stderr,
        installed: join(home, ".cargo/bin/ghtraf"),
        cargoArgs: existsSync(cargoLog) ? readFileSync(cargoLog, "utf8").trim().split("\n") : null,
        githubPath: existsSync(githubPath) ? readFileSync(githubPath, "utf8") : "",
        requests: [...requests],
      });
    });
  });
}

/** A "binary" that leaves a marker file when anything executes it. */
function markerBinary(name) {
  const marker = join(work, `${name}.ran`);
  const file = join(work, `${name}.sh`);
  writeFileSync(file, `#!/bin/sh\ntouch '${marker}'\necho "ghtraf ${version}"\n`);
  chmodSync(file, 0o755);
  return { file, marker };
}

const fallback = ["install", "ghtraf", "--version", version, "--locked"];

test("the step is rendered with this version and the default release location", () => {
  assert.equal(version, execFileSync(bin, ["--version"], { encoding: "utf8" }).trim().replace(/^ghtraf /, ""));
  assert.equal(step.env.GHTRAF_RELEASES, "https://github.com/ghtraf/ghtraf/releases");
  assert.match(step.run, /SHA256SUMS/);
});

test("installs the release binary after checking it; ghtraf --version prints the version", { skip: !target }, async () => {
  release(join(work, "releases-good"), bin);
  const r = await runStep("releases-good");
  assert.equal(r.code, 0, r.output);
  assert.equal(execFileSync(r.installed, ["--version"], { encoding: "utf8" }).trim(), `ghtraf ${version}`);
  assert.match(r.output, new RegExp(`ghtraf ${version.replace(/\./g, "\\.")}\\n`), "the step shows the version");
  assert.equal(r.cargoArgs, null, "nothing compiled");
  assert.deepEqual(r.requests, [
    `/releases-good/download/v${version}/SHA256SUMS`,
    `/releases-good/download/v${version}/ghtraf-${version}-${target}.tar.gz`,
  ]);
  assert.match(r.githubPath, /\.cargo\/bin/);
});

test("the marker binary would leave its mark if the step ran it (control)", { skip: !target }, async () => {
  const { file, marker } = markerBinary("control");
  release(join(work, "releases-control"), file);
  const r = await runStep("releases-control");
  assert.equal(r.code, 0, r.output);
  assert.ok(existsSync(marker), "a checked archive is run, so the marker proves execution");
});

test("a tampered archive is refused with a clear message and never unpacked or run", { skip: !target }, async () => {
  const { file, marker } = markerBinary("tampered");
  const served = release(join(work, "releases-tampered"), bin, { tamperWith: file });
  const listed = readFileSync(join(work, "releases-tampered/download", `v${version}`, "SHA256SUMS"), "utf8").split(" ")[0];
  const r = await runStep("releases-tampered");
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /::error::checksum mismatch for ghtraf-.*: SHA256SUMS lists [0-9a-f]{64}, the download is [0-9a-f]{64}\. Refusing to install it/);
  assert.ok(r.output.includes(`lists ${listed}, the download is ${sha256(served)}.`), "names both hashes");
  assert.notEqual(listed, sha256(served));
  assert.ok(!existsSync(marker), "the tampered file was never executed");
  assert.ok(!existsSync(r.installed), "nothing was installed");
  assert.equal(r.cargoArgs, null, "a mismatch is an error, not a reason to build from source");
});

test("a release without this platform's archive falls back to cargo install --locked", { skip: !target }, async () => {
  release(join(work, "releases-unlisted"), bin, { listed: false });
  const r = await runStep("releases-unlisted");
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(r.cargoArgs, fallback);
  assert.match(r.output, /::warning::release v.* has no ghtraf-.*; building ghtraf .* from source/);
  assert.equal(r.requests.length, 1, "only SHA256SUMS was read");
});

test("a platform without a release binary falls back without downloading", async () => {
  const r = await runStep("releases-good", { uname: ["FreeBSD", "amd64"] });
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(r.cargoArgs, fallback);
  assert.match(r.output, /::warning::no ghtraf release binary for FreeBSD amd64/);
  assert.deepEqual(r.requests, []);
});

test("a release location without this version falls back (404 on SHA256SUMS)", { skip: !target }, async () => {
  const r = await runStep("releases-none");
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(r.cargoArgs, fallback);
  assert.match(r.output, /::warning::no release v/);
});

test("an unreachable release location fails the job instead of building", { skip: !target }, async () => {
  const saved = baseUrl;
  // Port 1: below the ephemeral range, so no test's listen(0) on this machine can be given it
  // (a port probed free and closed could be, between the probe and the download).
  baseUrl = "http://127.0.0.1:1";
  try {
    const r = await runStep("releases-good");
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /::error::cannot download .*SHA256SUMS/);
    assert.equal(r.cargoArgs, null);
  } finally {
    baseUrl = saved;
  }
});

test("--install-command replaces the whole script", () => {
  const custom = renderedInstallStep("--install-command", "cargo binstall ghtraf --no-confirm");
  assert.equal(custom.run.trim(), "cargo binstall ghtraf --no-confirm");
});

test("the release workflow builds every target the script downloads, packed by scripts/dist", () => {
  const release = parse(readFileSync(join(root, ".github/workflows/release.yml"), "utf8"));
  const built = release.jobs.build.strategy.matrix.include.map((m) => m.target);
  const asked = [...step.run.matchAll(/\) target=([a-z0-9_-]+) ;;/g)].map((m) => m[1]);
  assert.ok(asked.length >= 4, step.run);
  for (const t of asked) assert.ok(built.includes(t), `release.yml builds ${t}`);
  const text = JSON.stringify(release.jobs.build.steps);
  assert.match(text, /scripts\/dist archive \\"\$VERSION\\" \\"\$TARGET\\"/);
  assert.match(JSON.stringify(release.jobs.publish.steps), /scripts\/dist sums dist/);
});

// The hub workflow (traffic-hub.yml): the same step, from `hub init --releases-url`, so a shard
// job on a cold cache downloads the checked binary instead of compiling for minutes.
test("the hub workflow's install step is traffic-badges.yml's, with hub init's release location", () => {
  const hub = renderedHubInstallStep();
  assert.equal(hub.run, step.run, "one script");
  assert.deepEqual(hub.env, step.env, "same version and default release location");
  assert.equal(hub.if, step.if, "run on a cache miss");
  const custom = renderedHubInstallStep("--install-command", "cargo binstall ghtraf --no-confirm");
  assert.equal(custom.run.trim(), "cargo binstall ghtraf --no-confirm");
});

test("the hub's step installs the release binary after checking it", { skip: !target }, async () => {
  release(join(work, "releases-hub"), bin);
  const r = await runStep("releases-hub", { render: renderedHubInstallStep });
  assert.equal(r.code, 0, r.output);
  assert.equal(execFileSync(r.installed, ["--version"], { encoding: "utf8" }).trim(), `ghtraf ${version}`);
  assert.equal(r.cargoArgs, null, "nothing compiled");
  assert.deepEqual(r.requests, [
    `/releases-hub/download/v${version}/SHA256SUMS`,
    `/releases-hub/download/v${version}/ghtraf-${version}-${target}.tar.gz`,
  ]);
});

test("the hub's step refuses a tampered archive and never runs it", { skip: !target }, async () => {
  const { file, marker } = markerBinary("hub-tampered");
  release(join(work, "releases-hub-tampered"), bin, { tamperWith: file });
  const r = await runStep("releases-hub-tampered", { render: renderedHubInstallStep });
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /::error::checksum mismatch for ghtraf-/);
  assert.ok(!existsSync(marker), "the tampered file was never executed");
  assert.ok(!existsSync(r.installed), "nothing was installed");
  assert.equal(r.cargoArgs, null);
});

test("the hub's step falls back to cargo install --locked where the release has no binary", async () => {
  const r = await runStep("releases-good", { uname: ["FreeBSD", "amd64"], render: renderedHubInstallStep });
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(r.cargoArgs, fallback);
  assert.deepEqual(r.requests, []);
});
