#!/usr/bin/env node
// Runs every auth/* client scenario of the official MCP conformance suite, each at every protocol
// version the suite lists for it (an extension scenario once, with no version), on two sides: the
// toolset with its ready providers (auth-client.ts) and, as the anchor, the raw SDK v2 client with
// its own provider (auth-anchor.ts). Both sides' figures are printed per run and in total.
//
// Usage (from the repository root):
//   node scripts/toolchain.mjs node packages/mcp-toolset/conformance/run-auth-scenarios.mjs [scenario[@version] ...]
//
// A run passes when the suite's own verdict is PASSED (it counts WARNING checks, which the auth
// scenarios use for their SHOULDs, and a client that exited non-zero unless the scenario expects
// the client to refuse) and the checks show no FAILURE or WARNING. EXPECTED_FAILURES lists the
// toolset's runs that fail today, keyed by scenario@version, with the failing check ids and why; as
// in run-client-scenarios.mjs, the list may only shrink. The anchor's runs are figures, not
// verdicts, with one rule: every run the anchor passes, the toolset must pass too.
//
// Runs go CONCURRENCY (3) at a time: each is two processes that spend most of their life starting up.
import {
  PINNED_VERSION,
  pinProblem,
  scratchDirectory,
  suiteVersion,
  tail,
} from '../../testing/scripts/conformance-suite.mjs';
import {
  inPool,
  isProtocolVersion,
  listedClientScenarios,
  problemsOf,
  runScenario,
  selectedRuns,
  verdictOf,
} from './scenario-runs.mjs';

/** The auth scenarios of the pinned suite: the 27 of the core protocol, then the 6 of extensions. */
const SCENARIOS = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/authorization-server-migration',
  'auth/iss-supported',
  'auth/iss-not-advertised',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
  'auth/client-credentials-jwt',
  'auth/client-credentials-basic',
  'auth/enterprise-managed-authorization',
  'auth/dpop',
  'auth/dpop-nonce',
  'auth/wif-jwt-bearer',
];

/** scenario@version → the toolset's checks that fail today and why. Keep it as short as the truth allows. */
const EXPECTED_FAILURES = new Map();

const SIDES = [
  { name: 'toolwright', client: 'conformance/auth-client.ts' },
  { name: 'anchor', client: 'conformance/auth-anchor.ts' },
];
const CONCURRENCY = Number(process.env.CONFORMANCE_CONCURRENCY ?? 3);
// Generous: a run takes 3 to 5 s alone, but on a two-core machine shared with other work a client
// that starts from TypeScript sources can take ten times that; a timeout here is the machine's.
const SCENARIO_TIMEOUT_MS = 240_000;
const CLIENT_TIMEOUT_MS = 180_000;
/** The suite splits the command on spaces and runs it in a shell, which puts quoted parts back together. */
const commandOf = (client) => `"${process.execPath}" --conditions=@toolwright/source ${client}`;

