import type { ToolDefinition } from '@toolwright/core';
import { mcpMetadata } from '@toolwright/mcp-toolset';
import { BACKGROUND_TOOLS, type BackgroundToolName } from './background-tools.ts';
import type { Upstream } from './upstream.ts';

/** One upstream tool as the bridge offers it. */
export interface CatalogTool {
  /** The name the host calls it by: the upstream's, prefixed `<server>_` when the bridge fronts several. */
  readonly hostName: string;
  readonly upstream: Upstream;
  /** The upstream's definition (its name is the upstream's). */
  readonly definition: ToolDefinition;
  /** Whether calls may run as tasks upstream (the toolset's routing). */
  readonly task: boolean;
  /** Whether a call answers at once and runs in the background. */
  readonly background: boolean;
}

/** A tool as tools/list gives it to a host: never a task support field. */
export type HostTool = Record<string, unknown> & {
  readonly name: string;
  readonly inputSchema: Record<string, unknown> & { readonly type: 'object' };
};

/**
 * The tools of every upstream server, as the host sees them, kept until a server says its list
 * changed. A server that cannot be reached fails the listing when it is the only one; beside
 * others, its tools are left out and `onUnreachable` says why.
 */
export class Catalog {
  readonly #upstreams: readonly Upstream[];
  readonly #onUnreachable: (upstream: Upstream, error: unknown) => void;
  #tools: Promise<ReadonlyMap<string, CatalogTool>> | undefined;
  /** The current listing once it resolved: a call finds its tool without waiting on a promise. */
  #listed: ReadonlyMap<string, CatalogTool> | undefined;

  constructor(upstreams: readonly Upstream[], onUnreachable: (upstream: Upstream, error: unknown) => void) {
    this.#upstreams = upstreams;
    this.#onUnreachable = onUnreachable;
  }

  /** Drops the cached list (a server's list changed). */
  invalidate(): void {
    this.#tools = undefined;
    this.#listed = undefined;
  }

  /** The upstream tools by host name. */
  tools(): Promise<ReadonlyMap<string, CatalogTool>> {
    if (this.#tools) return this.#tools;
    const listing = this.#list();
    this.#tools = listing;
    listing.then(
      (tools) => {
        if (this.#tools === listing) this.#listed = tools;
      },
      () => {
        if (this.#tools === listing) this.#tools = undefined;
      },
    );
    return listing;
  }

  /** The tool a host calls by `name`, listing afresh once when the cached list lacks it. */
  async find(name: string): Promise<CatalogTool | undefined> {
    const found = (this.#listed ?? (await this.tools())).get(name);
    if (found) return found;
    this.invalidate();
    return (await this.tools()).get(name);
  }

  /** Whether any tool runs in the background (the bridge then offers its task tools). */
  async hasBackground(): Promise<boolean> {
    return [...(await this.tools()).values()].some((tool) => tool.background);
  }

  /** The tools/list a host gets. */
  async hostTools(): Promise<HostTool[]> {
    const tools = [...(await this.tools()).values()];
    const listed = tools.map(hostTool);
    if (tools.some((tool) => tool.background)) listed.push(...(Object.values(BACKGROUND_TOOLS) as readonly HostTool[]));
    return listed;
  }

  async #list(): Promise<ReadonlyMap<string, CatalogTool>> {
    const prefixed = this.#upstreams.length > 1;
    const settled = await Promise.allSettled(this.#upstreams.map((upstream) => upstream.tools()));
    const tools = new Map<string, CatalogTool>();
    let failure: unknown;
    settled.forEach((outcome, index) => {
      const upstream = this.#upstreams[index] as Upstream;
      if (outcome.status === 'rejected') {
        failure ??= outcome.reason;
        this.#onUnreachable(upstream, outcome.reason);
        return;
      }
      const background = upstream.spec.background;
      for (const definition of outcome.value) {
        const hostName = prefixed ? `${upstream.spec.name}_${definition.name}` : definition.name;
        tools.set(hostName, {
          hostName,
          upstream,
          definition,
          task: mcpMetadata(definition).task,
          background:
            mcpMetadata(definition).task &&
            (background === true || (Array.isArray(background) && background.includes(definition.name))),
        });
      }
    });
    if (tools.size === 0 && failure !== undefined) throw failure;
    // With background tools, the bridge's own task tools win over an upstream tool of the same name.
    if ([...tools.values()].some((tool) => tool.background))
      for (const name of Object.keys(BACKGROUND_TOOLS)) tools.delete(name);
    return tools;
  }
}

/** Whether `name` is one of the bridge's own task tools. */
export function isBackgroundTool(name: string): name is BackgroundToolName {
  return Object.hasOwn(BACKGROUND_TOOLS, name);
}

function hostTool(tool: CatalogTool): HostTool {
  const { definition } = tool;
  const { annotations, meta, taskSupport } = mcpMetadata(definition);
  const then = 'answers at once with a task id; call task_status, task_result or task_cancel with it.';
  // On MCP 2026-07-28 the server decides call by call whether a call becomes a task.
  const note =
    taskSupport === 'required' || taskSupport === 'optional'
      ? `Runs in the background: ${then}`
      : `Runs in the background when its server makes the call a task: it then ${then}`;
  return {
    name: tool.hostName,
    ...(typeof definition.metadata.title === 'string' ? { title: definition.metadata.title } : {}),
    ...(tool.background
      ? { description: definition.description ? `${definition.description}\n\n${note}` : note }
      : definition.description === undefined
        ? {}
        : { description: definition.description }),
    inputSchema: { ...definition.inputSchema, type: 'object' },
    // A background call answers with its task id, not the tool's structured result.
    ...(definition.outputSchema && !tool.background ? { outputSchema: definition.outputSchema } : {}),
    ...(annotations ? { annotations } : {}),
    ...(meta ? { _meta: meta } : {}),
  };
}
