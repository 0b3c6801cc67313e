// Renders the workflow template the way `ghtraf init` does (both with and without the
// workflow_run trigger) and checks the results validate, and that broken workflows do not.
// Usage: node tests/workflow/selftest.mjs (run `npm ci` here first).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validateWorkflow } from "./validate.mjs";

const templatePath = fileURLToPath(
  new URL("../../crates/ghtraf/templates/.github/workflows/traffic-badges.yml", import.meta.url),
);
const template = readFileSync(templatePath, "utf8");

function render(trigger) {
  const values = {
    __GHTRAF_OWNER__: "octo",
    __GHTRAF_REPO__: "demo",
    __GHTRAF_VERSION__: "0.1.0",
    __GHTRAF_INSTALL__: "cargo install ghtraf --version 0.1.0 --locked",
    __GHTRAF_RELEASES__: "https://github.com/ghtraf/ghtraf/releases",
    __GHTRAF_GIST_TOKEN_NAME__: "TRAFFIC_GIST_TOKEN",
    __GHTRAF_WORKFLOW_RUN_TRIGGER__: trigger,
  };
  return template.replace(/__GHTRAF_[A-Z0-9_]+__/g, (token) => {
    if (!(token in values)) throw new Error(`unknown placeholder ${token}`);
    return values[token];
  });
}

const withTrigger = '  workflow_run:\n    workflows: ["CI", "Build & Test"]\n    types: [completed]';
const cases = [
  ["rendered without workflow_run", render(""), true],
  ["rendered with workflow_run", render(withTrigger), true],
  ["unrendered template", template, false],
  ["bad permission", render("").replace("actions: read", "actions: maybe"), false],
  ["bad cron", render("").replace('"0 3 * * *"', '"0 3 * *"'), false],
];
let failures = 0;
for (const [name, content, shouldPass] of cases) {
  const problems = await validateWorkflow(name, content);
  const passed = problems.length === 0;
  if (passed !== shouldPass) {
    failures += 1;
    console.error(`FAIL ${name}: expected ${shouldPass ? "valid" : "errors"}, got ${JSON.stringify(problems)}`);
  } else {
    console.log(`ok   ${name}${passed ? "" : ` (${problems[0]})`}`);
  }
}
if (!render(withTrigger).includes("workflow_run:")) failures += 1;
process.exitCode = failures ? 1 : 0;
