import { ResultValidationError, type TaskErrorDetails, UserError } from '@toolwright/core';
import { mapToolResult, resultText } from './result-mapping.ts';
import { describeValue, fieldValue, type MCPCallToolResult } from './wire.ts';

/**
 * A schema for a tool's structured result, against which `structuredContent` is validated: a zod
 * schema (zod 3.25 or newer, or 4), or any other schema library's schema that implements Standard
 * Schema v1 (a `~standard` property with `validate`). The call then returns what the schema outputs.
 */
export interface ResultSchema<Output = unknown> {
  /** The Standard Schema v1 interface, which zod implements. */
  readonly '~standard': {
    /** The version of the interface: 1. */
    readonly version: 1;
    /** The library the schema comes from (`zod`, …). */
    readonly vendor: string;
    /** Validates a value: its output, or the issues found. */
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    /** The schema's input and output types (for inference only; absent at run time). */
    readonly types?:
      | {
          /** The type of the value the schema accepts. */
          readonly input: unknown;
          /** The type of the value validation returns. */
          readonly output: Output;
        }
      | undefined;
  };
}

/** What a {@link ResultSchema} says of a value: its output, or the issues found. */
export type SchemaResult<Output> =
  | {
      /** The validated value (the schema may have transformed it). */
      readonly value: Output;
      /** Absent: the value passed. */
      readonly issues?: undefined;
    }
  | {
      /** What is wrong with the value; at least one issue. */
      readonly issues: readonly SchemaIssue[];
    };

/** One problem a {@link ResultSchema} found: a message and the path of the field it concerns. */
export interface SchemaIssue {
  /** What is wrong, in the schema library's words. */
  readonly message: string;
  /** The field's path: keys, or segments holding a key. */
  readonly path?:
    | readonly (
        | PropertyKey
        | {
            /** The key this segment stands for. */
            readonly key: PropertyKey;
          }
      )[]
    | undefined;
}

/** The output type of a {@link ResultSchema}: what a call given that schema returns. */
export type ResultOf<Schema extends ResultSchema> = NonNullable<Schema['~standard']['types']>['output'];

/**
 * Rejects a `resultSchema` that is none (not a zod or Standard Schema) before anything is sent, with a
 * UserError naming the tool: a careless caller learns it at once, not after the server did the work.
 */
export function assertResultSchema(toolName: string, schema: unknown): void {
  if (schema === undefined) return;
  const standard = (schema as { readonly '~standard'?: { readonly validate?: unknown } } | null)?.['~standard'];
  if (typeof standard?.validate !== 'function') {
    throw new UserError(
      `The resultSchema for tool '${toolName}' is not a schema: pass a zod schema (zod 3.25 or newer) or another Standard Schema, e.g. z.object({ city: z.string() }).`,
    );
  }
}

/**
 * The value a call returns: without a schema, the mapped result (see `mapToolResult`), at once (no
 * promise on every call's path); with one, a promise of the result's `structuredContent` validated by
 * it. A result without `structuredContent`, or one the schema rejects, is a ResultValidationError
 * naming the tool, the field and what the server sent.
 */
export function toolResultValue(
  toolName: string,
  result: MCPCallToolResult,
  schema: ResultSchema | undefined,
  details: TaskErrorDetails = {},
): unknown {
  return schema === undefined ? mapToolResult(result) : validatedResult(toolName, result, schema, details);
}

async function validatedResult(
  toolName: string,
  result: MCPCallToolResult,
  schema: ResultSchema,
  details: TaskErrorDetails,
): Promise<unknown> {
  const advice = `Check the schema against the tool's outputSchema (in its definition from getTools()), or call it without resultSchema to take the result as it comes.`;
  const structured = result.structuredContent;
  if (structured === undefined) {
    const text = resultText(result);
    throw new ResultValidationError(
      `Tool '${toolName}' returned no structuredContent, which its resultSchema validates; the server sent ${text === '' ? 'no text either' : `the text ${describeValue(text)}`}. ${advice}`,
      { ...details, toolName },
    );
  }
  let checked: SchemaResult<unknown>;
  try {
    checked = await schema['~standard'].validate(structured);
  } catch (error) {
    throw new UserError(
      `The resultSchema for tool '${toolName}' threw while validating its result: ${String(error)}.`,
      {
        cause: error,
      },
    );
  }
  if (checked.issues === undefined) return checked.value;
  const issue = checked.issues[0];
  const path = (issue?.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
  const field = path.length > 0 ? path.map(String).join('.') : undefined;
  const problem = issue?.message ?? 'is invalid';
  throw new ResultValidationError(
    `Tool '${toolName}' returned structuredContent that does not fit its resultSchema: ${field === undefined ? `the result: ${problem}; the server sent ${describeValue(structured)}` : `field ${field}: ${problem}; the server sent ${describeValue(fieldValue(structured, path))}`}. ${advice}`,
    { ...details, toolName, field },
  );
}
