import { type JsonObject, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { TaskGeneration } from './task-generation.ts';

/** A small, serialisable pointer to a server task: give it to `MCPToolset.resumeTask` to pick the task up again. */
export interface TaskReference extends JsonObject {
  /** Always `'mcp-task'`: marks the JSON as a task reference. */
  readonly type: 'mcp-task';
  /** The task protocol generation: `2025-11-25` or `2026-07-28`. */
  readonly protocol: string;
  /** The server: the toolset id, URL or command. */
  readonly server: string;
  /** The server's id of the task. */
  readonly taskId: string;
  /** The tool whose call the task runs. */
  readonly toolName: string;
}

/** The reference of task `taskId` of tool `toolName` on the generation's server. */
export function taskReference(generation: TaskGeneration, taskId: string, toolName: string): TaskReference {
  return { type: 'mcp-task', protocol: generation.version, server: generation.serverKey, taskId, toolName };
}

/**
 * A task reference as JSON, read once: a value with cycles, BigInt or throwing getters, or one
 * that lacks the fields of a reference, is a UserError that says what to pass instead.
 */
export function readReference(value: unknown): TaskReference {
  const hint = 'pass handle.toJSON() or error.reference (or JSON.parse of a saved one)';
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (error) {
    throw new UserError(
      `resumeTask cannot read the task reference it was given (${(error as Error).message}); ${hint}.`,
      {
        cause: error,
      },
    );
  }
  if (
    !isPlainObject(copy) ||
    copy.type !== 'mcp-task' ||
    typeof copy.taskId !== 'string' ||
    typeof copy.toolName !== 'string' ||
    typeof copy.server !== 'string' ||
    typeof copy.protocol !== 'string'
  ) {
    const text = JSON.stringify(copy);
    throw new UserError(
      `resumeTask needs a task reference; got ${text.length > 200 ? `${text.slice(0, 200)}…` : text}. ${hint[0]?.toUpperCase()}${hint.slice(1)}.`,
    );
  }
  return copy as TaskReference;
}
