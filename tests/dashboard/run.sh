#!/usr/bin/env bash
# The dashboard's tests: node unit tests of data.js, then the page in headless Chromium
# against loopback fixture gists. Called by the project's test command; exits non-zero
# on any failure and ends with node's test runner summary.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "chromium not found; installing it with apt (needs root)" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npm ci --no-audit --no-fund --loglevel=error

# One runner invocation so the output ends with a single summary for both suites.
node --test --test-concurrency=1 unit/*.test.mjs browser/*.test.mjs
