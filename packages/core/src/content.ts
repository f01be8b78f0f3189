/**
 * Binary data in a tool result (an image, audio, a file), with its media type. Tool results are
 * otherwise JSON-like values; adapters turn this into their framework's file or media part.
 */
export interface BinaryContent {
  /** Always `'binary'`: tells binary content from other values. */
  readonly type: 'binary';
  /** The raw bytes. */
  readonly data: Uint8Array;
  /** The content's media type, e.g. `image/png` or `application/pdf`. */
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
