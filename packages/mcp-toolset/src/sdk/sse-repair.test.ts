// Random SSE streams, cut at random, read as the SDK reads them (TextDecoderStream, then the
// eventsource-parser it uses): what the repair hands on must parse, chunk by chunk, to every event of
// the input with only the malformed responses replaced, and never later than the input itself would.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { describe, expect, it } from 'vitest';
import { repairingFetch, repairResponse } from './malformed-responses.ts';

/** A seeded generator (mulberry32), so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  return { next, below, pick };
}
type Random = ReturnType<typeof generator>;

const WORDS = ['a', 'héllo', '✓', '😀', '日本語', 'q"uote', 'back\\slash', '\u2028', ''];

function message(random: Random): unknown {
  const id = random.pick<string | number>([1, 42, 'abc', 'é✓']);
  const text = random.pick(WORDS).repeat(1 + random.below(30));
  return random.pick<unknown>([
    { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } },
    { jsonrpc: '2.0', id, error: { code: -1, message: text } },
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, message: text } },
    { jsonrpc: '2.0', id, method: 'elicitation/create', params: { message: text } },
    { jsonrpc: '2.0', id, result: text },
    { jsonrpc: '2.0', id, result: [1, text] },
    { jsonrpc: '2.0', id, result: null },
    { jsonrpc: '2.0', id, result: { _meta: text } },
    { jsonrpc: '2.0', id, error: { code: 'x', message: text } },
    { jsonrpc: '2.0', id },
  ]);
}

/** A stream of events with one kind of line end, or all kinds mixed, and now and then an unfinished last event. */
function stream(random: Random): string {
  const ends = random.pick([['\n'], ['\r\n'], ['\r'], ['\n', '\r\n', '\r']]);
  let text = '';
  const line = (value: string) => {
    text += value + random.pick(ends);
  };
  for (let events = random.below(6); events > 0; events--) {
    if (random.next() < 0.1) line(random.pick([': keep-alive', ':']));
    if (random.next() < 0.3) line(`id: ${random.below(100)}`);
    if (random.next() < 0.3) line(random.pick(['event: message', 'event: other', 'retry: 1000']));
    const kind = random.below(10);
    const json = JSON.stringify(message(random), null, random.next() < 0.2 ? 2 : undefined);
    const data = kind < 8 ? json.split('\n') : kind === 8 ? ['not json ✓'] : [];
    for (const value of data) line(`${random.pick(['data: ', 'data:'])}${value}`);
    if (events > 1 || random.next() < 0.8) line('');
  }
  return text;
}

function cut(bytes: Uint8Array, random: Random): Uint8Array[] {
  const longest = random.pick([1, 4, 40, bytes.length]);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = 1 + random.below(longest);
    chunks.push(bytes.slice(at, at + length));
    at += length;
  }
  return chunks;
}

/** The events of `pieces` fed one by one to the parser the SDK uses. */
function parsed(pieces: readonly string[]): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  for (const piece of pieces) parser.feed(piece);
  return events;
}

/** An event as the repair should hand it on: a malformed response's data replaced by its repair. */
function expected(event: EventSourceMessage) {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch {
    return { id: event.id, event: event.event, data: event.data };
  }
  return { id: event.id, event: event.event, data: repairResponse(value) };
}

function needsRepair(event: EventSourceMessage): boolean {
  try {
    const value: unknown = JSON.parse(event.data);
    return repairResponse(value) !== value;
  } catch {
    return false;
  }
}

function comparable(event: EventSourceMessage) {
  let data: unknown = event.data;
  try {
    data = JSON.parse(event.data);
  } catch {}
  return { id: event.id, event: event.event, data };
}

/** The body of `chunks`, read through repairingFetch (or not) as text, piece by piece. */
async function readText(chunks: readonly Uint8Array[], repair: boolean): Promise<string[]> {
  const source = async () =>
    new Response(new Blob(chunks as Uint8Array<ArrayBuffer>[]).stream(), {
      headers: { 'content-type': 'text/event-stream' },
    });
  const response = repair ? await repairingFetch(source)('http://127.0.0.1/mcp') : await source();
  const pieces: string[] = [];
  if (response.body === null) throw new Error('no body');
  for await (const piece of response.body.pipeThrough(new TextDecoderStream())) pieces.push(piece);
  return pieces;
}

/** How many events the SDK's reading has parsed after each chunk arrives, with the repair or without. */
async function eventsAfterEachChunk(chunks: readonly Uint8Array[], repair: boolean): Promise<number[]> {
  let writer!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      writer = controller;
    },
  });
  const source = async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const response = repair ? await repairingFetch(source)('http://127.0.0.1/mcp') : await source();
  if (response.body === null) throw new Error('no body');
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  let count = 0;
  const reading = (async () => {
    while (!(await reader.read()).done) count++;
  })();
  const counts: number[] = [];
  for (const chunk of chunks) {
    writer.enqueue(chunk);
    for (let turn = 0; turn < 6; turn++) await new Promise((resolve) => setImmediate(resolve));
    counts.push(count);
  }
  writer.close();
  await reading;
  return counts;
}

describe('the SSE repair on random streams cut at random', () => {
  it('hands on every event, with only malformed responses replaced, never later than without it', async () => {
    const random = generator(20261124);
    const encoder = new TextEncoder();
    for (let round = 0; round < 400; round++) {
      const text = stream(random);
      const chunks = cut(encoder.encode(text), random);
      const output = await readText(chunks, true);
      const context = { round, text };
      // A ':' after the input ends its last line, since the parser never takes a CR it was fed last as a line end.
      const want = parsed([`${text}:`]).map(expected);
      expect({ ...context, events: parsed(output).map(comparable) }).toEqual({ ...context, events: want });
      if (!parsed([`${text}:`]).some(needsRepair))
        expect({ ...context, output: output.join('').replaceAll('\r\n', '\r') }).toEqual({
          ...context,
          output: text.replaceAll('\r\n', '\r'),
        });
      if (round % 8 === 0) {
        const plain = await eventsAfterEachChunk(chunks, false);
        const repaired = await eventsAfterEachChunk(chunks, true);
        expect({ ...context, behind: repaired.some((count, index) => count < (plain[index] ?? 0)) }).toEqual({
          ...context,
          behind: false,
        });
      }
    }
  });
});
