import { type JSONRPCMessage, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it, vi } from 'vitest';
import { repairingFetch } from './malformed-responses.ts';

/** A response through repairingFetch whose body is `chunks`. */
async function fetchThroughRepair(chunks: readonly Uint8Array[], type: string): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const source = new Response(body, { headers: { 'content-type': type } });
  return repairingFetch(async () => source)('http://127.0.0.1/mcp');
}

/** The text of `response`'s body piped through `decoder`. */
async function bodyText(response: Response, decoder: ReadableWritablePair<string, Uint8Array>): Promise<string> {
  if (response.body === null) throw new Error('the response has no body');
  let text = '';
  for await (const piece of response.body.pipeThrough(decoder)) text += piece;
  return text;
}

/** The text of an SSE response from `chunks` fetched through repairingFetch, read as the SDK reads it. */
async function throughRepair(chunks: readonly Uint8Array[]): Promise<string> {
  return bodyText(await fetchThroughRepair(chunks, 'text/event-stream'), new TextDecoderStream());
}

/** `bytes` cut into pieces at `cuts`. */
function cut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const edges = [0, ...cuts, bytes.length];
  return edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
}

const encoder = new TextEncoder();

describe('repairingFetch over server-sent events', () => {
  const good =
    'event: message\r\nid: 1\r\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"héllo ✓"}]}}\r\n\r\n' +
    ': keep-alive\n\n' +
    'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}\n\n' +
    'data: {"jsonrpc":"2.0","id":2,"result":{}}\n\npartial';

  it('passes well-formed events through as the same bytes, however the chunks fall', async () => {
    const bytes = encoder.encode(good);
    // Every cut, including inside a delimiter and inside a multi-byte character.
    for (let at = 1; at < bytes.length; at++) expect(await throughRepair(cut(bytes, [at]))).toBe(good);
    expect(await throughRepair(cut(bytes, [3, 50, 51, 52, 120, 200]))).toBe(good);
  });

  it('rewrites only the event that carries a malformed response, keeping its id and the rest', async () => {
    const stream =
      'data: {"jsonrpc":"2.0","id":1,"result":{"ok":true}}\n\n' +
      'event: message\r\ndata: {"jsonrpc":"2.0","id":7,"result":"not an object"}\r\n\r\n' +
      'data: {"jsonrpc":"2.0","id":8,"result":{"ok":"✓"}}\n\n';
    const bytes = encoder.encode(stream);
    for (const cuts of [[], [60], [70, 71, 72], [bytes.length - 3]]) {
      const text = await throughRepair(cut(bytes, cuts));
      const events = text.split(/\r?\n\r?\n/);
      expect(events[0]).toBe('data: {"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
      expect(events[1]).toMatch(/^event: message\ndata: \{"jsonrpc":"2\.0","id":7,"error":\{"code":-32603,/);
      expect(events[1]).toContain('malformed response: the result is a string, not an object');
      expect(events[2]).toBe('data: {"jsonrpc":"2.0","id":8,"result":{"ok":"✓"}}');
    }
  });

  it('ends lines at a lone CR too, and repairs such an event however the chunks fall', async () => {
    const stream = 'data: {"jsonrpc":"2.0","id":3,"result":[1]}\r\rdata: {"jsonrpc":"2.0","id":4,"result":{}}\r\r';
    const bytes = encoder.encode(stream);
    for (let at = 1; at < bytes.length; at++) {
      const events = (await throughRepair(cut(bytes, [at]))).split(/\r|\n/).filter((line) => line.length > 0);
      expect(events).toHaveLength(2);
      expect(events[0]).toMatch(/^data: \{"jsonrpc":"2\.0","id":3,"error":\{"code":-32603,/);
      expect(events[0]).toContain('the result is an array, not an object');
      expect(events[1]).toBe('data: {"jsonrpc":"2.0","id":4,"result":{}}');
    }
  });

  it('hands on a large event that arrives in many chunks as it came, and repairs one', async () => {
    const text = 'ü'.repeat(200_000);
    const good = `event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"text":"${text}"}}\n\n`;
    const bytes = encoder.encode(good);
    const cuts = Array.from(
      { length: 999 },
      (_, index) => Math.floor(((index + 1) * bytes.length) / 1000) + (index % 2),
    );
    expect(await throughRepair(cut(bytes, cuts))).toBe(good);
    const bad = encoder.encode(`data: {"jsonrpc":"2.0","id":2,"result":"${text}"}\n\n`);
    const repaired = await throughRepair(
      cut(
        bad,
        cuts.filter((at) => at < bad.length),
      ),
    );
    expect(repaired).toMatch(
      /^data: \{"jsonrpc":"2\.0","id":2,"error":\{"code":-32603,.*the result is a string, not an object/,
    );
  });

  it('passes a body piped through anything but a TextDecoderStream as it is, and says once that it could not repair it', async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    try {
      const stream = 'data: {"jsonrpc":"2.0","id":7,"result":"not an object"}\n\n';
      for (let round = 0; round < 2; round++) {
        const response = await fetchThroughRepair([encoder.encode(stream)], 'text/event-stream');
        const decoder = new TransformStream<Uint8Array, string>({
          transform: (chunk, controller) => controller.enqueue(new TextDecoder().decode(chunk)),
        });
        expect(await bodyText(response, decoder)).toBe(stream);
      }
      await vi.waitFor(() => expect(warnings).toHaveLength(1));
      expect(warnings[0]).toMatchObject({ name: 'ToolwrightWarning', code: 'TOOLWRIGHT_SDK_SEAM' });
      expect(warnings[0]?.message).toContain('StreamableHTTPClientTransport response reading');
    } finally {
      process.off('warning', listener);
    }
  });
});

describe('repairingFetch over JSON', () => {
  it('repairs a malformed response in a single message or a batch, as response.json() reads it', async () => {
    const single = await fetchThroughRepair(
      [encoder.encode('{"jsonrpc":"2.0","id":1,"result":"x"}')],
      'application/json',
    );
    expect(await single.json()).toMatchObject({
      id: 1,
      error: { code: -32603, message: expect.stringContaining('a string, not an object') },
    });
    const batch = '[{"jsonrpc":"2.0","id":1,"result":{"ok":true}},{"jsonrpc":"2.0","id":2}]';
    const both = await fetchThroughRepair([encoder.encode(batch)], 'application/json');
    expect(await both.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: { ok: true } },
      {
        jsonrpc: '2.0',
        id: 2,
        error: {
          code: -32603,
          message: 'malformed response: it has neither a result nor an error',
          data: { 'toolwright/malformed-response': 'it has neither a result nor an error' },
        },
      },
    ]);
  });
});

/**
 * The SDK's Streamable HTTP transport reading an SSE answer to one request through repairingFetch,
 * the answer's text written in `pieces` as the test says: what the transport has delivered so far.
 */
async function sdkReading(type = 'text/event-stream') {
  let body!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      body = controller;
    },
  });
  const server: typeof fetch = async () => new Response(stream, { headers: { 'content-type': type } });
  const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
    fetch: repairingFetch(server),
  });
  const delivered: JSONRPCMessage[] = [];
  transport.onmessage = (message) => delivered.push(message);
  transport.onerror = () => undefined;
  await transport.start();
  await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
  /** Lets the streams settle: every pending read and pipe step runs. */
  const settle = async () => {
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    delivered,
    async write(text: string) {
      body.enqueue(encoder.encode(text));
      await settle();
    },
    async end() {
      body.close();
      await settle();
    },
    close: () => transport.close(),
  };
}

