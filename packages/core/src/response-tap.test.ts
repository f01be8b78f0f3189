import { describe, expect, it } from 'vitest';
import { ResponseTap, type TappableTransport } from './response-tap.ts';

/** A transport whose peer answers each request by `answer`, and whose client records what reaches it. */
function loopback(answer: (request: { id: string; method: string }) => unknown) {
  const delivered: unknown[] = [];
  const sent: unknown[] = [];
  const transport: TappableTransport = {
    onmessage: (message: unknown) => delivered.push(message),
    async send(message: { id: string; method: string }) {
      sent.push(message);
      const reply = answer(message);
      if (reply !== undefined) queueMicrotask(() => transport.onmessage?.(reply));
    },
  };
  return { transport, delivered, sent };
}

describe('ResponseTap', () => {
  it("takes the answers to its own requests off the transport and hands everything else on to the client's callback", async () => {
    const { transport, delivered, sent } = loopback((request) =>
      request.method === 'fails'
        ? { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'no' } }
        : { jsonrpc: '2.0', id: request.id, result: { echoed: request.method } },
    );
    const tap = new ResponseTap(transport, 'raw');
    expect(await tap.request({ method: 'ping', params: { a: 1 } })).toEqual({
      kind: 'result',
      result: { echoed: 'ping' },
    });
    expect(await tap.request({ method: 'fails' })).toEqual({ kind: 'error', error: { code: -32601, message: 'no' } });
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 'raw-1', method: 'ping', params: { a: 1 } },
      { jsonrpc: '2.0', id: 'raw-2', method: 'fails' },
    ]);
    // The client's own traffic (numeric ids, notifications, ids the tap is not waiting for) passes through.
    const others = [
      { jsonrpc: '2.0', id: 7, result: {} },
      { jsonrpc: '2.0', method: 'notifications/progress', params: {} },
      { jsonrpc: '2.0', id: 'raw-1', result: { late: true } },
    ];
    for (const message of others) transport.onmessage?.(message);
    expect(delivered).toEqual(others);
  });

  it('stops waiting for a forgotten request, or for all of them, and lets their answers through', () => {
    const { transport, delivered } = loopback(() => undefined);
    const tap = new ResponseTap(transport, 'raw');
    const settled: unknown[] = [];
    tap.expect('raw-a', (answer) => settled.push(answer));
    tap.expect('raw-b', (answer) => settled.push(answer));
    tap.forget('raw-a');
    transport.onmessage?.({ jsonrpc: '2.0', id: 'raw-a', result: 1 });
    const waits = tap.forgetAll();
    expect(waits).toHaveLength(1);
    transport.onmessage?.({ jsonrpc: '2.0', id: 'raw-b', result: 2 });
    expect(settled).toEqual([]);
    expect(delivered).toHaveLength(2);
  });

  it('rejects with the send error, and waits no longer for that request', async () => {
    const broken = new Error('socket closed');
    const delivered: unknown[] = [];
    const transport: TappableTransport = {
      onmessage: (message: unknown) => delivered.push(message),
      send: () => Promise.reject(broken),
    };
    const tap = new ResponseTap(transport, 'raw');
    await expect(tap.request({ method: 'ping' })).rejects.toBe(broken);
    transport.onmessage?.({ jsonrpc: '2.0', id: 'raw-1', result: {} });
    expect(delivered).toHaveLength(1);
  });
});
