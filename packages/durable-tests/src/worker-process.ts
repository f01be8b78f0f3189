import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig } from './worker.ts';

const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** A worker process the test started: its reports, and its pid for signals. */
export interface WorkerProcess {
  readonly owner: string;
  readonly child: ChildProcess;
  /** Every JSON line it printed so far. */
  readonly lines: Record<string, unknown>[];
  /** The reports of one type. */
  reports(type: string): Record<string, unknown>[];
  /** Sends a signal to this process (by its pid). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once it exited (bounded by `timeoutMs`, then killed). */
  exit(timeoutMs?: number): Promise<void>;
}

/**
 * Starts `worker.ts` with `config` under this Node (the workspace's, with node:sqlite), from source.
 * `killWhen` kills it (SIGKILL) the moment it prints a line that matches, with no delay to hide races.
 */
export function startWorker(
  config: WorkerConfig,
  killWhen?: (line: Record<string, unknown>, lines: readonly Record<string, unknown>[]) => boolean,
): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@toolwright/source', '--no-warnings', workerScript, JSON.stringify(config)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (killWhen?.(parsed, lines) && child.pid !== undefined && child.exitCode === null) {
        process.kill(child.pid, 'SIGKILL');
      }
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null && stderr) console.error(`worker ${config.owner} exited ${code}:\n${stderr}`);
      resolve();
    });
  });
  return {
    owner: config.owner,
    child,
    lines,
    reports: (type) => lines.filter((line) => line.type === type),
    signal(signal) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
        process.kill(child.pid, signal);
    },
    async exit(timeoutMs = 10_000) {
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          process.kill(child.pid, 'SIGCONT');
          process.kill(child.pid, 'SIGKILL');
        }
      }, timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