describe('repairingFetch as the SDK reads through it', () => {
  const note = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}';
  const answer = '{"jsonrpc":"2.0","id":1,"result":{"content":[]}}';

  it("delivers an event at once when its blank line's CRLF is split between chunks", async () => {
    const reading = await sdkReading();
    await reading.write(`data: ${note}\r\n\r`);
    await reading.write('\n');
    expect(reading.delivered).toHaveLength(1);
    await reading.close();
  });

  it('delivers an event that ends in a lone CR at once, and the last one when the stream ends', async () => {
    const open = await sdkReading();
    await open.write(`data: ${note}\r\rdata: {"jsonrpc"`);
    expect(open.delivered).toHaveLength(1);
    await open.close();
    const ending = await sdkReading();
    await ending.write(`data: ${answer}\r\r: bye`);
    await ending.end();
    expect(ending.delivered).toEqual([JSON.parse(answer)]);
    await ending.close();
  });

  it('repairs a JSON answer as the SDK reads it (response.json())', async () => {
    const server: typeof fetch = async () =>
      new Response('{"jsonrpc":"2.0","id":1,"result":[1,2]}', { headers: { 'content-type': 'application/json' } });
    const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
      fetch: repairingFetch(server),
    });
    const delivered: JSONRPCMessage[] = [];
    transport.onmessage = (message) => delivered.push(message);
    await transport.start();
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
    expect(delivered).toMatchObject([
      { id: 1, error: { code: -32603, message: 'malformed response: the result is an array, not an object' } },
    ]);
    await transport.close();
  });

  it('repairs whatever the case of the content type', async () => {
    const reading = await sdkReading('Text/Event-Stream; charset=utf-8');
    await reading.write('data: {"jsonrpc":"2.0","id":1,"result":"oops"}\n\n');
    expect(reading.delivered).toMatchObject([
      { id: 1, error: { code: -32603, message: 'malformed response: the result is a string, not an object' } },
    ]);
    await reading.close();
  });
});
