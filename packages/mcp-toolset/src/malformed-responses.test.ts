import { describe, expect, it } from 'vitest';
import { repairingFetch } from './malformed-responses.ts';

/** The body of an SSE response from `chunks`, as a fetch of it through repairingFetch returns it. */
async function throughRepair(chunks: readonly Uint8Array[]): Promise<Uint8Array> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const source = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const response = await repairingFetch(async () => source)('http://127.0.0.1/mcp');
  return new Uint8Array(await response.arrayBuffer());
}

/** `bytes` cut into pieces at `cuts`. */
function cut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const edges = [0, ...cuts, bytes.length];
  return edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('repairingFetch over server-sent events', () => {
  const good =
    'event: message\r\nid: 1\r\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"héllo ✓"}]}}\r\n\r\n' +
    ': keep-alive\n\n' +
    'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}\n\n' +
    'data: {"jsonrpc":"2.0","id":2,"result":{}}\n\npartial';

  it('passes well-formed events through as the same bytes, however the chunks fall', async () => {
    const bytes = encoder.encode(good);
    // Every cut, including inside a delimiter and inside a multi-byte character.
    for (let at = 1; at < bytes.length; at++) expect(await throughRepair(cut(bytes, [at]))).toEqual(bytes);
    expect(await throughRepair(cut(bytes, [3, 50, 51, 52, 120, 200]))).toEqual(bytes);
  });

  it('rewrites only the event that carries a malformed response, keeping its id and the rest', async () => {
    const stream =
      'data: {"jsonrpc":"2.0","id":1,"result":{"ok":true}}\n\n' +
      'event: message\r\ndata: {"jsonrpc":"2.0","id":7,"result":"not an object"}\r\n\r\n' +
      'data: {"jsonrpc":"2.0","id":8,"result":{"ok":"✓"}}\n\n';
    const bytes = encoder.encode(stream);
    for (const cuts of [[], [60], [70, 71, 72], [bytes.length - 3]]) {
      const text = decoder.decode(await throughRepair(cut(bytes, cuts)));
      const events = text.split(/\r?\n\r?\n/);
      expect(events[0]).toBe('data: {"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
      expect(events[1]).toMatch(/^event: message\ndata: \{"jsonrpc":"2\.0","id":7,"error":\{"code":-32603,/);
      expect(events[1]).toContain('malformed response: the result is a string, not an object');
      expect(events[2]).toBe('data: {"jsonrpc":"2.0","id":8,"result":{"ok":"✓"}}');
    }
  });
});
