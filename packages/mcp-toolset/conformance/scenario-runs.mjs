// What the runners of the official suite's client scenarios share (run-client-scenarios.mjs and
// run-auth-scenarios.mjs beside this file): the versions the suite lists for each scenario, one run
// of a scenario against a client command, the problems a run shows, and the verdict against a list
// of expected failures that may only shrink.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countChecks, readChecks, runSuite } from '../../testing/scripts/conformance-suite.mjs';

/** This package's folder: the client commands run from it. */
export const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** scenario → what the suite's `list` prints in brackets for it: protocol versions, or `extension`. */
export async function listedClientScenarios(timeoutMs) {
  const { output } = await runSuite(['list'], { timeoutMs });
  const clientSection = output.split(/^Client scenarios.*$/m)[1]?.split(/^\S.*$/m)[0] ?? '';
  const listed = new Map();
  for (const match of clientSection.matchAll(/^\s*- (\S+) \[([^\]]*)\]$/gm)) listed.set(match[1], match[2].split(','));
  return listed;
}

/** Whether a listed tag is a protocol version (the rest, like `extension`, are not). */
export function isProtocolVersion(tag) {
  return /^\d{4}-\d{2}-\d{2}$/.test(tag);
}

/**
 * Runs one scenario (at `version`, or with no `--spec-version` when undefined) against `command`;
 * resolves with the suite's checks (undefined when it wrote none), their counts, its output, and
 * its overall verdict line (true: "OVERALL: PASSED", which counts warnings and, unless the
 * scenario allows it, a client that exited non-zero, as failures).
 */
export async function runScenario({ command, scenario, version, outputDir, clientTimeoutMs, timeoutMs }) {
  const args = ['client', '--command', command, '--scenario', scenario];
  if (version !== undefined) args.push('--spec-version', version);
  args.push('--timeout', String(clientTimeoutMs), '--output-dir', outputDir);
  const { output } = await runSuite(args, { timeoutMs, cwd: packageRoot });
  const checks = readChecks(outputDir);
  return { checks, counts: countChecks(checks), output, overallPassed: output.includes('OVERALL: PASSED') };
}

/**
 * What went wrong in one run: a FAILURE check, a WARNING check when `warningsFail`, no checks, a
 * skipped scenario, a client that exited non-zero or timed out (as the suite reports it).
 */
export function problemsOf({ checks, output }, { warningsFail = false } = {}) {
  const problems = [];
  if (output.includes('SKIPPED: scenario')) problems.push({ text: 'the suite skipped the whole scenario' });
  if (!checks) problems.push({ text: 'the suite wrote no checks (the scenario did not run)' });
  else if (!checks.some((check) => check.status === 'SUCCESS')) problems.push({ text: 'no check succeeded' });
  for (const check of checks ?? []) {
    if (check.status === 'FAILURE' || (warningsFail && check.status === 'WARNING'))
      problems.push({
        check: check.id,
        text: `${check.status} ${check.id}: ${check.errorMessage ?? check.description ?? check.name}`,
      });
  }
  const exit = /Client exited with code (-?\d+)/.exec(output);
  if (exit && output.includes('CLIENT EXITED WITH ERROR'))
    problems.push({ text: `the client command exited with ${exit[1]}` });
  if (/client timed out/i.test(output)) problems.push({ text: 'the client command timed out' });
  return problems;
}

/**
 * PASS, EXPECTED FAIL (exactly the listed checks fail), UNEXPECTED PASS, or FAIL (an unlisted
 * problem, or a listed check that passes now: the list must shrink with the truth).
 */
export function verdictOf(key, problems, expectedFailures) {
  const expected = expectedFailures.get(key);
  if (!expected) return { verdict: problems.length === 0 ? 'PASS' : 'FAIL', notes: problems.map((p) => p.text) };
  if (problems.length === 0)
    return { verdict: 'UNEXPECTED PASS', notes: [`remove '${key}' from EXPECTED_FAILURES: it passes now`] };
  const unlisted = problems.filter((p) => !p.check || !expected.checks.includes(p.check));
  const failing = new Set(problems.map((p) => p.check));
  const nowPassing = expected.checks.filter((id) => !failing.has(id));
  if (unlisted.length === 0 && nowPassing.length === 0)
    return { verdict: 'EXPECTED FAIL', notes: [`why: ${expected.reason}`] };
  const notes = unlisted.map((p) => `not an expected failure: ${p.text}`);
  if (nowPassing.length > 0)
    notes.push(`listed in EXPECTED_FAILURES['${key}'] but passing now, remove: ${nowPassing.join(', ')}`);
  return { verdict: 'FAIL', notes };
}

/** Runs `jobs` (functions returning promises) with at most `limit` at once; resolves with their results in order. */
export async function inPool(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** The runs asked for on the command line (scenario or scenario@version), or all of them. */
export function selectedRuns(runs, wanted = process.argv.slice(2)) {
  if (wanted.length === 0) return runs;
  return runs.filter(({ scenario, version }) => wanted.includes(scenario) || wanted.includes(`${scenario}@${version}`));
}
