// What becomes of a stdio server's stderr. By default each line is written to the parent's stderr
// labelled with the server's id, as hosts do: a server's own warnings and stack traces (server-everything
// prints some when a task is cancelled) then cannot be taken for the application's or Toolwright's.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * What to do with a stdio server's stderr: `'label'` (the default) writes each line to this process's
 * stderr as `[id] line`; `'inherit'` passes it through as it is; `'ignore'` drops it; a function is
 * called with each line (without its newline).
 */
export type StdioStderr = 'label' | 'inherit' | 'ignore' | ((line: string) => void);

/** A line longer than this (no newline yet) is handed over in parts: a server cannot make the client hoard its output. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Calls `onLine` with each line `stream` carries, the last one too when it ends without a newline.
 * A callback that throws does not stop the lines that follow, nor the connection.
 */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const deliver = (line: string) => {
    try {
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    } catch {
      // The application's callback failed on one line; the server's output goes on.
    }
  };
  stream.on('data', (chunk: Buffer | string) => {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      deliver(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
    while (pending.length > MAX_LINE_CHARS) {
      deliver(pending.slice(0, MAX_LINE_CHARS));
      pending = pending.slice(MAX_LINE_CHARS);
    }
  });
  stream.on('end', () => {
    pending += decoder.end();
    if (pending !== '') deliver(pending);
    pending = '';
  });
  // A broken pipe ends the lines; the transport reports the child's end.
  stream.on('error', () => undefined);
}

/** Writes `line` to this process's stderr, labelled with the server's id. */
export function labelledLine(label: string): (line: string) => void {
  return (line) => {
    process.stderr.write(`[${label}] ${line}\n`);
  };
}
