import { type BinaryContent, isBinaryContent, ToolwrightError } from '@toolwright/core';

/** A text part of a function tool's output, as the OpenAI Agents SDK reads it. */
export interface TextOutputPart {
  /** Always `'text'`. */
  readonly type: 'text';
  /** The part as text (JSON text for anything but a string). */
  readonly text: string;
}

/** An image part of a function tool's output: the SDK sends it to the model as an input image. */
export interface ImageOutputPart {
  /** Always `'image'`. */
  readonly type: 'image';
  /** The image. */
  readonly image: {
    /** The image's bytes. */
    readonly data: Uint8Array;
    /** Its media type, `image/…`. */
    readonly mediaType: string;
  };
}

/** A file part of a function tool's output (audio, any other binary): the SDK sends it as an input file. */
export interface FileOutputPart {
  /** Always `'file'`. */
  readonly type: 'file';
  /** The file. */
  readonly file: {
    /** The file's bytes. */
    readonly data: Uint8Array;
    /** Its media type, e.g. `audio/wav`. */
    readonly mediaType: string;
    /** A name the SDK requires: `output-<n>.<subtype>`, with the part's position in the output. */
    readonly filename: string;
  };
}

/** One part of a function tool's output that carries media. */
export type OutputPart = TextOutputPart | ImageOutputPart | FileOutputPart;

/**
 * A Toolwright tool's result as a function tool's output: text stays text; binary content
 * (images, audio), alone or among other parts, becomes output parts the SDK turns into the
 * model's media inputs (images as images, anything else as a file); any other value is its JSON
 * text, so the SDK never mistakes a result for one of its own output shapes.
 */
export function toToolOutput(value: unknown): string | OutputPart[] {
  if (typeof value === 'string') return value;
  const parts = Array.isArray(value) ? value : [value];
  if (parts.some(isBinaryContent)) return parts.map((part, index) => toOutputPart(part, index));
  return JSON.stringify(value ?? null);
}

function toOutputPart(value: unknown, index: number): OutputPart {
  if (!isBinaryContent(value)) return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
  if (value.mediaType.startsWith('image/'))
    return { type: 'image', image: { data: value.data, mediaType: value.mediaType } };
  return { type: 'file', file: { data: value.data, mediaType: value.mediaType, filename: filenameOf(value, index) } };
}

/** A name for a file part (the SDK requires one): `output-<n>.<subtype>`. */
function filenameOf(value: BinaryContent, index: number): string {
  const subtype = /^[\w-]+\/([\w.+-]+)/.exec(value.mediaType)?.[1] ?? 'bin';
  return `output-${index + 1}.${subtype}`;
}

/** Failures worded for the model by `startAdapterCall` (its `failure`). */
const worded = new WeakSet<object>();

/**
 * Marks `readable` (what the call's `failure` made of `error`) as worded for the model when it is
 * a new error, so that {@link failureOutput} hands its message to the model; returns it.
 */
export function markWorded(readable: unknown, error: unknown): unknown {
  if (readable !== error && typeof readable === 'object' && readable !== null) worded.add(readable);
  return readable;
}

/**
 * What the model reads when a call fails (the tool's `errorFunction`): for `ModelRetry`,
 * `ToolFailed` and a failed or cancelled task, worded by the tool, its message, which names the
 * tool and says what happened; for another Toolwright error, its name and message (written to be
 * shown, they carry no secrets); for anything else, a message without the error's details, as
 * the SDK's own default does.
 */
export function failureOutput(toolName: string, error: unknown): string {
  if (ToolwrightError.isInstance(error) && worded.has(error)) return error.message;
  if (ToolwrightError.isInstance(error)) return `${error.name}: ${error.message}`;
  return `An error occurred while running tool '${toolName}'. Please try again.`;
}
