import { isBinaryOutput } from '@toolwright/core';

/**
 * A tool result as the model reads it, in the form Mastra hands to models (the AI SDK's tool
 * result output): text as text, media as media parts beside text, anything else as JSON.
 */
export type MastraModelOutput =
  | {
      /** `'text'`: the output was a string. */
      readonly type: 'text';
      /** The text. */
      readonly value: string;
    }
  | {
      /** `'json'`: the output holds no binary content. */
      readonly type: 'json';
      /** The output as JSON (`null` for none). */
      readonly value: unknown;
    }
  | {
      /** `'content'`: the output holds binary content, so it is sent as parts. */
      readonly type: 'content';
      /** The parts, in the output's order. */
      readonly value: readonly (
        | {
            /** `'text'`: a part that is no binary content. */
            readonly type: 'text';
            /** The part as text (JSON text for anything but a string). */
            readonly text: string;
          }
        | {
            /** `'media'`: binary content. */
            readonly type: 'media';
            /** The bytes, base64. */
            readonly data: string;
            /** The content's media type, e.g. `image/png`. */
            readonly mediaType: string;
          }
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
