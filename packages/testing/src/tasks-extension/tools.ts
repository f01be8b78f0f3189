import { ProtocolError } from '@modelcontextprotocol/server';
import { PNG } from '../tools.ts';
import { sleepUnlessAborted, TaskProtocolError, type TaskQuirks, type TaskWork } from './task-store.ts';
import { INTERNAL_ERROR, type InputRequest, missingTasksExtension } from './wire.ts';

/** A tool result as the fixture builds it (a CallToolResult without `resultType`). */
export type ToolResult = Record<string, unknown>;

/** What one tools/call may see of its request. */
export interface ToolCallContext {
  /** The request declared the tasks extension in its `_meta` (the only thing that allows a task). */
  readonly declaresTasks: boolean;
  /** The MRTR answers of a retried call (SEP-2322), as the SDK lifted them. */
  readonly inputResponses: Record<string, unknown> | undefined;
  /** Aborted when the request is (an inline run stops with it). */
  readonly signal: AbortSignal;
  /** The fixture's default delay for `slow_task`. */
  readonly taskDelayMs: number;
}

/** How the server answers one tools/call. */
export type ToolAnswer =
  | { readonly inline: ToolResult }
  | {
      readonly task: (work: TaskWork) => Promise<ToolResult>;
      readonly quirks?: TaskQuirks;
      /** The CreateTaskResult goes out this late (the task exists at once), even when the caller gave up. */
      readonly answerDelayMs?: number;
    }
  | { readonly inputRequired: Record<string, InputRequest> }
  | { readonly raw: Record<string, unknown> };

/** How a tool of the 2026 fixture runs: the server decides, per request. */
export type TaskMode = 'never' | 'required' | 'optional' | 'server-decides';

/** One tool of the 2026 fixture. */
export interface TasksExtensionTool {
  /** The tool's name, as listed. */
  readonly name: string;
  /** The tool's description, as listed. */
  readonly description: string;
  /** The tool's input JSON Schema, as listed. */
  readonly inputSchema: Record<string, unknown>;
  /** `never`: always inline; `required`: a task, -32021 without the extension; `optional`: a task when the request allows it; `server-decides`: by its arguments. */
  readonly mode: TaskMode;
  /** Runs the tool: inline, or as the body of its task (the context says which, and carries input and cancellation). */
  call(args: Record<string, unknown>, context: ToolCallContext): Promise<ToolAnswer>;
}

const text = (value: string, isError = false): ToolResult => ({
  content: [{ type: 'text', text: value }],
  ...(isError ? { isError: true } : {}),
});

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});

const number = (args: Record<string, unknown>, key: string, fallback: number): number => {
  const value = args[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
};

const string = (args: Record<string, unknown>, key: string, fallback: string): string => {
  const value = args[key];
  return typeof value === 'string' ? value : fallback;
};

/** Runs a task's work inline (the request did not allow a task): no input, status text goes nowhere. */
function inlineWork(signal: AbortSignal): TaskWork {
  return {
    taskId: '',
    signal,
    setStatusMessage: () => {},
    setPollInterval: () => {},
    reissueAnsweredKey: () => {},
    ask: async () => {
      throw new ProtocolError(INTERNAL_ERROR, 'this tool asks for input only when it runs as a task');
    },
    sleep: (ms) => sleepUnlessAborted(ms, signal),
  };
}

/** A task when the request declared the extension, the -32021 error otherwise. */
function required(name: string, context: ToolCallContext, task: (work: TaskWork) => Promise<ToolResult>): ToolAnswer {
  if (!context.declaresTasks) throw missingTasksExtension(`the tool ${name}, which runs only as a task,`);
  return { task };
}

/** A task when the request allows one, else the same work inline. */
async function optional(context: ToolCallContext, task: (work: TaskWork) => Promise<ToolResult>): Promise<ToolAnswer> {
  if (context.declaresTasks) return { task };
  return { inline: await task(inlineWork(context.signal)) };
}

/** The elicitation the fixture asks for (a form with one field). */
export function elicit(message: string, field: string, type: 'string' | 'boolean'): InputRequest {
  return {
    method: 'elicitation/create',
    params: { mode: 'form', message, requestedSchema: object({ [field]: { type } }, [field]) },
  };
}

/** The accepted form content of an elicitation answer, or undefined (declined, cancelled, malformed). */
export function acceptedForm(answer: unknown): Record<string, unknown> | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { action, content } = answer as { action?: unknown; content?: unknown };
  if (action !== 'accept' || typeof content !== 'object' || content === null) return undefined;
  return content as Record<string, unknown>;
}

