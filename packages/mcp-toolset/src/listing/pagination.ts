import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import { ProtocolError } from '@toolwright/core';
import type { ResolvedOptions } from '../options.ts';

/** What reading one page gave: how many items it held, how many so far, and the cursor of the next. */
export interface Page {
  readonly count: number;
  readonly total: number;
  readonly nextCursor: string | undefined;
}

/**
 * Reads pages of `method` until the server gives no cursor, within `limits`: a repeated (or
 * oversized) cursor, too many pages or too many items stop it with a ProtocolError naming `label`.
 */
export async function paginate(
  label: string,
  method: string,
  limits: Pick<ResolvedOptions, 'maxListPages' | 'maxListItems'>,
  readPage: (cursor: string | undefined) => Promise<Page>,
): Promise<void> {
  const { maxListPages, maxListItems } = limits;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await readPage(cursor);
    cursor = page.nextCursor;
    if (cursor === undefined) return;
    const stop =
      seen.has(cursor) || cursor.length > 4096
        ? `repeated (or sent an oversized) ${method} cursor`
        : pages >= maxListPages
          ? `sent more than ${maxListPages} pages of ${method} (listing.maxPages)`
          : page.total >= maxListItems
            ? `sent ${page.total} ${method} items, the limit (listing.maxItems)`
            : undefined;
    if (stop !== undefined)
      throw new ProtocolError(`The server of '${label}' ${stop}; stopped to avoid an endless listing.`);
    seen.add(cursor);
  }
}

/** A listing request's failure, typed: the toolset's own errors pass; a JSON-RPC error becomes a ProtocolError. */
export function listingError(label: string, method: string, error: unknown): unknown {
  if (!(error instanceof JsonRpcError)) return error;
  return new ProtocolError(`The server of '${label}' answered ${method} with an error: ${error.message}.`, {
    cause: error,
  });
}
