import { ProtocolError, type ToolDefinition, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import type { Connection } from '../connection.ts';
import type { ResolvedOptions } from '../options.ts';
import { type HeaderParameter, readMcpHeaders } from '../param-headers/mcp-header.ts';
import { isModernProtocol } from '../protocol-version.ts';
import type { TaskGeneration, TaskSupport } from '../tasks/task-generation.ts';
import { closestNames } from './closest-names.ts';
import { listingError, paginate } from './pagination.ts';
import { toToolDefinition } from './tool-mapping.ts';

/** How many times a listing is read again when the list changed while it was read. */
const LISTING_ATTEMPTS = 3;

/** One complete tools/list: the definitions, and each tool's declared task support ('none' when absent). */
interface Listing {
  readonly definitions: readonly ToolDefinition[];
  readonly taskSupport: ReadonlyMap<string, NonNullable<TaskSupport> | 'none'>;
  /** Tools left out of the listing, with why (invalid x-mcp-header annotations). */
  readonly excluded: ReadonlyMap<string, string>;
}

/**
 * The tools of one open connection: the latest complete tools/list (all pages, within the listing
 * limits), shared by concurrent callers, read again when the server says its list changed
 * (notifications/tools/list_changed) or a call's `Mcp-Param-*` headers no longer match it. It is the
 * spec guard of every call: a tool's declared task support, and the error (with the closest names)
 * for a tool the server does not offer or that the listing left out.
 */
export class ToolListing {
  readonly #connection: Connection;
  readonly #generation: TaskGeneration;
  /** Names the toolset in messages. */
  readonly #label: string;
  readonly #options: ResolvedOptions;
  /** The latest complete listing and the list generation it was started in. */
  #listed: (Listing & { readonly generation: number }) | undefined;
  /** The tools/list in flight, shared by every caller. */
  #listing: Promise<Listing> | undefined;
  /** Counts the times the list changed: a listing started in an older generation is stale. */
  #listGeneration = 0;
  #closed = false;

  /** Lists the tools of `connection`, routed by `generation`; `onChanged` hears of each list_changed. */
  constructor(
    connection: Connection,
    generation: TaskGeneration,
    label: string,
    options: ResolvedOptions,
    onChanged?: () => void,
  ) {
    this.#connection = connection;
    this.#generation = generation;
    this.#label = label;
    this.#options = options;
    connection.onToolsListChanged(() => {
      this.invalidate();
      onChanged?.();
    });
  }

  /** Every tool (all pages of tools/list), cached until the list changes when `cacheTools` is on. */
  tools(): Promise<readonly ToolDefinition[]> {
    const listed = this.#listed;
    if (this.#options.cacheTools && listed && listed.generation === this.#listGeneration)
      return Promise.resolve(listed.definitions);
    return this.#list().then((listing) => listing.definitions);
  }

  /** Marks the listing stale: the next lookup lists again. */
  invalidate(): void {
    this.#listGeneration++;
  }

  /** Lists the tools again now (concurrent callers share it). */
  async refresh(): Promise<void> {
    this.invalidate();
    await this.#list();
  }

  /** Drops the listing with the connection it belongs to; a listing still in flight is not kept. */
  close(): void {
    this.#closed = true;
    this.invalidate();
    this.#listed = undefined;
  }

  /** A tool's declared task support from the latest listing while it is current; undefined when it must be listed (again). */
  listedTaskSupport(name: string): TaskSupport | undefined {
    const listed = this.#listed;
    const support = listed && listed.generation === this.#listGeneration ? listed.taskSupport.get(name) : undefined;
    return support === undefined ? undefined : support === 'none' ? null : support;
  }

  /**
   * A tool's declared task support, from the latest listing while it is current. A stale or
   * missing listing, or a name it lacks, is listed (again) first: a tool the server offers is never
   * refused because its list changed meanwhile. A tool the server does not offer, or one the listing
   * left out, is a UserError that says why (with the closest names the server offers).
   */
  async taskSupportOf(name: string): Promise<TaskSupport> {
    const listed = this.listedTaskSupport(name);
    if (listed !== undefined) return listed;
    const listing = await this.#list();
    const support = listing.taskSupport.get(name);
    const excluded = listing.excluded.get(name);
    if (support === undefined && excluded !== undefined)
      throw new UserError(
        `Tool '${shortName(name)}' of MCP server '${this.#label}' is left out because its ${excluded}; a client must not call such a tool (SEP-2243). The server must fix its definition.`,
      );
    if (support === undefined) {
      const suggestions = closestNames(name, listing.taskSupport.keys());
      throw new UserError(
        `Tool '${shortName(name)}' is not offered by MCP server '${this.#label}'.${suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${shortName(s)}'`).join(', ')}?` : ''} Call getTools() to see the tools it offers.`,
      );
    }
    return support === 'none' ? null : support;
  }

  /** The tools/list in flight, or a new one: concurrent callers share it. */
  #list(): Promise<Listing> {
    this.#listing ??= this.#freshListing().finally(() => {
      this.#listing = undefined;
    });
    return this.#listing;
  }

  /**
   * Lists the tools, again while the server says its list changed during the listing (a few times
   * at most: under a storm of list_changed the last complete listing is the best there is).
   */
  async #freshListing(): Promise<Listing> {
    for (let attempt = 1; ; attempt++) {
      const generation = this.#listGeneration;
      const listing = await this.#readListing();
      if (this.#closed) return listing;
      this.#listed = { ...listing, generation };
      if (generation === this.#listGeneration || attempt >= LISTING_ATTEMPTS) return listing;
    }
  }

  async #readListing(): Promise<Listing> {
    const connection = this.#connection;
    const routing = (execution: unknown) => this.#generation.routing(execution, this.#options.preferTasks);
    const definitions: ToolDefinition[] = [];
    const taskSupport = new Map<string, NonNullable<TaskSupport> | 'none'>();
    const excluded = new Map<string, string>();
    // Tool-parameter headers (x-mcp-header) are a 2026-07-28 feature: a tool whose annotations are invalid
    // is left out, and the parameters the others designate are mirrored into headers on each call.
    const checkHeaders = isModernProtocol(connection.protocolVersion);
    const headerParameters = new Map<string, readonly HeaderParameter[]>();
    await paginate(this.#label, 'tools/list', this.#options, async (cursor) => {
      const raw = await connection
        .request('tools/list', cursor === undefined ? {} : { cursor })
        .catch((error: unknown) => {
          throw listingError(this.#label, 'tools/list', error);
        });
      if (!isPlainObject(raw) || !Array.isArray(raw.tools))
        throw new ProtocolError(
          `The server of '${this.#label}' sent a malformed tools/list result: tools must be an array.`,
        );
      for (const tool of raw.tools) {
        const { definition, taskSupport: support } = toToolDefinition(tool, routing, definitions.length);
        const headers = checkHeaders ? readMcpHeaders(definition.inputSchema) : undefined;
        if (headers?.invalid !== undefined) {
          excluded.set(definition.name, headers.invalid);
          continue;
        }
        if (taskSupport.has(definition.name))
          throw new ProtocolError(`The server of '${this.#label}' lists tool '${definition.name}' twice.`, {
            toolName: definition.name,
          });
        taskSupport.set(definition.name, support ?? 'none');
        if (headers?.parameters.length) headerParameters.set(definition.name, headers.parameters);
        definitions.push(definition);
      }
      return {
        count: raw.tools.length,
        total: definitions.length,
        nextCursor: typeof raw.nextCursor === 'string' ? raw.nextCursor : undefined,
      };
    });
    connection.paramHeaders.useListing(headerParameters);
    return { definitions, taskSupport, excluded };
  }
}

/** A name cut to a readable length for messages (a server may send names of any length). */
export function shortName(name: string): string {
  return name.length > 120 ? `${name.slice(0, 120)}…` : name;
}
