#!/usr/bin/env node
// Runs the official MCP conformance suite's server scenarios through the bridge: the bridge's bin
// serving Streamable HTTP in front of the 2026 fixture of @toolwright/testing (its upstream, over
// HTTP). Every scenario the fixture passes directly must pass through the bridge as well.
//
// Usage (from the repository root):
//   node scripts/toolchain.mjs node packages/bridge/scripts/conformance-bridge.mjs            # through the bridge (CI)
//   node scripts/toolchain.mjs node packages/bridge/scripts/conformance-bridge.mjs --direct   # and directly, side by side
//
// SCENARIOS is the set the fixture passes directly with the pinned suite: `--direct` runs the suite's whole
// server list against the fixture and fails when that set differs from SCENARIOS, so the list follows the
// truth. A scenario passes when the suite exits 0 with a checks file and no FAILURE (warnings and the
// suite's own skips count as they do directly). EXPECTED_DIFFERENCES lists a scenario that passes
// directly and not through the bridge on purpose, with the check ids and why; any other failure, or a
// listed one that passes, fails the run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  countChecks,
  pinProblem,
  readChecks,
  runSuite,
  scratchDirectory,
  suiteVersion,
  TASKS_SCENARIOS,
  tail,
} from '../../testing/scripts/conformance-suite.mjs';
import { startHttpTasksExtensionFixture } from '../../testing/src/tasks-extension/transports.ts';

/** The server scenarios the 2026 fixture passes directly (see `--direct`). */
const SCENARIOS = [
  'server-initialize',
  'server-session-lifecycle',
  'ping',
  'tools-list',
  'server-sse-polling',
  'server-sse-multiple-streams',
  'sep-2164-resource-not-found',
  'sep-2640-skills-directory',
  'sep-2640-skills-enumeration',
  'sep-2640-skills-manifest',
  'dns-rebinding-protection',
  'http-header-validation',
  ...TASKS_SCENARIOS,
  'input-required-result-missing-input-response',
  'input-required-result-unsupported-methods',
  'input-required-result-ignore-extra-params',
  'input-required-result-validate-input',
];

/** Scenarios that differ through the bridge by design: scenario → the failing check ids and why. */
const EXPECTED_DIFFERENCES = new Map([
  [
    'tasks-required-task-error',
    {
      checks: ['sep-2663-server-returns-missing-capability-when-required'],
      reason:
        'the bridge exists to run task tools for hosts without the tasks extension: it runs the required task tool ' +
        'and answers with its result, instead of refusing the call with -32021. The MUST applies to a server "unable ' +
        'to service" the call without a CreateTaskResult, which the bridge is not.',
    },
  ],
]);

