// The raw SDK v2 baselines for task traffic on the 2025-11-25 generation. The v2 client has no
// callToolStream, and its typed callTool rejects a CreateTaskResult, so task traffic goes through
// client.request with a result schema, as a raw SDK user would write it.
import type { Client } from '@modelcontextprotocol/client';
import { z } from 'zod/v4';

const TaskSchema = z.looseObject({
  taskId: z.string(),
  status: z.string(),
  pollInterval: z.number().optional(),
});
const CreateTaskResultSchema = z.looseObject({ task: TaskSchema });
const CallToolResultSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  isError: z.boolean().optional(),
});

/** A tool's result as the raw baselines return it. */
export type RawToolResult = z.infer<typeof CallToolResultSchema>;

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Sends a task-augmented tools/call and returns the task the server created. */
export async function createRawTask(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<z.infer<typeof TaskSchema>> {
  const created = await client.request(
    { method: 'tools/call', params: { name, arguments: args, task: {} } },
    CreateTaskResultSchema,
  );
  return created.task;
}

/** The blocking tasks/result of a task. */
export function rawTaskResult(client: Client, taskId: string): Promise<RawToolResult> {
  return client.request({ method: 'tasks/result', params: { taskId } }, CallToolResultSchema);
}

/**
 * The SDK v2 stand-in for the SDK 1.x `callToolStream`: a task-augmented tools/call, then tasks/get
 * every `pollInterval` the server suggests until the task is terminal, then tasks/result.
 */
export async function pollRawTask(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ readonly taskId: string; readonly result: RawToolResult }> {
  let task = await createRawTask(client, name, args);
  while (!TERMINAL.has(task.status)) {
    const waitMs = task.pollInterval ?? 1_000;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    task = await client.request({ method: 'tasks/get', params: { taskId: task.taskId } }, TaskSchema);
  }
  if (task.status !== 'completed') throw new Error(`task ${task.taskId} ended ${task.status}`);
  return { taskId: task.taskId, result: await rawTaskResult(client, task.taskId) };
}

/** The text of a tool result's first content block, if it is text. */
export function firstText(result: RawToolResult): string | undefined {
  const [part] = result.content;
  return part?.type === 'text' ? part.text : undefined;
}
