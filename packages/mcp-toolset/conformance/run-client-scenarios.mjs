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
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  countChecks,
  PINNED_VERSION,
  pinProblem,
  readChecks,
  runSuite,
  scratchDirectory,
  suiteVersion,
  tail,
} from '../../testing/scripts/conformance-suite.mjs';

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

// Today's toolset speaks MCP through SDK 2.x in its legacy negotiation mode, the 2025 handshake: it opens with `initialize`
// and no MCP-Protocol-Version header, and refuses a server that answers 2026-07-28. Every 2026-07-28
// mock but json-schema-ref-no-deref's therefore rejects it before any tool is listed.
const NO_2026 =
  'MCPToolset cannot speak protocol 2026-07-28 yet (its SDK 2.x client negotiates the legacy way: initialize handshake, no per-request _meta, no MCP-Protocol-Version header; it rejects a server that answers 2026-07-28), so open() fails';

/** scenario@version → the checks that fail today and why. Keep it as short as the truth allows. */
const EXPECTED_FAILURES = new Map([
  [
    'tools_call@2026-07-28',
    { checks: ['tool-add-numbers'], reason: `${NO_2026} (Missing MCP-Protocol-Version header, -32020)` },
  ],
  [
    'request-metadata@2026-07-28',
    {
      checks: ['sep-2575-http-client-sends-version-header', 'sep-2575-client-populates-meta'],
      reason: `${NO_2026} (the initialize request has no MCP-Protocol-Version header and no _meta; no retry after -32022)`,
    },
  ],
  [
    'sep-2322-client-request-state@2026-07-28',
    {
      checks: [
        'sep-2322-client-request-state-echoed',
        'sep-2322-client-jsonrpc-id-different',
        'sep-2322-client-no-state-omitted',
        'sep-2322-client-parallel-isolation',
        'sep-2322-default-result-type-complete',
      ],
      reason: `${NO_2026} (Method not found: initialize); multi round-trip requests (input_required, requestState) are not implemented either`,
    },
  ],
  [
    'http-standard-headers@2026-07-28',
    {
      checks: ['sep-2243-client-includes-standard-headers'],
      reason: `${NO_2026} (no Mcp-Method header on initialize; the server answers 2026-07-28, which the client refuses)`,
    },
  ],
  [
    'http-custom-headers@2026-07-28',
    {
      checks: [
        'sep-2243-client-supports-custom-headers',
        'sep-2243-client-mirrors-designated-params',
        'sep-2243-client-encode-values',
        'sep-2243-client-base64-unsafe',
        'sep-2243-client-omit-null',
      ],
      reason: `${NO_2026} (the server answers 2026-07-28); x-mcp-header → Mcp-Param-* headers are not implemented either`,
    },
  ],
  [
    'http-invalid-tool-headers@2026-07-28',
    {
      checks: ['sep-2243-invalid-tool-tools-list-gate', 'sep-2243-client-reject-invalid-tool'],
      reason: `${NO_2026} (the server answers 2026-07-28); dropping tools with invalid x-mcp-header annotations is not implemented either`,
    },
  ],
  [
    'json-schema-2020-12-preservation@2026-07-28',
    {
      checks: ['json-schema-2020-12-client-tool-found', 'json-schema-2020-12-client-echo-completed'],
      reason: `${NO_2026} (Missing MCP-Protocol-Version header, -32020); the same scenario passes at 2025-11-25`,
    },
  ],
]);

const SCENARIO_TIMEOUT_MS = 60_000;
const CLIENT_TIMEOUT_MS = 30_000;
const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
// The suite splits the command on spaces and runs it in a shell, which puts quoted parts back together.
const CLIENT_COMMAND = `"${process.execPath}" --conditions=@toolwright/source conformance/client.ts`;

