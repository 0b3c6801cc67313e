// Validates rendered GitHub Actions workflows with GitHub's own parser
// (@actions/workflow-parser), so a broken template fails our tests instead of a user's
// first scheduled run. Usage: node tests/workflow/validate.mjs FILE... (exit 1 on errors;
// run `npm ci --prefix tests/workflow` once first).
import { readFileSync } from "node:fs";
import { register } from "node:module";
import { pathToFileURL } from "node:url";

// The parser imports its schema JSON without an import attribute, which Node refuses;
// this hook loads .json modules as JSON.
const jsonHook = `export async function load(url, context, next) {
  if (url.endsWith(".json")) return next(url, { ...context, importAttributes: { type: "json" } });
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(jsonHook)}`);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

/** Returns the problems of one workflow text; an empty list means valid. */
export async function validateWorkflow(name, content) {
  const problems = [];
  const leftover = content.match(/__GHTRAF_[A-Z0-9_]+__/g);
  if (leftover) problems.push(`unrendered placeholders: ${[...new Set(leftover)].join(", ")}`);
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  for (const error of parsed.context.errors.getErrors()) problems.push(error.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const error of template.errors ?? []) problems.push(error.Message ?? String(error));
  } else if (problems.length === 0) {
    problems.push("not a workflow (empty document)");
  }
  return [...new Set(problems)];
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node validate.mjs WORKFLOW.yml...");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const problems = await validateWorkflow(file, readFileSync(file, "utf8"));
    if (problems.length) {
      failed += 1;
      for (const problem of problems) console.error(`${file}: ${problem}`);
    } else {
      console.log(`${file}: ok`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
