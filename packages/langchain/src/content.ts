import { isBinaryContent } from '@toolwright/core';

/** A text block of a tool message's content. */
export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

/**
 * A media block of a tool message's content, in LangChain's standard form (base64 data and its
 * MIME type): `image` for images, `audio` for audio, `file` for any other binary content.
 */
export interface MediaBlock {
  readonly type: 'image' | 'audio' | 'file';
  readonly data: string;
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
  const parts = Array.isArray(value) ? value : [value];
  if (parts.some(isBinaryContent)) return parts.map(toBlock);
  return JSON.stringify(value ?? null);
}

function toBlock(value: unknown): ContentBlock {
  if (!isBinaryContent(value)) return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
  const kind = value.mediaType.startsWith('image/') ? 'image' : value.mediaType.startsWith('audio/') ? 'audio' : 'file';
  return { type: kind, data: Buffer.from(value.data).toString('base64'), mimeType: value.mediaType };
}
