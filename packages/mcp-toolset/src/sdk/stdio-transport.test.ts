// The stdio line buffer (repair, and a message limit that keeps the connection) and the write queue,
// each against the SDK's own StdioClientTransport where the SDK is involved.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type JSONRPCMessage, ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  DEFAULT_CLOSE_GRACE_MS,
  endChild,
  LineBuffer,
  oversizedMessage,
  prepareStdioTransport,
} from './stdio-transport.ts';

/** Feeds `text` to `buffer` in chunks of `size` bytes and reads every message (or error) it gives. */
function feed(buffer: LineBuffer, text: string, size = 7): (JSONRPCMessage | Error)[] {
  const read: (JSONRPCMessage | Error)[] = [];
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) {
    buffer.append(bytes.subarray(start, start + size));
    for (;;) {
      try {
        const message = buffer.readMessage();
        if (message === null) break;
        read.push(message);
      } catch (error) {
        read.push(error as Error);
      }
    }
  }
  return read;
}

const long = 'x'.repeat(500);

describe('the stdio line buffer', () => {
  it('reads lines split across chunks, CRLF included, and repairs a malformed response', () => {
    const read = feed(
      new LineBuffer(1_000),
      '{"jsonrpc":"2.0","method":"notifications/initialized"}\r\n{"jsonrpc":"2.0","id":3,"result":"not an object"}\n',
    );
    expect(read[0]).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(read[1]).toMatchObject({ jsonrpc: '2.0', id: 3, error: { code: -32603 } });
  });

  it.each([
    ['its id last, as the SDK servers write it', `{"result":{"text":"${long}"},"jsonrpc":"2.0","id":5}`, 5],
    ['its id first', `{"jsonrpc":"2.0","id":"toolwright-raw-9","result":{"text":"${long}"}}`, 'toolwright-raw-9'],
    ['an error answer', `{"jsonrpc":"2.0","id":6,"error":{"code":-1,"message":"${long}"}}`, 6],
  ])('answers a response over the limit (%s) with an error for its request, and reads on', (_how, line, id) => {
    const read = feed(new LineBuffer(100), `${line}\n{"jsonrpc":"2.0","id":8,"result":{}}\n`);
    expect(read).toHaveLength(2);
    const answer = read[0] as { id: unknown; error: { code: number; message: string; data: unknown } };
    expect(answer.id).toBe(id);
    expect(answer.error.message).toContain(`of ${Buffer.byteLength(line)} bytes, over the limit of 100 bytes`);
    expect(read[1]).toEqual({ jsonrpc: '2.0', id: 8, result: {} });
  });

  it('drops a notification or a server request over the limit with a report, and reads on', () => {
    const read = feed(
      new LineBuffer(100),
      `{"jsonrpc":"2.0","method":"notifications/tasks","params":{"statusMessage":"${long}","id":4}}\n` +
        `{"method":"elicitation/create","params":{"message":"${long}"},"jsonrpc":"2.0","id":3}\n` +
        '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
    );
    expect(read).toHaveLength(3);
    expect(read[0]).toBeInstanceOf(Error);
    expect((read[0] as Error).message).toContain('not an answer to a request');
    expect(read[1]).toBeInstanceOf(Error);
    expect(read[2]).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  it('skips a line over the limit that comes in one chunk, and one that arrives after a complete line', () => {
    const line = `{"result":{"text":"${long}"},"jsonrpc":"2.0","id":1}`;
    const whole = feed(new LineBuffer(100), `${line}\n`, 10_000);
    expect(whole[0]).toMatchObject({ id: 1, error: { code: -32603 } });
    const after = feed(new LineBuffer(100), `{"jsonrpc":"2.0","id":0,"result":{}}\n${line}\n`, 10_000);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ id: 1, error: { code: -32603 } });
  });

  it('marks its error answers so the toolset can name the limit', () => {
    const [answer] = feed(new LineBuffer(100), `{"result":{"text":"${long}"},"jsonrpc":"2.0","id":2}\n`) as {
      error: { code: number; message: string; data: unknown };
    }[];
    const error = JsonRpcError.fromError(answer?.error.code ?? 0, answer?.error.message ?? '', answer?.error.data);
    expect(oversizedMessage(error)).toEqual({ limit: 100 });
    expect(oversizedMessage(new Error('x'))).toBeUndefined();
  });
});