const scratch = scratchDirectory('toolwright-conformance-auth-');
let failed = false;
const started = Date.now();
const totals = Object.fromEntries(
  SIDES.map(({ name }) => [name, { runsPassed: 0, passed: 0, failed: 0, warnings: 0, skipped: 0 }]),
);
const expected = [];
let runs = [];
try {
  if (pinProblem()) {
    console.error(pinProblem());
    failed = true;
  }
  const listed = await listedClientScenarios(SCENARIO_TIMEOUT_MS);
  const unlisted = [...listed.keys()].filter((name) => name.startsWith('auth/') && !SCENARIOS.includes(name));
  for (const name of unlisted) {
    console.log(
      `FAIL  ${name}: the suite ${suiteVersion} lists this auth scenario, which the runner does not run; add it`,
    );
    failed = true;
  }
  for (const scenario of SCENARIOS) {
    const tags = listed.get(scenario);
    if (!tags) {
      console.log(`FAIL  ${scenario}: the suite ${suiteVersion} lists no such client scenario`);
      failed = true;
      continue;
    }
    const versions = tags.filter(isProtocolVersion);
    if (versions.length === 0) runs.push({ scenario, version: undefined });
    for (const version of versions) runs.push({ scenario, version });
  }
  const keyOf = ({ scenario, version }) => (version === undefined ? scenario : `${scenario}@${version}`);
  for (const key of EXPECTED_FAILURES.keys()) {
    if (!runs.some((run) => keyOf(run) === key)) {
      console.log(`FAIL  ${key}: listed as an expected failure but the suite has no such run`);
      failed = true;
    }
  }
  runs = selectedRuns(runs);
  const jobs = runs.flatMap((run) =>
    SIDES.map((side) => async () => {
      const key = keyOf(run);
      const result = await runScenario({
        command: commandOf(side.client),
        scenario: run.scenario,
        version: run.version,
        outputDir: scratch.path(`${side.name}/${key.replace('/', '_')}`),
        clientTimeoutMs: CLIENT_TIMEOUT_MS,
        timeoutMs: SCENARIO_TIMEOUT_MS,
      });
      const problems = problemsOf(result, { warningsFail: true });
      if (!result.overallPassed && problems.length === 0) problems.push({ text: 'the suite says the run FAILED' });
      return { key, side: side.name, result, problems };
    }),
  );
  const outcomes = await inPool(jobs, CONCURRENCY);
  for (let index = 0; index < runs.length; index++) {
    const [toolwright, anchor] = [outcomes[index * 2], outcomes[index * 2 + 1]];
    const key = toolwright.key;
    const { verdict, notes } = verdictOf(key, toolwright.problems, EXPECTED_FAILURES);
    const anchorPassed = anchor.problems.length === 0;
    const mustPass = anchorPassed && verdict !== 'PASS';
    for (const { side, result, problems } of [toolwright, anchor]) {
      const total = totals[side];
      total.passed += result.counts.SUCCESS;
      total.failed += result.counts.FAILURE;
      total.warnings += result.counts.WARNING;
      total.skipped += result.counts.SKIPPED;
      if (problems.length === 0) total.runsPassed += 1;
    }
    if (verdict === 'EXPECTED FAIL') expected.push(key);
    if ((verdict !== 'PASS' && verdict !== 'EXPECTED FAIL') || mustPass) failed = true;
    const figures = ({ result, problems }) =>
      `${problems.length === 0 ? 'pass' : 'FAIL'} ${result.counts.SUCCESS}/${result.counts.SUCCESS + result.counts.FAILURE + result.counts.WARNING}`;
    console.log(
      `${(mustPass ? 'FAIL' : verdict).padEnd(16)} ${key.padEnd(52)} toolwright ${figures(toolwright)}   anchor ${figures(anchor)}`,
    );
    if (mustPass) console.log('    the anchor passes this run, so the toolset must pass it too');
    for (const note of notes) console.log(`    ${note}`);
    if (verdict === 'FAIL' || mustPass) console.log(tail(toolwright.result.output, 30));
    if (!anchorPassed) for (const problem of anchor.problems) console.log(`    anchor: ${problem.text}`);
  }
} finally {
  scratch.remove();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
for (const side of SIDES) {
  const total = totals[side.name];
  console.log(
    `${side.name.padEnd(10)} ${total.runsPassed}/${runs.length} runs passed; checks ${total.passed} passed, ${total.failed} failed, ${total.warnings} warnings, ${total.skipped} skipped`,
  );
}
console.log(
  `conformance ${suiteVersion} (pinned ${PINNED_VERSION}) auth: ${runs.length} runs per side, ${expected.length} expected failures of the toolset, ${CONCURRENCY} at a time, in ${seconds} s: ${failed ? 'FAILED' : 'OK'}`,
);
process.exit(failed ? 1 : 0);
