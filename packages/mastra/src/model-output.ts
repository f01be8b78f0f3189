import { isBinaryOutput } from '@toolwright/core';

/**
 * A tool result as the model reads it, in the form Mastra hands to models (the AI SDK's tool
 * result output): text as text, media as media parts beside text, anything else as JSON.
 */
export type MastraModelOutput =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'json'; readonly value: unknown }
  | {
      readonly type: 'content';
      readonly value: readonly (
        | { readonly type: 'text'; readonly text: string }
        | { readonly type: 'media'; readonly data: string; readonly mediaType: string }
      )[];
    };

/**
 * Mastra's `toModelOutput` for a Toolwright tool's output (as core's `toModelValue` made it): text
 * stays text; binary content (images, audio), alone or among other parts, becomes media parts;
 * any other value is JSON.
 */
export function toModelOutput(output: unknown): MastraModelOutput {
  if (typeof output === 'string') return { type: 'text', value: output };
  const parts = Array.isArray(output) ? output : [output];
  if (!parts.some(isBinaryOutput)) return { type: 'json', value: output ?? null };
  return {
    type: 'content',
    value: parts.map((part) =>
      isBinaryOutput(part)
        ? { type: 'media', data: part.base64, mediaType: part.mediaType }
        : { type: 'text', text: typeof part === 'string' ? part : JSON.stringify(part) },
    ),
  };
}