/** The text of a sampling answer (CreateMessageResult), or undefined. */
function sampledText(answer: unknown): string | undefined {
  const content = (answer as { content?: unknown } | null)?.content;
  const block = Array.isArray(content) ? content[0] : content;
  const value = (block as { text?: unknown } | undefined)?.text;
  return typeof value === 'string' ? value : undefined;
}

/** The tools the official conformance suite's `tasks-*` scenarios call, with its exact contract. */
const CONFORMANCE_TOOLS: TasksExtensionTool[] = [
  {
    name: 'greet',
    description: 'Answers "Hello, {name}!" at once; never a task.',
    inputSchema: object({ name: { type: 'string' } }, ['name']),
    mode: 'never',
    call: async (args) => ({ inline: text(`Hello, ${string(args, 'name', 'World')}!`) }),
  },
  {
    name: 'slow_compute',
    description:
      'Sleeps `seconds` s (one status message per second), then answers. A task when the request allows one, inline otherwise; settles cancelled on tasks/cancel.',
    inputSchema: object({ seconds: { type: 'number' }, label: { type: 'string' } }, ['seconds']),
    mode: 'optional',
    call: (args, context) => {
      const seconds = number(args, 'seconds', 0);
      const label = string(args, 'label', 'job');
      return optional(context, async (work) => {
        for (let second = 0; second < seconds; second += 1) {
          work.setStatusMessage(`${label}: ${second} of ${seconds} s`);
          await work.sleep(1000);
        }
        return text(`Computed ${label} in ${seconds} s`);
      });
    },
  },
  {
    name: 'failing_job',
    description: 'A task only; after about 1 s it completes with a tool error (isError: true).',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('failing_job', context, async (work) => {
        work.setStatusMessage('Running the job');
        await work.sleep(1000);
        return text('The job failed: the input could not be processed', true);
      }),
  },
  {
    name: 'protocol_error_job',
    description: 'A task only; it fails with a JSON-RPC error (-32603), so the task ends failed.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('protocol_error_job', context, async (work) => {
        await work.sleep(200);
        throw new TaskProtocolError(INTERNAL_ERROR, 'Internal error: the job crashed');
      }),
  },
  {
    name: 'confirm_delete',
    description: 'A task only; asks for confirmation (one elicitation), then deletes or keeps `filename`.',
    inputSchema: object({ filename: { type: 'string' } }, ['filename']),
    mode: 'required',
    call: async (args, context) => {
      const filename = string(args, 'filename', 'file.txt');
      return required('confirm_delete', context, async (work) => {
        const answers = await work.ask({ confirm: elicit(`Delete ${filename}?`, 'confirm', 'boolean') });
        const form = acceptedForm(answers.confirm);
        return text(form?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`);
      });
    },
  },
  {
    name: 'multi_input',
    description: 'A task only; asks two elicitations at once, completes when both are answered.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('multi_input', context, async (work) => {
        const answers = await work.ask({
          name: elicit('Your name?', 'name', 'string'),
          confirm: elicit('Proceed?', 'confirm', 'boolean'),
        });
        const name = acceptedForm(answers.name)?.name;
        return text(`Received both answers (name: ${typeof name === 'string' ? name : 'none'})`);
      }),
  },
  {
    name: 'test_tool_with_task',
    description:
      'Asks for user_name with a multi round-trip (input_required) result first, then runs a task whose result greets that name.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) => {
      if (!context.declaresTasks) throw missingTasksExtension('the tool test_tool_with_task');
      const name = acceptedForm(context.inputResponses?.user_name)?.name;
      if (typeof name !== 'string') {
        return { inputRequired: { user_name: elicit('What is your name?', 'name', 'string') } };
      }
      return {
        task: async (work) => {
          await work.sleep(100);
          return text(`Hello, ${name}! The task finished.`);
        },
      };
    },
  },
];

/** Toolwright's own task tools: the 2025 fixture's catalogue, where it applies to the extension. */
const FIXTURE_TOOLS: TasksExtensionTool[] = [
  {
    name: 'echo',
    description: 'Returns its text; never a task.',
    inputSchema: object({ text: { type: 'string' } }, ['text']),
    mode: 'never',
    call: async (args) => ({ inline: text(string(args, 'text', '')) }),
  },
  {
    name: 'slow_task',
    description:
      'A task only; `steps` steps over `delayMs`, each with the status message "step i of N"; `pollIntervalsMs[i]` changes the poll interval at step i; `firstStepAtCreation` creates the task with the first step\'s status message already set.',
    inputSchema: object({
      delayMs: { type: 'number' },
      steps: { type: 'number' },
      value: { type: 'string' },
      pollIntervalsMs: { type: 'array', items: { type: 'number' } },
      firstStepAtCreation: { type: 'boolean' },
    }),
    mode: 'required',
    call: async (args, context) => {
      const delayMs = number(args, 'delayMs', context.taskDelayMs);
      const steps = Math.max(1, Math.floor(number(args, 'steps', 3)));
      const intervals = Array.isArray(args.pollIntervalsMs) ? args.pollIntervalsMs : [];
      const answer = required('slow_task', context, async (work) => {
        for (let step = 1; step <= steps; step += 1) {
          const interval = intervals[step - 1];
          if (typeof interval === 'number' && interval > 0) work.setPollInterval(Math.floor(interval));
          work.setStatusMessage(`step ${step} of ${steps}`);
          await work.sleep(delayMs / steps);
        }
        return text(`done: ${string(args, 'value', 'ok')}`);
      });
      return args.firstStepAtCreation === true
        ? { ...answer, quirks: { statusMessage: `step 1 of ${steps}` } }
        : answer;
    },
  },
  {
    name: 'image_result',
    description: 'Returns an image (a 1×1 PNG); never a task.',
    inputSchema: object({}),
    mode: 'never',
    call: async () => ({ inline: { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] } }),
  },
  {
    name: 'optional_task',
    description: 'A task when the request declares the extension, inline otherwise; answers `ranAsTask: <boolean>`.',
    inputSchema: object({ delayMs: { type: 'number' } }),
    mode: 'optional',
    call: (args, context) =>
      optional(context, async (work) => {
        await work.sleep(number(args, 'delayMs', 20));
        return text(`ranAsTask: ${work.taskId !== ''}`);
      }),
  },
  {
    name: 'sometimes_task',
    description:
      'The server decides: inline when `delayMs` is 0 (or the request allows no task), else a task. Answers `ranAsTask: <boolean>`.',
    inputSchema: object({ delayMs: { type: 'number' } }),
    mode: 'server-decides',
    call: async (args, context) => {
      const delayMs = number(args, 'delayMs', 0);
      const work = async (task: TaskWork) => {
        await task.sleep(delayMs);
        return text(`ranAsTask: ${task.taskId !== ''}`);
      };
      if (delayMs === 0 || !context.declaresTasks) return { inline: await work(inlineWork(context.signal)) };
      return { task: work };
    },
  },
  {
    name: 'instant_task',
    description: 'A task only, whose work finishes at once: it is completed by the first tasks/get.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) => required('instant_task', context, async () => text('instant')),
  },
  {
    name: 'input_task',
    description: 'A task only; goes input_required with one elicitation for `name`, answers "Hello, <name>".',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('input_task', context, async (work) => {
        const answers = await work.ask({ name: elicit('What is your name?', 'name', 'string') });
        const name = acceptedForm(answers.name)?.name;
        return typeof name === 'string' ? text(`Hello, ${name}`) : text('No name was given', true);
      }),
  },
  {
    name: 'sampling_task',
    description: "A task only; asks the client's model (sampling/createMessage) and answers with its text.",
    inputSchema: object({ prompt: { type: 'string' } }),
    mode: 'required',
    call: async (args, context) =>
      required('sampling_task', context, async (work) => {
        const answers = await work.ask({
          sample: {
            method: 'sampling/createMessage',
            params: {
              messages: [{ role: 'user', content: { type: 'text', text: string(args, 'prompt', 'Say hello') } }],
              maxTokens: 100,
            },
          },
        });
        const sampled = sampledText(answers.sample);
        return sampled === undefined ? text('The model gave no text', true) : text(`model said: ${sampled}`);
      }),
  },
  {
    name: 'roots_task',
    description:
      'A task only; asks the client for its roots (roots/list) and answers with their URIs, comma-separated.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('roots_task', context, async (work) => {
        const answers = await work.ask({ roots: { method: 'roots/list' } });
        const roots = (answers.roots as { roots?: unknown } | undefined)?.roots;
        const uris = Array.isArray(roots) ? roots.map((root) => String((root as { uri?: unknown }).uri)) : [];
        return text(`roots: ${uris.join(', ')}`);
      }),
  },
  {
    name: 'failing_task',
    description:
      'A task only; `kind: "tool-error"` completes with isError, `kind: "protocol-error"` fails with the JSON-RPC error `code` (default -32603) and `message`, its status message `statusMessage` (default "Failed: <message>").',
    inputSchema: object({
      kind: { type: 'string', enum: ['tool-error', 'protocol-error'] },
      message: { type: 'string' },
      code: { type: 'number' },
      statusMessage: { type: 'string' },
    }),
    mode: 'required',
    call: async (args, context) => {
      const message = string(args, 'message', 'the task failed');
      return required('failing_task', context, async (work) => {
        await work.sleep(10);
        if (args.kind === 'protocol-error') {
          const code = typeof args.code === 'number' && Number.isInteger(args.code) ? args.code : INTERNAL_ERROR;
          const statusMessage = typeof args.statusMessage === 'string' ? args.statusMessage : undefined;
          throw new TaskProtocolError(code, message, undefined, statusMessage);
        }
        return text(message, true);
      });
    },
  },
  {
    name: 'cancellable_task',
    description:
      'A task only; runs `durationMs` (default 30 s), stops as soon as tasks/cancel arrives (the inspector records it saw it).',
    inputSchema: object({ durationMs: { type: 'number' } }),
    mode: 'required',
    call: async (args, context) =>
      required('cancellable_task', context, async (work) => {
        work.setStatusMessage('Running until cancelled');
        await work.sleep(number(args, 'durationMs', 30_000));
        return text('ran to the end');
      }),
  },
];

/** Tools that break the spec on purpose, for clients' hostile-server tests (`misbehaving: true`). */
const MISBEHAVING_TOOLS: TasksExtensionTool[] = [
  {
    name: 'bad_create_result',
    description:
      'Answers a malformed CreateTaskResult: `kind` is missing-task-id, bad-status, ttl-not-number, nested-task or labelled-complete (task fields under resultType "complete").',
    inputSchema: object({ kind: { type: 'string' } }, ['kind']),
    mode: 'required',
    call: async (args) => {
      const now = new Date().toISOString();
      const base = {
        resultType: 'task',
        taskId: 'malformed-task',
        status: 'working',
        createdAt: now,
        lastUpdatedAt: now,
        ttlMs: 60_000,
      };
      switch (args.kind) {
        case 'missing-task-id': {
          const { taskId: _omitted, ...rest } = base;
          return { raw: rest };
        }
        case 'bad-status':
          return { raw: { ...base, status: 'paused' } };
        case 'ttl-not-number':
          return { raw: { ...base, ttlMs: 'sixty seconds' } };
        case 'nested-task': {
          const { resultType, ...task } = base;
          return { raw: { resultType, task } };
        }
        default:
          // A result without resultType gets "complete" from the SDK on the wire: say so outright.
          return { raw: { ...base, resultType: 'complete' } };
      }
    },
  },
  {
    name: 'foreign_task_id',
    description: 'Answers a well-formed CreateTaskResult for a task id the server does not know (tasks/get: -32602).',
    inputSchema: object({}),
    mode: 'required',
    call: async () => {
      const now = new Date().toISOString();
      return {
        raw: {
          resultType: 'task',
          taskId: 'foreign-0000-task',
          status: 'working',
          createdAt: now,
          lastUpdatedAt: now,
          ttlMs: 60_000,
          pollIntervalMs: 50,
        },
      };
    },
  },
  {
    name: 'never_terminal',
    description: 'A task that stays working forever and ignores tasks/cancel (it ends only when the fixture closes).',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) => ({
      ...required(
        'never_terminal',
        context,
        (work) =>
          new Promise<ToolResult>((resolve) => {
            work.signal.addEventListener('abort', () => resolve(text('stopped with the fixture')), { once: true });
          }),
      ),
      quirks: { neverTerminal: true },
    }),
  },
  {
    name: 'repeated_input_key',
    description: 'Asks for `name`; once answered it asks again under the same key, which the spec forbids.',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) =>
      required('repeated_input_key', context, async (work) => {
        const request = elicit('What is your name?', 'name', 'string');
        await work.ask({ name: request });
        work.reissueAnsweredKey('name', request);
        await new Promise<void>((resolve) => work.signal.addEventListener('abort', () => resolve(), { once: true }));
        return text('stopped');
      }),
  },
  {
    name: 'slow_create_task',
    description:
      'A task only; the task exists at once, its CreateTaskResult goes out `createDelayMs` (default 1000) later, even when the caller gave up; it runs until cancelled.',
    inputSchema: object({ createDelayMs: { type: 'number' } }),
    mode: 'required',
    call: async (args, context) => ({
      ...required('slow_create_task', context, async (work) => {
        work.setStatusMessage('Running until cancelled');
        await work.sleep(2_147_483_647);
        return text('unreachable');
      }),
      answerDelayMs: number(args, 'createDelayMs', 1000),
    }),
  },
  {
    name: 'huge_status_task',
    description:
      'A task only; sets a status message of `bytes` characters (default 10 MiB + 1 KiB), then completes after `durationMs` (default 30 000) with "done".',
    inputSchema: object({ bytes: { type: 'number' }, durationMs: { type: 'number' } }),
    mode: 'required',
    call: async (args, context) =>
      required('huge_status_task', context, async (work) => {
        work.setStatusMessage('x'.repeat(Math.floor(number(args, 'bytes', (10 << 20) + 1024))));
        await work.sleep(number(args, 'durationMs', 30_000));
        return text('done');
      }),
  },
  {
    name: 'result_type_inlined',
    description: 'A task whose inlined result carries `resultType: "complete"` (what ext-tasks 0.2.2 requires).',
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) => ({
      ...required('result_type_inlined', context, async () => text('with resultType')),
      quirks: { resultTypeInResult: true },
    }),
  },
  {
    name: 'result_type_omitted',
    description: "A task whose inlined result has no `resultType` (as in the spec's examples).",
    inputSchema: object({}),
    mode: 'required',
    call: async (_args, context) => ({
      ...required('result_type_omitted', context, async () => text('without resultType')),
      quirks: { resultTypeInResult: false },
    }),
  },
];

/** The 2026 fixture's tools; with `misbehaving`, also the hostile ones. */
export function tasksExtensionTools(misbehaving: boolean): TasksExtensionTool[] {
  return [...CONFORMANCE_TOOLS, ...FIXTURE_TOOLS, ...(misbehaving ? MISBEHAVING_TOOLS : [])];
}
