import { UserError } from './errors.ts';
import { type JsonObject, toJsonValue } from './json.ts';

/**
 * Metadata of a tool: a read-only record of JSON values only. It is how layers talk: a toolset
 * writes it, capabilities read and override it, selectors match on it. Being plain JSON, it
 * serialises, compares and matches.
 */
export type ToolMetadata = JsonObject;

/** What a model and the layers around it know of one tool. Survives `JSON.stringify`/`JSON.parse` unchanged. */
export interface ToolDefinition {
  /** The name the model calls the tool by. */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description?: string;
  /** JSON Schema of the arguments (an object schema). */
  readonly inputSchema: JsonObject;
  /** JSON Schema of a structured result, when the tool declares one. */
  readonly outputSchema?: JsonObject;
  /** JSON metadata; see {@link ToolMetadata}. */
  readonly metadata: ToolMetadata;
}

/** The fields from which {@link toolDefinition} builds a definition. */
export interface ToolDefinitionInput {
  /** The tool's name; a non-empty string. */
  readonly name: string;
  /** What the tool does, for the model; omitted when undefined. */
  readonly description?: string | undefined;
  /** JSON Schema of the arguments (a JSON object); defaults to an object with any properties. */
  readonly inputSchema?: unknown;
  /** JSON Schema of the structured result (a JSON object); omitted when undefined. */
  readonly outputSchema?: unknown;
  /** Toolwright metadata (a JSON object); `{}` when undefined. */
  readonly metadata?: unknown;
}

/** An input schema that accepts an object with any properties. */
export const EMPTY_INPUT_SCHEMA: JsonObject = { type: 'object', properties: {} };

/**
 * Builds a valid {@link ToolDefinition}: copies schemas and metadata into plain JSON and checks
 * them, so the definition serialises and compares. Throws a {@link UserError} naming the tool and
 * the offending field otherwise.
 */
export function toolDefinition(input: ToolDefinitionInput): ToolDefinition {
  const { name } = input;
  if (typeof name !== 'string' || name.length === 0) {
    throw new UserError('A tool definition needs a non-empty string name.');
  }
  const json = (field: string, value: unknown): JsonObject => {
    let copy: unknown;
    try {
      copy = toJsonValue(value, field);
    } catch (error) {
      throw new UserError(`Tool '${name}': ${(error as Error).message}.`, { cause: error });
    }
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
      throw new UserError(`Tool '${name}': ${field} must be a JSON object.`);
    }
    return copy as JsonObject;
  };
  return {
    name,
    ...(input.description === undefined ? {} : { description: input.description }),
    inputSchema: input.inputSchema === undefined ? EMPTY_INPUT_SCHEMA : json('inputSchema', input.inputSchema),
    ...(input.outputSchema === undefined ? {} : { outputSchema: json('outputSchema', input.outputSchema) }),
    metadata: input.metadata === undefined ? {} : json('metadata', input.metadata),
  };
}

/** A copy of `tool` with a different name; everything else, metadata included, is kept. */
export function withToolName(tool: ToolDefinition, name: string): ToolDefinition {
  return tool.name === name ? tool : { ...tool, name };
}
