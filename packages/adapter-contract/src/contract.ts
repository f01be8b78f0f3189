import { applyCapabilities, BackgroundTools, SetToolMetadata } from '@toolwright/capabilities';
import { createRunContext, type RunContext, type Toolset } from '@toolwright/core';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type AdapterHarness, FINAL_TEXT, type ScriptedCall, type StreamedItem, type TurnRecord } from './harness.ts';
import { type ContractServer, type ContractTransport, type Generation, startContractServer } from './servers.ts';

/** The calls each contract point makes, per generation (the fixtures' tools differ a little). */
interface Script {
  /** A `required` task tool that answers `done: tides`. */
  readonly task: ScriptedCall;
  /** A task that reports three status messages `step i of 3` (the first one at creation on 2026-07-28). */
  readonly status: ScriptedCall;
  /** The progress the status call reports; none on 2026-07-28, whose tasks carry no progress notifications. */
  readonly progress: readonly number[];
  /** A task that fails on the server with the message `disk on fire`. */
  readonly failing: ScriptedCall;
}

const SCRIPTS: Record<Generation, Script> = {
  '2025-11-25': {
    task: { toolName: 'slow_task', args: { value: 'tides', delayMs: 100 } },
    status: { toolName: 'progress_task', args: { steps: 3, stepMs: 40 } },
    progress: [1, 2, 3],
    failing: { toolName: 'failing_task', args: { message: 'disk on fire' } },
  },
  '2026-07-28': {
    task: { toolName: 'slow_task', args: { value: 'tides', delayMs: 100, steps: 2 } },
    status: { toolName: 'slow_task', args: { value: 'tides', steps: 3, delayMs: 150, firstStepAtCreation: true } },
    progress: [],
    failing: { toolName: 'failing_task', args: { kind: 'protocol-error', code: -32050, message: 'disk on fire' } },
  },
};

const STEPS = ['step 1 of 3', 'step 2 of 3', 'step 3 of 3'];
const GENERATIONS: readonly Generation[] = ['2025-11-25', '2026-07-28'];

/** A contract server closed when the test ends, and a fresh run context. */
async function setUp(generation: Generation, transport: ContractTransport = 'in-memory') {
  const server = await startContractServer(generation, transport);
  onTestFinished(() => server.close());
  return { server, ctx: createRunContext() };
}

/** One turn that must end on its own. */
function turn(
  harness: AdapterHarness,
  toolset: Toolset<undefined>,
  ctx: RunContext<undefined>,
  call: ScriptedCall,
  background?: BackgroundTools,
): Promise<TurnRecord> {
  const signal = new AbortController().signal;
  return harness.runTurn({ toolset, ctx, call, signal, ...(background ? { background } : {}) });
}

type Status = Extract<StreamedItem, { kind: 'status' }>;

/** The values of `pick` over the status items, each repeat in a row dropped. */
function changes<Value>(items: readonly StreamedItem[], pick: (item: Status) => Value | undefined): Value[] {
  const values: Value[] = [];
  for (const item of items) {
    const value = item.kind === 'status' ? pick(item) : undefined;
    if (value !== undefined && values.at(-1) !== value) values.push(value);
  }
  return values;
}

/** A required task tool completes through the agent loop, learnt of from a notification, never a poll. */
async function completesByNotification(harness: AdapterHarness, server: ContractServer, ctx: RunContext<undefined>) {
  const call = SCRIPTS[server.generation].task;
  const record = await turn(harness, server.toolset, ctx, call);
  expect(record.outcome).toEqual({ kind: 'success', text: expect.stringContaining('done: tides') });
  expect(record.text).toBe(FINAL_TEXT);
  expect((await server.tasks()).find((task) => task.tool === call.toolName)?.status).toBe('completed');
  // The server suggests a 5 s poll interval: a task of 100 ms learnt of by polling shows as a tasks/get.
  expect(await server.polls()).toBe(0);
}

/**
 * Registers the adapter contract's tests (vitest) for one adapter: every point on both MCP
 * generations (the 2025-11-25 fixture and the 2026-07-28 tasks-extension fixture of
 * `@toolwright/testing`), in memory, and the first point over stdio too. Call it at the top level
 * of a test file.
 */
