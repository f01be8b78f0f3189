import type { CallToolResult, ElicitResult, Task, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ListChangedStorm, ResolvedFixtureOptions } from './options.ts';

/** What a running tool can do besides computing its result. */
export interface ToolRun {
  /** The server's options, with every default applied. */
  readonly options: ResolvedFixtureOptions;
  /** Whether the call runs as a task. */
  readonly asTask: boolean;
  /** The task's id when the call runs as a task; undefined for an inline call. */
  readonly taskId: string | undefined;
  /** Aborted when the task is cancelled (tasks/cancel) or the server closes. */
  readonly signal: AbortSignal;
  /** Sends a progress notification (when the call carried a progress token). */
  progress(progress: number, total: number, message: string): Promise<void>;
  /** Sets the task's status message (status stays `working`). */
  statusMessage(message: string): Promise<void>;
  /** Asks the client through elicitation/create, tied to the task; the task is `input_required` meanwhile. */
  elicit(message: string, requestedSchema: Record<string, unknown>): Promise<ElicitResult>;
  /** Asks the client's model through sampling/createMessage; returns the text of its answer. */
  sample(prompt: string): Promise<string>;
  /** Sends a log message (notifications/message) to the client. */
  log(level: 'debug' | 'info' | 'warning' | 'error', data: string): Promise<void>;
  /** Records that the tool noticed its cancellation. */
  cancelObserved(): void;
  /** Sends a raw notifications/tasks/status with these params. */
  notifyStatus(params: Record<string, unknown>): Promise<void>;
  /** Makes the server die: the stdio child exits, the HTTP server drops every connection, the in-memory transport closes. */
  die(): void;
  /** Drops the connection: over HTTP every open socket is destroyed (the server keeps listening); elsewhere as {@link die}. */
  dropConnections(): void;
  /** The server stops answering: it ignores every message and sends none; over HTTP requests get no response. */
  hang(): void;
  /** Sets the task's status (through the store, so a status notification follows unless they are off). */
  setStatus(status: 'working' | 'input_required', message?: string): Promise<void>;
  /** Replaces the `result` of this call's JSON-RPC answer with `value`, after the SDK validated the real one. */
  answerWith(value: unknown): void;
  /** Sends notifications/tools/list_changed on this connection every `intervalMs` for `durationMs`. */
  listChangedStorm(storm: ListChangedStorm): void;
}

