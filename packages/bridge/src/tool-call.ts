import { ProtocolError } from '@modelcontextprotocol/server';
import { createRunContext, type ProgressUpdate, type ToolArguments } from '@toolwright/core';
import { TaskHandle } from '@toolwright/mcp-toolset';
import { acknowledgement, type BackgroundToolName, callBackgroundTool, textResult } from './background-tools.ts';
import { type BridgeTasks, outcomeOf, type TaskOutcome } from './bridge-tasks.ts';
import type { CatalogTool } from './catalog.ts';
import type { HostCall } from './host-call.ts';
import { CallEnd, capabilityFor, inputRefused, PushSink } from './input-relay.ts';
import type { InputRouter, InputSink } from './input-router.ts';
import { ProgressReporter } from './progress.ts';
import type { CallWork, HostResult, RoundTrips } from './round-trips.ts';
import type { UpstreamAnswer } from './upstream.ts';

/** What every host call needs of the bridge. */
export interface CallContext {
  readonly router: InputRouter;
  readonly tasks: BridgeTasks;
  readonly roundTrips: RoundTrips;
  readonly heartbeatMs: number;
  /** Aborted when the bridge shuts down: every call still running cancels what it started upstream. */
  readonly shutdown: AbortSignal;
  /** The calls running now, so that shutting down waits for their cancellations to reach the servers. */
  readonly running: Set<Promise<unknown>>;
}

/**
 * Runs one tools/call of a host: a 2025 host is asked for input with requests tied to its call; a
 * 2026-07-28 host with `input_required` answers and retries (see round-trips.ts). Whatever the work
 * starts runs in the call's input context, and a host that cannot give the input a server asks for
 * ends the call with a tool error naming what was asked.
 */
export function runHostCall(
  host: HostCall,
  toolName: string,
  context: CallContext,
  work: CallWork,
): Promise<HostResult> {
  const guarded = (
    sink: InputSink,
    end: CallEnd,
    signals: readonly AbortSignal[],
    current: () => HostCall,
  ): Promise<HostResult> => {
    const running = context.router.run(sink, () =>
      endable(toolName, end, [...signals, context.shutdown], (inner) => work(sink, end, inner, current)),
    );
    context.running.add(running);
    const forget = () => context.running.delete(running);
    running.then(forget, forget);
    return running;
  };
  if (host.era === 'modern')
    return context.roundTrips.call(host, toolName, (sink, end, signal, current) =>
      guarded(sink, end, [signal], current),
    );
  const end = new CallEnd();
  return guarded(new PushSink(host, toolName, end), end, host.signals, () => host).finally(() => host.close());
}

/**
 * Runs `work` until it ends or `end` ends it first (cancelling what it started); any of `signals`
 * aborting cancels it too. Errors become the host's answer.
 */
async function endable(
  toolName: string,
  end: CallEnd,
  signals: readonly AbortSignal[],
  work: (signal: AbortSignal) => Promise<HostResult>,
): Promise<HostResult> {
  const controller = new AbortController();
  // Linked by hand, one listener for all: AbortSignal.any costs more than a listener per signal on every call.
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const signal of signals)
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  end.promise.catch((error: unknown) => controller.abort(error));
  try {
    return await Promise.race([work(controller.signal), end.promise]);
  } catch (error) {
    return errorResult(toolName, error);
  } finally {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  }
}

/** Calls an upstream tool for a host. */
export function callUpstreamTool(
  tool: CatalogTool,
  args: ToolArguments,
  host: HostCall,
  context: CallContext,
): Promise<HostResult> {
  return runHostCall(host, tool.hostName, context, async (sink, _end, signal, current) => {
    if (tool.background) {
      const started = await context.tasks.start(tool, args, { meta: current().meta, signal });
      return started.kind === 'task' ? acknowledgement(started.task) : answerResult(started.answer);
    }
    const call: UpstreamCall = { tool, args, context, sink, signal, host: current };
    if (tool.task && current().declares('tasks')) return taskForHost(call);
    return tool.task ? awaitTask(call) : plainCall(call);
  });
}

/** One call of an upstream tool, as the ways of running it take it. */
interface UpstreamCall {
  readonly tool: CatalogTool;
  readonly args: ToolArguments;
  readonly context: CallContext;
  /** Where the server's requests for input go. */
  readonly sink: InputSink;
  readonly signal: AbortSignal;
  /** The host request open now. */
  readonly host: () => HostCall;
}