describe('the SDK stdio transport, prepared', () => {
  it('still has the read buffer it replaces (a canary: a later SDK without it keeps its own buffer)', () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ['-e', ''] });
    expect((transport as unknown as { _readBuffer?: unknown })._readBuffer).toBeDefined();
    prepareStdioTransport(transport, 1_000, DEFAULT_CLOSE_GRACE_MS);
    expect((transport as unknown as { _readBuffer?: unknown })._readBuffer).toBeInstanceOf(LineBuffer);
  });

  it('lets at most one write wait for a pipe the child does not read, however many are sent at once', async () => {
    // A child that never reads stdin: after the pipe's buffer fills, every write waits for 'drain'.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 20000)'],
      stderr: 'ignore',
    });
    prepareStdioTransport(transport, 1_000, DEFAULT_CLOSE_GRACE_MS);
    await transport.start();
    const stdin = (transport as unknown as { _process?: { stdin: import('node:stream').Writable } })._process?.stdin;
    expect(stdin).toBeDefined();
    const text = 'y'.repeat(4_096);
    for (let id = 0; id < 200; id++)
      void transport.send({ jsonrpc: '2.0', id, method: 'ping', params: { text } }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stdin?.listenerCount('drain')).toBeLessThanOrEqual(1);
    expect(stdin?.writableLength).toBeGreaterThan(0); // the pipe is full: the sends did wait
    await transport.close();
  }, 20_000);

  it('makes a second close() wait for the child the first one is ending', async () => {
    // A child that does not exit when its stdin closes, so the first close() waits out the grace.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      stderr: 'ignore',
    });
    prepareStdioTransport(transport, 1_000, 100);
    await transport.start();
    const child = (transport as unknown as { _process?: import('node:child_process').ChildProcess })._process;
    const first = transport.close();
    await transport.close();
    expect(child?.signalCode).toBe('SIGTERM');
    await first;
  });
});

/** A real child running `code`, started (it has printed 'ready'), killed at the end of the test if still there. */
async function child(code: string) {
  const started = spawn(process.execPath, ['-e', `${code}; process.stdout.write('ready\\n')`], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  onTestFinished(() => {
    if (started.exitCode === null && started.signalCode === null) started.kill('SIGKILL');
  });
  await once(started.stdout, 'data');
  started.stdout.resume();
  return started;
}

describe('closing a stdio child (the MCP stdio shutdown: stdin, then SIGTERM, then SIGKILL)', () => {
  // The graces below are long where the child must not need them: were the timer what ended the
  // wait, the test would time out; short where it must, so the test does not wait in vain.
  it('ends a child that exits when its stdin closes by closing stdin alone, without waiting out the grace', async () => {
    const exits = await child('process.stdin.resume()');
    expect(await endChild(exits, 600_000)).toBe('exited');
    expect({ code: exits.exitCode, signal: exits.signalCode }).toEqual({ code: 0, signal: null });
  });

  it('sends SIGTERM after the grace to a child that does not exit when its stdin closes', async () => {
    const lingers = await child('setInterval(() => {}, 1000)');
    expect(await endChild(lingers, 100)).toBe('terminated');
    expect(lingers.signalCode).toBe('SIGTERM');
  });

  it('sends SIGKILL after another grace to a child that ignores SIGTERM', async () => {
    const stubborn = await child("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    expect(await endChild(stubborn, 100)).toBe('killed');
    expect(stubborn.signalCode).toBe('SIGKILL');
  });

  it('says so of a child that had already ended', async () => {
    const done = spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'pipe', 'ignore'] });
    await once(done, 'close');
    expect(await endChild(done, 600_000)).toBe('ended before');
  });
});
