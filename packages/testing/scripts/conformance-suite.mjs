// The pinned official MCP conformance suite, as the conformance scripts use it: where its CLI is, one
// run of it with a time limit, and the checks.json it writes. Shared by the server-side tasks script
// beside this file and the client-side runner of @toolwright/mcp-toolset.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The suite's 10 `tasks-*` server scenarios (SEP-2663, the tasks extension), in the order the scripts run them. */
export const TASKS_SCENARIOS = [
  'tasks-lifecycle',
  'tasks-capability-negotiation',
  'tasks-wire-fields',
  'tasks-request-state-removal',
  'tasks-mrtr-input',
  'tasks-request-headers',
  'tasks-dispatch-and-envelope',
  'tasks-status-notifications',
  'tasks-required-task-error',
  'tasks-mrtr-composition',
];

/** The suite version the scripts are written against; a different installed version fails the run. */
export const PINNED_VERSION = '0.2.0-alpha.12';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const suitePackage = require.resolve('@modelcontextprotocol/conformance/package.json');

/** The installed suite's version. */
export const suiteVersion = JSON.parse(readFileSync(suitePackage, 'utf8')).version;

/** Why the installed suite cannot be trusted to mean what the scripts expect, or undefined when it is the pinned one. */
export function pinProblem() {
  return suiteVersion === PINNED_VERSION
    ? undefined
    : `conformance suite is ${suiteVersion}, this script is pinned to ${PINNED_VERSION}`;
}

/** Runs the suite's CLI with `args`; resolves with its exit code and all it printed. Killed after `timeoutMs`. */
export function runSuite(args, { timeoutMs, cwd } = { timeoutMs: 120_000 }) {
  const cli = join(dirname(suitePackage), 'dist', 'index.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

/** The checks.json the suite wrote for one scenario under `outputDir` (undefined: it ran nothing). */
export function readChecks(outputDir) {
  const files = [];
  const walk = (directory) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'checks.json') files.push(path);
    }
  };
  if (existsSync(outputDir)) walk(outputDir);
  if (files.length !== 1) return undefined;
  return JSON.parse(readFileSync(files[0], 'utf8'));
}

/** How many checks have each status. */
export function countChecks(checks) {
  const counts = { SUCCESS: 0, FAILURE: 0, SKIPPED: 0, WARNING: 0, INFO: 0 };
  for (const check of checks ?? []) counts[check.status] = (counts[check.status] ?? 0) + 1;
  return counts;
}

/** A fresh temporary directory for the suite's output: `path` of one run's directory, and `remove()`. */
export function scratchDirectory(prefix) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { path: (name) => join(root, name), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The last `lines` lines of a run's output, for a failure's report. */
export function tail(output, lines = 40) {
  return output.split('\n').slice(-lines).join('\n');
}
