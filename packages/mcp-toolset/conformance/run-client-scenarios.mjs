#!/usr/bin/env node
// Runs the official MCP conformance suite's client scenarios that concern a tool-calling client against
// MCPToolset (driven by client.ts beside this file), each at every protocol version the suite lists
// for it, one run at a time.
//
// Usage (from the repository root):
//   node scripts/toolchain.mjs node packages/mcp-toolset/conformance/run-client-scenarios.mjs [scenario[@version] ...]
//
// A run passes when the suite wrote checks, at least one succeeded, none is a FAILURE and the client
// command exited 0 (the suite itself exits 0 in this mode whatever happened, so its exit code says
// nothing). SKIPPED checks are counted as not run, WARNINGs are listed; neither fails a run.
//
// EXPECTED_FAILURES lists the runs that fail today, keyed by scenario@version, each with the check ids
// that fail and why. Such a run passes the script only while exactly those checks fail: a check outside
// the list failing, a listed check passing, or the whole run passing fails the script and says which
// entry to trim, so the list follows the truth and only shrinks.
import {
  PINNED_VERSION,
  pinProblem,
  scratchDirectory,
  suiteVersion,
  tail,
} from '../../testing/scripts/conformance-suite.mjs';
import {
  isProtocolVersion,
  listedClientScenarios,
  problemsOf,
  runScenario,
  selectedRuns,
  verdictOf,
} from './scenario-runs.mjs';

/** The client scenarios of the pinned suite that concern a tool-calling client. */
const SCENARIOS = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
  'request-metadata',
  'sep-2322-client-request-state',
  'http-standard-headers',
  'http-custom-headers',
  'http-invalid-tool-headers',
  'json-schema-ref-no-deref',
  'json-schema-2020-12-preservation',
];

/** scenario@version → the checks that fail today and why. Keep it as short as the truth allows. */
const EXPECTED_FAILURES = new Map();

const SCENARIO_TIMEOUT_MS = 60_000;
const CLIENT_TIMEOUT_MS = 30_000;
// The suite splits the command on spaces and runs it in a shell, which puts quoted parts back together.
const CLIENT_COMMAND = `"${process.execPath}" --conditions=@toolwright/source conformance/client.ts`;

const scratch = scratchDirectory('toolwright-conformance-client-');
let failed = false;
const totals = { passed: 0, failed: 0, skipped: 0, warnings: 0, runsPassed: 0, expected: [], unexpectedPasses: [] };
const started = Date.now();
let runs = [];
try {
  if (pinProblem()) {
    console.error(pinProblem());
    failed = true;
  }
  const versions = await listedClientScenarios(SCENARIO_TIMEOUT_MS);
  for (const scenario of SCENARIOS) {
    const listed = versions.get(scenario)?.filter(isProtocolVersion);
    if (!listed || listed.length === 0) {
      console.log(`FAIL                 ${scenario}: the suite ${suiteVersion} lists no such client scenario`);
      failed = true;
      continue;
    }
    for (const version of listed) runs.push({ scenario, version });
  }
  for (const key of EXPECTED_FAILURES.keys()) {
    if (!runs.some(({ scenario, version }) => `${scenario}@${version}` === key)) {
      console.log(`FAIL                 ${key}: listed as an expected failure but the suite has no such run`);
      failed = true;
    }
  }
  runs = selectedRuns(runs);
  for (const { scenario, version } of runs) {
    const key = `${scenario}@${version}`;
    const run = await runScenario({
      command: CLIENT_COMMAND,
      scenario,
      version,
      outputDir: scratch.path(key),
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
      timeoutMs: SCENARIO_TIMEOUT_MS,
    });
    const { checks, counts, output } = run;
    totals.passed += counts.SUCCESS;
    totals.failed += counts.FAILURE;
    totals.skipped += counts.SKIPPED;
    totals.warnings += counts.WARNING;
    const { verdict, notes } = verdictOf(key, problemsOf(run), EXPECTED_FAILURES);
    if (verdict === 'PASS') totals.runsPassed += 1;
    else if (verdict === 'EXPECTED FAIL') totals.expected.push(key);
    else failed = true;
    if (verdict === 'UNEXPECTED PASS') totals.unexpectedPasses.push(key);
    console.log(
      `${verdict.padEnd(20)} ${key}: ${counts.SUCCESS} passed, ${counts.FAILURE} failed, ${counts.SKIPPED} skipped (not run), ${counts.WARNING} warnings`,
    );
    for (const note of notes) console.log(`    ${note}`);
    for (const check of (checks ?? []).filter((c) => c.status === 'WARNING'))
      console.log(`    WARNING ${check.id}: ${check.errorMessage ?? check.name}`);
    if (verdict === 'FAIL') console.log(tail(output));
  }
} finally {
  scratch.remove();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `conformance ${suiteVersion} (pinned ${PINNED_VERSION}) client: ${totals.runsPassed}/${runs.length} scenario runs passed, ` +
    `${totals.expected.length} expected failures, ${totals.unexpectedPasses.length} unexpected passes; ` +
    `${totals.passed} checks passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.warnings} warnings` +
    ` in ${seconds} s: ${failed ? 'FAILED' : 'OK'}`,
);
process.exit(failed ? 1 : 0);
