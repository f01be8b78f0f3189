/**
 * Binary data in a tool result (an image, audio, a file), with its media type. Tool results are
 * otherwise JSON-like values; adapters turn this into their framework's file or media part.
 */
export interface BinaryContent {
  readonly type: 'binary';
  readonly data: Uint8Array;
  readonly mediaType: string;
}

/** Builds a {@link BinaryContent}. */
export function binaryContent(data: Uint8Array, mediaType: string): BinaryContent {
  return { type: 'binary', data, mediaType };
}

/** True for a {@link BinaryContent} (from any copy of this package: it is checked by shape). */
export function isBinaryContent(value: unknown): value is BinaryContent {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'binary' &&
    (value as { data?: unknown }).data instanceof Uint8Array &&
    typeof (value as { mediaType?: unknown }).mediaType === 'string'
  );
}