const SCENARIO_TIMEOUT_MS = 120_000;
const direct = process.argv.includes('--direct');
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** Starts the bridge's bin on HTTP in front of `upstream`; resolves with its URL and a stop function. */
async function startBridge(upstream) {
  const child = spawn(
    process.execPath,
    ['--conditions=@toolwright/source', '--disable-warning=ExperimentalWarning', bin, '--http', '--url', upstream],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`the bridge exited (${code}): ${stderr}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { url, stop, stderr: () => stderr };
}

/** Runs one scenario against `url`: its counts, the failing check ids, and whether it passed. */
async function runScenario(scenario, url, scratch, label) {
  const outputDir = scratch.path(`${label}-${scenario}`);
  const { code, output } = await runSuite(['server', '--url', url, '--scenario', scenario, '--output-dir', outputDir], {
    timeoutMs: SCENARIO_TIMEOUT_MS,
  });
  const checks = readChecks(outputDir);
  const counts = countChecks(checks);
  const failures = (checks ?? []).filter((check) => check.status === 'FAILURE');
  const passed = checks !== undefined && code === 0 && failures.length === 0;
  return { counts, failures, passed, code, output };
}

function summary({ counts, code }) {
  return `${counts.SUCCESS} passed, ${counts.FAILURE} failed, ${counts.SKIPPED} skipped, ${counts.WARNING} warnings (exit ${code})`;
}

const fixture = await startHttpTasksExtensionFixture({ pollIntervalMs: 200 });
const bridge = await startBridge(fixture.url.href);
const scratch = scratchDirectory('toolwright-bridge-conformance-');
const started = Date.now();
let failed = false;
let passedThrough = 0;
let passedDirectly = 0;
try {
  if (pinProblem()) {
    console.error(pinProblem());
    failed = true;
  }
  let scenarios = SCENARIOS;
  if (direct) {
    const { output } = await runSuite(['list'], { timeoutMs: SCENARIO_TIMEOUT_MS });
    scenarios = output
      .split(/^Client scenarios/m)[0]
      .split('\n')
      .map((line) => /^\s+- (\S+) \[/.exec(line)?.[1])
      .filter(Boolean);
  }
  const directPasses = [];
  for (const scenario of scenarios) {
    let directResult;
    if (direct) {
      directResult = await runScenario(scenario, fixture.url.href, scratch, 'direct');
      if (!directResult.passed) {
        console.log(`${'(fails directly)'.padEnd(22)} ${scenario}: ${summary(directResult)}`);
        continue;
      }
      directPasses.push(scenario);
      passedDirectly += 1;
    }
    const result = await runScenario(scenario, bridge.url, scratch, 'bridge');
    const expected = EXPECTED_DIFFERENCES.get(scenario);
    const failing = result.failures.map((check) => check.id);
    let verdict;
    const notes = [];
    if (!expected) {
      verdict = result.passed ? 'PASS' : 'FAIL';
      for (const check of result.failures) notes.push(`FAILURE ${check.id}: ${check.errorMessage ?? ''}`);
      if (!result.passed && result.failures.length === 0) notes.push(`the suite exited with ${result.code}`);
    } else if (result.passed) {
      verdict = 'UNEXPECTED PASS';
      notes.push(`remove '${scenario}' from EXPECTED_DIFFERENCES: it passes through the bridge now`);
    } else {
      const unlisted = failing.filter((id) => !expected.checks.includes(id));
      const nowPassing = expected.checks.filter((id) => !failing.includes(id));
      verdict = unlisted.length === 0 && nowPassing.length === 0 ? 'EXPECTED DIFFERENCE' : 'FAIL';
      if (verdict === 'EXPECTED DIFFERENCE') notes.push(`why: ${expected.reason}`);
      for (const id of unlisted) notes.push(`not an expected difference: ${id}`);
      for (const id of nowPassing) notes.push(`listed but passing now, remove: ${id}`);
    }
    if (verdict === 'PASS') passedThrough += 1;
    if (verdict === 'FAIL' || verdict === 'UNEXPECTED PASS') failed = true;
    const directNote = directResult ? ` | directly: ${summary(directResult)}` : '';
    console.log(`${verdict.padEnd(22)} ${scenario}: ${summary(result)}${directNote}`);
    for (const note of notes) console.log(`    ${note}`);
    if (verdict === 'FAIL') console.log(tail(result.output));
  }
  if (direct) {
    const missing = directPasses.filter((scenario) => !SCENARIOS.includes(scenario));
    const extra = SCENARIOS.filter((scenario) => !directPasses.includes(scenario));
    if (missing.length > 0 || extra.length > 0) {
      failed = true;
      console.log(
        `SCENARIOS differs from what the fixture passes directly: add ${JSON.stringify(missing)}, remove ${JSON.stringify(extra)}`,
      );
    }
  }
} finally {
  await bridge.stop();
  await fixture.close();
  scratch.remove();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `conformance ${suiteVersion} server scenarios through the bridge: ${passedThrough} passed, ` +
    `${EXPECTED_DIFFERENCES.size} differing by design` +
    (direct
      ? ` (the fixture passes ${passedDirectly} directly)`
      : ` (of ${SCENARIOS.length} the fixture passes directly)`) +
    ` in ${seconds} s: ${failed ? 'FAILED' : 'OK'}`,
);
process.exit(failed ? 1 : 0);