export function describeAdapterContract(harness: AdapterHarness): void {
  describe(`the adapter contract: ${harness.name}`, () => {
    it('1. a required task tool completes through the agent loop over stdio, without a poll (MCP 2025-11-25)', async () => {
      const { server, ctx } = await setUp('2025-11-25', 'stdio');
      await completesByNotification(harness, server, ctx);
    });

    describe.each(GENERATIONS)('on MCP %s', (generation) => {
      const script = SCRIPTS[generation];

      it('1. a required task tool completes through the agent loop, learnt of from a notification (no poll at 5 s)', async () => {
        const { server, ctx } = await setUp(generation);
        await completesByNotification(harness, server, ctx);
      });

      it('2. status messages (the first included) and progress stream before the result, which streams once', async () => {
        const { server, ctx } = await setUp(generation);
        const record = await turn(harness, server.toolset, ctx, script.status);
        const kinds = record.items.map((item) => item.kind);
        // Status only until the one result, which comes last: the stream never shows the result twice.
        expect(kinds.filter((kind) => kind === 'result')).toHaveLength(1);
        expect(kinds.at(-1)).toBe('result');
        expect(record.items.at(-1)).toEqual({ kind: 'result', isError: false });
        const first = record.items[0];
        expect(first).toMatchObject({ kind: 'status', taskId: expect.any(String), status: 'working' });
        const messages = changes(record.items, (item) => item.message);
        expect(messages[0]).toBe(STEPS[0]);
        expect(messages.filter((message) => message.startsWith('step '))).toEqual(STEPS);
        expect(changes(record.items, (item) => item.progress)).toEqual(script.progress);
        if (script.progress.length > 0) expect(changes(record.items, (item) => item.total)).toEqual([3]);
        expect(new Set(changes(record.items, (item) => item.taskId)).size).toBe(1);
        // Status is for the stream, never for the model.
        expect(record.outcome?.kind).toBe('success');
        expect(record.modelInputs.join('\n')).not.toContain(STEPS[1]);
      });

      it('3. aborting the run cancels the server task', async () => {
        const { server, ctx } = await setUp(generation);
        const controller = new AbortController();
        const call = { toolName: 'cancellable_task', args: { durationMs: 30_000 } };
        const ended = harness.runTurn({ toolset: server.toolset, ctx, call, signal: controller.signal }).then(
          (record) => record,
          (error: unknown) => error,
        );
        const task = await vi.waitFor(
          async () => {
            const found = (await server.tasks()).find((each) => each.tool === 'cancellable_task');
            if (!found) throw new Error('no task yet');
            return found;
          },
          { timeout: 10_000, interval: 10 },
        );
        controller.abort(new Error('the user stopped the run'));
        const outcome = await ended;
        await expect.poll(() => server.cancels(), { timeout: 10_000 }).toContain(task.taskId);
        await expect
          .poll(async () => (await server.tasks()).find((each) => each.taskId === task.taskId)?.status, {
            timeout: 10_000,
          })
          .toBe('cancelled');
        // The run ended without the tool succeeding.
        expect((outcome as Partial<TurnRecord> | undefined)?.outcome?.kind).not.toBe('success');
      });

      it('4. a task that failed on the server reaches the model as a failure, not as advice to fix the call', async () => {
        const { server, ctx } = await setUp(generation);
        const record = await turn(harness, server.toolset, ctx, script.failing);
        expect(record.outcome).toEqual({ kind: 'failure', text: expect.stringContaining('disk on fire') });
        expect(record.outcome?.text).toMatch(/fail/i);
        expect(record.outcome?.text).not.toMatch(/fix the call|try again/i);
        expect(record.items.filter((item) => item.kind === 'result')).toEqual([{ kind: 'result', isError: true }]);
        expect(record.text).toBe(FINAL_TEXT);
      });

      it('5. an image reaches the model as a media part, where the framework has them', async () => {
        const { server, ctx } = await setUp(generation);
        const record = await turn(harness, server.toolset, ctx, { toolName: 'image_result', args: {} });
        expect(record.outcome?.kind).toBe('success');
        if (harness.media === true) {
          expect(record.media).toEqual([{ mediaType: 'image/png', base64: expect.stringMatching(/^iVBORw0KGgo/) }]);
        } else {
          // The framework has no media parts for tool results: the README says so and what the model gets.
          expect(harness.media.none).not.toBe('');
          expect(record.media).toEqual([]);
        }
      });

      it('6. background tools: the result follows up in the same run through the framework hook, or is queued', async () => {
        const { server, ctx } = await setUp(generation);
        const background = new BackgroundTools();
        const toolset = applyCapabilities(server.toolset, [
          new SetToolMetadata({ tools: script.task.toolName, metadata: { background: true } }),
          background,
        ]);
        const record = await turn(harness, toolset, ctx, script.task, background);
        // The call itself is acknowledged at once; the result follows.
        expect(record.outcome).toEqual({ kind: 'success', text: expect.stringMatching(/background/i) });
        expect(record.modelInputs[1]).not.toContain('done: tides');
        if (harness.followUps === 'hook' || 'loop' in harness.followUps) {
          if (harness.followUps !== 'hook') expect(harness.followUps.loop).not.toBe('');
          expect(record.modelInputs.slice(2).join('\n')).toContain('done: tides');
          expect(record.text).toBe(FINAL_TEXT);
          expect(background.pending(ctx)).toEqual([]);
        } else {
          // No hook: the README says so, and the app hands the queued result to the next turn.
          expect(harness.followUps.none).not.toBe('');
          const followUp = await ctx.followUps.next(AbortSignal.timeout(10_000));
          expect(followUp.message).toContain('done: tides');
        }
      });

      it('7. tool names, descriptions, schemas, and title and metadata where the framework has fields', async () => {
        const { server, ctx } = await setUp(generation);
        const record = await turn(harness, server.toolset, ctx, { toolName: 'echo', args: { text: 'hi' } });
        expect(record.outcome).toEqual({ kind: 'success', text: 'hi' });
        const expected = await server.toolset.getTools(ctx);
        expect(record.tools.map((tool) => tool.name).sort()).toEqual(expected.map((tool) => tool.name).sort());
        for (const definition of expected) {
          const view = record.tools.find((tool) => tool.name === definition.name);
          expect(view?.description).toBe(definition.description);
          const { type, properties, required } = definition.inputSchema as Record<string, unknown>;
          expect(view?.inputSchema).toMatchObject({ type, ...(properties === undefined ? {} : { properties }) });
          expect(view?.inputSchema.required ?? []).toEqual(required ?? []);
          if (harness.fields.metadata) expect(view?.metadata).toEqual(definition.metadata);
        }
        const echo = record.tools.find((tool) => tool.name === 'echo');
        // The 2025 fixture's echo has the annotation title "Echo"; the 2026 fixture's tools have none.
        if (harness.fields.title) expect(echo?.title).toBe(generation === '2025-11-25' ? 'Echo' : undefined);
        if (harness.fields.metadata) {
          const task = record.tools.find((tool) => tool.name === 'slow_task');
          expect(task?.metadata).toMatchObject(
            generation === '2025-11-25' ? { taskSupport: 'required' } : { task: true },
          );
        }
      });
    });
  });
}
