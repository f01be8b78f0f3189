import { type BinaryOutput, isBinaryOutput, toModelValue } from '@toolwright/core';

/** A text block of a tool message's content. */
export interface TextBlock {
  /** Always `'text'`. */
  readonly type: 'text';
  /** The part as text (JSON text for anything but a string). */
  readonly text: string;
}

/**
 * A media block of a tool message's content, in LangChain's standard form (base64 data and its
 * MIME type): `image` for images, `audio` for audio, `file` for any other binary content.
 */
export interface MediaBlock {
  /** `image` for `image/…`, `audio` for `audio/…`, `file` for any other media type. */
  readonly type: 'image' | 'audio' | 'file';
  /** The bytes, base64. */
  readonly data: string;
  /** The content's media type, e.g. `image/png`. */
  readonly mimeType: string;
}

/** One block of a tool message's content. */
export type ContentBlock = TextBlock | MediaBlock;

/**
 * A Toolwright tool's result as a LangChain tool message's content: text stays text; binary
 * content (images, audio), alone or among other parts, becomes standard content blocks (media
 * blocks beside text blocks), which chat models that take media send as such; any other value is
 * its JSON text, so LangChain never mistakes a result for content blocks of its own.
 */
export function toToolContent(value: unknown): string | ContentBlock[] {
  if (typeof value === 'string') return value;
  const json = toModelValue(value);
  const parts = Array.isArray(json) ? json : [json];
  if (parts.some(isBinaryOutput)) return parts.map(toBlock);
  return JSON.stringify(json);
}

function toBlock(value: unknown): ContentBlock {
  if (!isBinaryOutput(value)) return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
  return { type: mediaKind(value), data: value.base64, mimeType: value.mediaType };
}

function mediaKind({ mediaType }: BinaryOutput): MediaBlock['type'] {
  return mediaType.startsWith('image/') ? 'image' : mediaType.startsWith('audio/') ? 'audio' : 'file';
}