/** Calls one of the bridge's own task tools for a host. */
export function callTaskTool(
  name: BackgroundToolName,
  args: Record<string, unknown>,
  host: HostCall,
  context: CallContext,
): Promise<HostResult> {
  return runHostCall(host, name, context, (sink, _end, signal, current) =>
    callBackgroundTool(name, args, current, sink, signal, context.tasks, context.heartbeatMs),
  );
}

/** A task-aware host (2026-07-28 tasks extension) gets the task itself, held by the bridge, and polls it. */
async function taskForHost({ tool, args, context, signal, host }: UpstreamCall): Promise<HostResult> {
  const started = await context.tasks.start(tool, args, {
    meta: host().meta,
    signal,
    // The task's own requests for input reach the host through tasks/get; a host without the capability cannot answer them.
    refuse: (method, params) =>
      host().declares(capabilityFor(method))
        ? undefined
        : inputRefused(tool.hostName, method, params, ' and its task cancelled'),
  });
  if (started.kind === 'answer') return answerResult(started.answer);
  return { resultType: 'task', ...started.task.view() };
}

/** A plain tool: called as it is, its progress passed on, its answer returned unchanged. */
async function plainCall({ tool, args, context, sink, signal, host }: UpstreamCall): Promise<HostResult> {
  // Progress is asked of the server only when the host asked for it (gave a progress token).
  const reporter = host().wantsProgress ? new ProgressReporter(host, 0) : undefined;
  const untrack = context.router.trackPlain(tool.upstream.spec.name, sink);
  try {
    return answerResult(
      await tool.upstream.callPlain(tool.definition.name, args, {
        signal,
        meta: host().meta,
        ...(reporter ? { onProgress: (update: ProgressUpdate) => reporter.progress(update) } : {}),
      }),
    );
  } finally {
    untrack();
    reporter?.close();
  }
}

/**
 * A task tool for a host that knows no tasks: the task runs upstream and the call answers when it
 * ends; meanwhile each status change and progress update reaches the host as progress.
 */
async function awaitTask({ tool, args, context, sink, signal, host }: UpstreamCall): Promise<HostResult> {
  const reporter = new ProgressReporter(host, context.heartbeatMs);
  const unbind: (() => void)[] = [];
  const ctx = createRunContext({ signal });
  ctx.events.on('task-created', (event) => {
    unbind.push(context.router.bindTask(tool.upstream.spec.name, event.taskId, sink));
    reporter.status(event.status, event.statusMessage);
  });
  try {
    const started = await tool.upstream.startTask(tool.definition.name, args, { signal, meta: host().meta, ctx });
    if (!(started instanceof TaskHandle)) return answerResult(started);
    const stop = started.on((event) => {
      if (event.type === 'status')
        context.router.taskStatus(tool.upstream.spec.name, started.taskId, event.task.status);
      reporter.event(event);
    });
    try {
      return outcomeAnswer(tool.hostName, started.taskId, await outcomeOf(started, signal));
    } finally {
      stop();
    }
  } finally {
    for (const done of unbind) done();
    reporter.close();
  }
}

/** The server's answer for the host: its result as it sent it, or its JSON-RPC error as such. */
function answerResult(answer: UpstreamAnswer): HostResult {
  if (answer.kind === 'result') return answer.result;
  throw new ProtocolError(answer.code, answer.message, answer.data);
}

/** A task's outcome for the host that waited on its call. */
function outcomeAnswer(toolName: string, taskId: string, outcome: TaskOutcome): HostResult {
  switch (outcome.kind) {
    case 'result':
      return outcome.result;
    case 'error':
      // The JSON-RPC error the call itself would have answered, had it not run as a task.
      throw new ProtocolError(outcome.code, outcome.message, outcome.data);
    case 'cancelled':
      return textResult(`Tool '${toolName}': its task ${taskId} was cancelled: ${outcome.message}`, true);
    case 'failed':
      return textResult(`Tool '${toolName}': its task ${taskId} failed: ${outcome.message}`, true);
  }
}

/** An error of the bridge's own as a tool error the host's model can read; a server's JSON-RPC error passes as it is. */
function errorResult(toolName: string, error: unknown): HostResult {
  if (error instanceof ProtocolError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  return textResult(message.includes(toolName) ? message : `Tool '${toolName}': ${message}`, true);
}
