// The bridge's own HTTP serving, in process: sessions of 2025 hosts end when a host leaves without
// ending its session, but not while it listens; requests naming another host are refused.
import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { stdioFixture } from '@toolwright/testing';
import { describe, expect, it, vi } from 'vitest';
import { Bridge } from './bridge.ts';

// Each test starts the fixture server as a child process: slower than the default bound on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

/** A POST of `tools/list` in session `sessionId`: its HTTP status. */
async function listIn(url: URL, sessionId: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('HTTP serving', () => {
  it('ends a 2025 session its host left without ending it, and keeps one whose host listens', async () => {
    await using fixture = stdioFixture();
    await using bridge = new Bridge({
      upstreams: [{ name: 'upstream', source: { command: fixture.command, args: fixture.args } }],
    });
    const serving = await bridge.serveHttp(0, { sessionIdleMs: 300 });
    const listening = new Client({ name: 'listening', version: '1.0.0' });
    const listeningTransport = new StreamableHTTPClientTransport(serving.url);
    await listening.connect(listeningTransport);
    const leaving = new Client({ name: 'leaving', version: '1.0.0' });
    const leavingTransport = new StreamableHTTPClientTransport(serving.url);
    await leaving.connect(leavingTransport);
    const left = leavingTransport.sessionId as string;
    expect(await listIn(serving.url, left)).toBe(200);
    await leaving.close(); // no DELETE: the session stays behind
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await listIn(serving.url, left)).toBe(404);
    // The listening host's GET stream kept its session open all along.
    expect((await listening.listTools()).tools.length).toBeGreaterThan(0);
    await listening.close();
  });

  it('refuses a request that names a host or an origin other than loopback (DNS rebinding)', async () => {
    await using fixture = stdioFixture();
    await using bridge = new Bridge({
      upstreams: [{ name: 'upstream', source: { command: fixture.command, args: fixture.args } }],
    });
    const serving = await bridge.serveHttp();
    for (const header of [{ host: 'evil.example' }, { origin: 'http://evil.example' }]) {
      // node:http sends the Host header as given (fetch may put the URL's in its place).
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(
          serving.url,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...header },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
      });
      expect(status, JSON.stringify(header)).toBe(403);
    }
  });
});