/** A tool of the fixture server. */
export interface FixtureTool {
  /** The tools/list entry, without `execution` (added from `taskSupport` when the server supports tasks). */
  readonly definition: Tool;
  /** `execution.taskSupport`, or undefined for a tool with no `execution` field. */
  readonly taskSupport: 'required' | 'optional' | 'forbidden' | undefined;
  /** One of the misbehaving tools: offered only with the `misbehaving` option. */
  readonly misbehaving?: boolean;
  /** Its task runs to the end while being created: the CreateTaskResult is its terminal state, no status notification. */
  readonly instant?: boolean;
  /** How long to hold back its CreateTaskResult (the task exists and runs meanwhile). */
  readonly createDelayMs?: (args: Record<string, unknown>) => number;
  /** Called when its task is created, before the CreateTaskResult is sent. */
  readonly created?: (taskId: string, args: Record<string, unknown>) => void;
  /** Runs the tool: inline, or as the body of its task (`run` carries the signal, progress and input). */
  run(args: Record<string, unknown>, run: ToolRun): Promise<CallToolResult>;
  /** Called after its task's result was stored, with the final task. */
  readonly finished?: (task: Task, run: ToolRun) => Promise<void>;
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const number = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const objectSchema = (properties: Record<string, unknown> = {}, required: string[] = []) =>
  ({ type: 'object', properties, ...(required.length > 0 ? { required } : {}) }) as Tool['inputSchema'];

/** A 1×1 transparent PNG and a 44-byte silent WAV header, base64: small real media for content tests. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';

/** Waits `ms`, or until `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The well-behaved tools: every kind of task support, every task behaviour, every content kind. */
export const TOOLS: readonly FixtureTool[] = [
  {
    /** A required-task tool that finishes after a delay: the basic task path. */
    definition: {
      name: 'slow_task',
      description: 'Finishes after delayMs (a task).',
      inputSchema: objectSchema({ delayMs: { type: 'number' }, value: { type: 'string' } }),
    },
    taskSupport: 'required',
    async run(args, run) {
      await sleep(number(args.delayMs, run.options.taskDelayMs), run.signal);
      return text(`done: ${String(args.value ?? '')}`);
    },
  },
  {
    /** An optional-task tool that says whether it ran as a task: proves the client's routing choice. */
    definition: {
      name: 'optional_task',
      description: 'Says whether it ran as a task.',
      inputSchema: objectSchema(),
      outputSchema: { type: 'object', properties: { ranAsTask: { type: 'boolean' } }, required: ['ranAsTask'] },
    },
    taskSupport: 'optional',
    async run(_args, run) {
      return {
        content: [{ type: 'text', text: JSON.stringify({ ranAsTask: run.asTask }) }],
        structuredContent: { ranAsTask: run.asTask },
      };
    },
  },
  {
    /** A tool that declares taskSupport 'forbidden' explicitly: must never be called as a task. */
    definition: { name: 'forbidden_tool', description: 'Never runs as a task.', inputSchema: objectSchema() },
    taskSupport: 'forbidden',
    async run() {
      return text('ran inline');
    },
  },
  {
    /** A plain tool with no execution field at all (the default: no task), echoing its text. */
    definition: {
      name: 'echo',
      description: 'Returns its text.',
      inputSchema: objectSchema({ text: { type: 'string' } }, ['text']),
      annotations: { readOnlyHint: true, openWorldHint: false, title: 'Echo' },
    },
    taskSupport: undefined,
    async run(args) {
      return text(String(args.text ?? ''));
    },
  },
  {
    /** A plain tool with an output schema whose structuredContent wraps the sum as { result }. */
    definition: {
      name: 'add',
      description: 'Adds two numbers.',
      inputSchema: objectSchema({ a: { type: 'number' }, b: { type: 'number' } }, ['a', 'b']),
      outputSchema: { type: 'object', properties: { result: { type: 'number' } }, required: ['result'] },
    },
    taskSupport: undefined,
    async run(args) {
      if (typeof args.a !== 'number' || typeof args.b !== 'number') {
        return { content: [{ type: 'text', text: 'a and b must be numbers' }], isError: true };
      }
      const sum = args.a + args.b;
      return { content: [{ type: 'text', text: String(sum) }], structuredContent: { result: sum } };
    },
  },
  {
    /** A task that reports progress in `steps` steps, with a status message per step. */
    definition: {
      name: 'progress_task',
      description: 'Reports progress per step (a task).',
      inputSchema: objectSchema({ steps: { type: 'number' }, stepMs: { type: 'number' } }),
    },
    taskSupport: 'required',
    async run(args, run) {
      const steps = number(args.steps, 3);
      for (let step = 1; step <= steps; step++) {
        await sleep(number(args.stepMs, 20), run.signal);
        await run.statusMessage(`step ${step} of ${steps}`);
        await run.progress(step, steps, `step ${step} of ${steps}`);
      }
      return text(`finished ${steps} steps`);
    },
  },
  {
    /** A task that fails: status failed (with a status message) and an isError result carrying the message. */
    definition: {
      name: 'failing_task',
      description: 'Fails with the given message (a task).',
      inputSchema: objectSchema({ message: { type: 'string' } }),
    },
    taskSupport: 'required',
    async run(args, run) {
      await sleep(10, run.signal);
      return { content: [{ type: 'text', text: String(args.message ?? 'the task failed') }], isError: true };
    },
  },
  {
    /** A long task that notices cancellation and records that it saw it. */
    definition: {
      name: 'cancellable_task',
      description: 'Runs until done or cancelled (a task).',
      inputSchema: objectSchema({ durationMs: { type: 'number' } }),
    },
    taskSupport: 'required',
    async run(args, run) {
      try {
        await sleep(number(args.durationMs, 10_000), run.signal);
      } catch (error) {
        run.cancelObserved();
        throw error;
      }
      return text('ran to the end');
    },
  },
  {
    /** A task that goes to input_required, asks the client for a name through elicitation, and uses the answer. */
    definition: {
      name: 'input_task',
      description: 'Asks for a name, then greets (a task).',
      inputSchema: objectSchema(),
    },
    taskSupport: 'required',
    async run(_args, run) {
      const answer = await run.elicit('What is your name?', {
        type: 'object',
        properties: { name: { type: 'string' } },
        required: ['name'],
      });
      const name = answer.action === 'accept' ? String(answer.content?.name ?? '') : `(${answer.action})`;
      return text(`Hello, ${name}`);
    },
  },
  {
    /** Asks the client's model (sampling) and returns its answer: exercises a client's sampling handler. */
    definition: {
      name: 'sampling_tool',
      description: "Asks the client's model.",
      inputSchema: objectSchema({ prompt: { type: 'string' } }),
    },
    taskSupport: undefined,
    async run(args, run) {
      return text(`the model said: ${await run.sample(String(args.prompt ?? 'Say hello.'))}`);
    },
  },
  {
    /** Sends a log message, then answers: exercises a client's log handler. */
    definition: {
      name: 'log_tool',
      description: 'Logs its message.',
      inputSchema: objectSchema({ message: { type: 'string' } }),
    },
    taskSupport: undefined,
    async run(args, run) {
      await run.log('info', String(args.message ?? 'hello'));
      return text('logged');
    },
  },
  {
    /** Structured output beside a text rendering. */
    definition: {
      name: 'structured_output',
      description: 'Returns a structured forecast.',
      inputSchema: objectSchema(),
      outputSchema: {
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
        required: ['city', 'celsius'],
      },
    },
    taskSupport: undefined,
    async run() {
      return { content: [{ type: 'text', text: 'Oslo: 4 °C' }], structuredContent: { city: 'Oslo', celsius: 4 } };
    },
  },
  {
    /** An image result (PNG). */
    definition: { name: 'image_result', description: 'Returns an image.', inputSchema: objectSchema() },
    taskSupport: undefined,
    async run() {
      return { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] };
    },
  },
  {
    /** An audio result (WAV). */
    definition: { name: 'audio_result', description: 'Returns audio.', inputSchema: objectSchema() },
    taskSupport: undefined,
    async run() {
      return { content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] };
    },
  },
  {
    /** A resource link. */
    definition: { name: 'resource_link_result', description: 'Returns a resource link.', inputSchema: objectSchema() },
    taskSupport: undefined,
    async run() {
      return {
        content: [
          {
            type: 'resource_link',
            uri: 'file:///reports/q3.txt',
            name: 'q3.txt',
            mimeType: 'text/plain',
            description: 'The Q3 report',
          },
        ],
      };
    },
  },
  {
    /** An embedded text resource. */
    definition: {
      name: 'embedded_resource_result',
      description: 'Returns an embedded resource.',
      inputSchema: objectSchema(),
    },
    taskSupport: undefined,
    async run() {
      return {
        content: [
          { type: 'resource', resource: { uri: 'file:///notes.md', mimeType: 'text/markdown', text: '# Notes' } },
        ],
      };
    },
  },
  {
    /** Several parts: two texts and an image. */
    definition: { name: 'multi_content', description: 'Returns several parts.', inputSchema: objectSchema() },
    taskSupport: undefined,
    async run() {
      return {
        content: [
          { type: 'text', text: 'first' },
          { type: 'text', text: 'second' },
          { type: 'image', data: PNG, mimeType: 'image/png' },
        ],
      };
    },
  },
];

/** A tool `changeTools()` adds and removes, to exercise notifications/tools/list_changed. */
export const LATE_TOOL: FixtureTool = {
  definition: {
    name: 'late_tool',
    description: 'Appears and disappears with changeTools().',
    inputSchema: objectSchema(),
  },
  taskSupport: undefined,
  async run() {
    return text('late');
  },
};

/** `count` generated plain tools for listing tests and benchmarks, `<prefix>_<number>` from `offset + 1`. */
export function generatedTools(count: number, prefix = 'generated', offset = 0): FixtureTool[] {
  return Array.from({ length: count }, (_, position) => {
    const index = offset + position;
    const name = `${prefix}_${String(index + 1).padStart(5, '0')}`;
    return {
      definition: {
        name,
        description: `Generated tool number ${index + 1}.`,
        inputSchema: objectSchema({ value: { type: 'string', description: 'Any text.' }, count: { type: 'number' } }, [
          'value',
        ]),
        annotations: { readOnlyHint: index % 2 === 0 },
      },
      taskSupport: index % 3 === 0 ? 'optional' : undefined,
      async run(args) {
        return text(`${name}: ${String(args.value ?? '')}`);
      },
    } satisfies FixtureTool;
  });
}
