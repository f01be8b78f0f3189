import { isPlainObject, type JsonObject } from './json.ts';

/** A tool's display title from its metadata: the MCP tool's `title`, else its annotations' `title`. */
export function toolTitle(metadata: JsonObject): string | undefined {
  if (typeof metadata.title === 'string') return metadata.title;
  const annotations = metadata.annotations;
  return isPlainObject(annotations) && typeof annotations.title === 'string' ? annotations.title : undefined;
}