/** scenario → the protocol versions the suite lists for it (its `list` command). */
async function listedVersions() {
  const { output } = await runSuite(['list'], { timeoutMs: SCENARIO_TIMEOUT_MS });
  const clientSection = output.split(/^Client scenarios.*$/m)[1]?.split(/^\S.*$/m)[0] ?? '';
  const versions = new Map();
  for (const match of clientSection.matchAll(/^\s*- (\S+) \[([^\]]*)\]$/gm)) {
    versions.set(
      match[1],
      match[2].split(',').filter((version) => /^\d{4}-\d{2}-\d{2}$/.test(version)),
    );
  }
  return versions;
}

/** What went wrong in one run, from the suite's checks and its report of the client command. */
function problemsOf(checks, output) {
  const problems = [];
  if (output.includes('SKIPPED: scenario')) problems.push({ text: 'the suite skipped the whole scenario' });
  if (!checks) problems.push({ text: 'the suite wrote no checks (the scenario did not run)' });
  else if (!checks.some((check) => check.status === 'SUCCESS')) problems.push({ text: 'no check succeeded' });
  for (const check of checks ?? []) {
    if (check.status === 'FAILURE')
      problems.push({ check: check.id, text: `FAILURE ${check.id}: ${check.errorMessage ?? check.name}` });
  }
  const exit = /Client exited with code (-?\d+)/.exec(output);
  if (exit) problems.push({ text: `the client command exited with ${exit[1]}` });
  if (/client timed out/i.test(output)) problems.push({ text: 'the client command timed out' });
  return problems;
}

/**
 * PASS, EXPECTED FAIL (exactly the listed checks fail), UNEXPECTED PASS, or FAIL (an unlisted
 * problem, or a listed check that passes now: the list must shrink with the truth).
 */
function verdictOf(key, problems) {
  const expected = EXPECTED_FAILURES.get(key);
  if (!expected) return { verdict: problems.length === 0 ? 'PASS' : 'FAIL', notes: problems.map((p) => p.text) };
  if (problems.length === 0)
    return { verdict: 'UNEXPECTED PASS', notes: [`remove '${key}' from EXPECTED_FAILURES: it passes now`] };
  const unlisted = problems.filter((p) => p.check && !expected.checks.includes(p.check));
  const failing = new Set(problems.map((p) => p.check));
  const nowPassing = expected.checks.filter((id) => !failing.has(id));
  if (unlisted.length === 0 && nowPassing.length === 0)
    return { verdict: 'EXPECTED FAIL', notes: [`why: ${expected.reason}`] };
  const notes = unlisted.map((p) => `not an expected failure: ${p.text}`);
  if (nowPassing.length > 0)
    notes.push(`listed in EXPECTED_FAILURES['${key}'] but passing now, remove: ${nowPassing.join(', ')}`);
  return { verdict: 'FAIL', notes };
}

/** The runs asked for on the command line (scenario or scenario@version), or all of them. */
function selected(runs) {
  const wanted = process.argv.slice(2);
  if (wanted.length === 0) return runs;
  return runs.filter(({ scenario, version }) => wanted.includes(scenario) || wanted.includes(`${scenario}@${version}`));
}

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
  const versions = await listedVersions();
  for (const scenario of SCENARIOS) {
    const listed = versions.get(scenario);
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
  runs = selected(runs);
  for (const { scenario, version } of runs) {
    const key = `${scenario}@${version}`;
    const outputDir = scratch.path(key);
    const { output } = await runSuite(
      [
        'client',
        '--command',
        CLIENT_COMMAND,
        '--scenario',
        scenario,
        '--spec-version',
        version,
        '--timeout',
        String(CLIENT_TIMEOUT_MS),
        '--output-dir',
        outputDir,
      ],
      { timeoutMs: SCENARIO_TIMEOUT_MS, cwd: packageRoot },
    );
    const checks = readChecks(outputDir);
    const counts = countChecks(checks);
    totals.passed += counts.SUCCESS;
    totals.failed += counts.FAILURE;
    totals.skipped += counts.SKIPPED;
    totals.warnings += counts.WARNING;
    const { verdict, notes } = verdictOf(key, problemsOf(checks, output));
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
