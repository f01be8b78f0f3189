import { UserError } from './errors.ts';
import { type JsonObject, mergeJsonObjects } from './json.ts';
import type { RunContext } from './run-context.ts';
import { selectTools, type ToolSelector } from './selectors.ts';
import { type ToolDefinition, withToolName } from './tool-definition.ts';

/**
 * Arguments of a tool call, as the model produced them: an object of named values. Any object type
 * is accepted, interfaces included (an interface has no index signature, so a `Record<string, unknown>`
 * would reject it); arrays and primitives are not. A value read from it is `any`: the tool's input
 * schema, not this type, says what it is, so check it before use.
 */
// biome-ignore lint/suspicious/noExplicitAny: only an index signature of `any` lets an interface through.
export type ToolArguments = { readonly [name: string]: any } & {
  /** Never present: rules out arrays and other iterables. */
  readonly [Symbol.iterator]?: never;
};

/**
 * A source of tools. `getTools` lists them for a run; `callTool` runs one, given the definition the
 * caller holds (which a capability may have changed). Open it before use: `open`/`close` are
 * reference-counted, and `await using` closes it.
 */
export interface Toolset<Deps = unknown> extends AsyncDisposable {
  /** The id given at construction, if any. */
  readonly id: string | undefined;
  /** How error messages name this toolset. */
  readonly label: string;
  /** The tools offered to the run of `ctx`. */
  getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]>;
  /** Runs tool `name` with `args` for the run of `ctx`; `tool` is the definition the caller holds. */
  callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown>;
  /** Opens the toolset (connects, starts processes); reference-counted, so each `open` needs a `close`. */
  open(): Promise<void>;
  /** Closes what the matching `open` opened; the last `close` releases everything. */
  close(): Promise<void>;
}

/** Changes a run's tool list; may change definitions, not add or rename tools. */
export type PrepareTools<Deps> = (
  ctx: RunContext<Deps>,
  tools: readonly ToolDefinition[],
) => readonly ToolDefinition[] | Promise<readonly ToolDefinition[]>;

/** The fluent wrappers every Toolwright toolset offers. Each returns a new toolset around this one. */
export abstract class AbstractToolset<Deps = unknown> implements Toolset<Deps> {
  abstract readonly id: string | undefined;
  abstract get label(): string;
  abstract getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]>;
  abstract callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown>;
  abstract open(): Promise<void>;
  abstract close(): Promise<void>;

  /** Closes the toolset at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Only the tools that match `selector`. */
  filtered(selector: ToolSelector<Deps>): FilteredToolset<Deps> {
    return new FilteredToolset(this, selector);
  }

  /** Every tool named `<prefix>_<name>`; calls strip the prefix again. */
  prefixed(prefix: string): PrefixedToolset<Deps> {
    return new PrefixedToolset(this, prefix);
  }

  /** Tools renamed by `names`, a map of new name to original name. */
  renamed(names: Readonly<Record<string, string>>): RenamedToolset<Deps> {
    return new RenamedToolset(this, names);
  }

  /** Tool lists passed through `prepare` for each run. */
  prepared(prepare: PrepareTools<Deps>): PreparedToolset<Deps> {
    return new PreparedToolset(this, prepare);
  }

  /** `metadata` merged (deeply) into every tool's metadata. */
  withMetadata(metadata: JsonObject): MetadataToolset<Deps> {
    return new MetadataToolset(this, metadata);
  }
}

/**
 * A toolset with reference-counted `open`/`close`: the first `open` runs `onOpen`, the last
 * `close` runs `onClose`. Transitions are serialised, so concurrent calls are safe; closing more
 * often than opened throws a {@link UserError}.
 */
export abstract class BaseToolset<Deps = unknown> extends AbstractToolset<Deps> {
  readonly id: string | undefined;
  #openCount = 0;
  #transitions: Promise<unknown> = Promise.resolve();

  /** Takes an optional id, used in messages and as `label`; opens nothing. */
  constructor(options: { readonly id?: string | undefined } = {}) {
    super();
    this.id = options.id;
  }

  get label(): string {
    return this.id ?? this.constructor.name;
  }

  /** Whether the toolset is open. */
  get isOpen(): boolean {
    return this.#openCount > 0;
  }

  /** Runs when the toolset is first opened: connect, start processes. */
  protected async onOpen(): Promise<void> {}

  /** Runs when the toolset is last closed: disconnect, end processes. */
  protected async onClose(): Promise<void> {}

  open(): Promise<void> {
    return this.#transition(async () => {
      if (this.#openCount === 0) await this.onOpen();
      this.#openCount++;
    });
  }

  close(): Promise<void> {
    return this.#transition(async () => {
      if (this.#openCount === 0) {
        throw new UserError(
          `Toolset '${this.label}' was closed more often than it was opened; pair every open() with one close().`,
        );
      }
      this.#openCount--;
      if (this.#openCount === 0) await this.onClose();
    });
  }

  #transition(step: () => Promise<void>): Promise<void> {
    const next = this.#transitions.then(step);
    this.#transitions = next.catch(() => undefined);
    return next;
  }
}

/** A toolset that delegates everything, lifecycle included, to `inner`. Extend it to change one part. */
export class WrapperToolset<Deps = unknown> extends AbstractToolset<Deps> {
  /** The wrapped toolset, which does the work. */
  readonly inner: Toolset<Deps>;

  /** Wraps `inner`; opens nothing (opening the wrapper opens `inner`). */
  constructor(inner: Toolset<Deps>) {
    super();
    this.inner = inner;
  }

  get id(): string | undefined {
    return this.inner.id;
  }

  get label(): string {
    return this.inner.label;
  }

  getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    return this.inner.getTools(ctx);
  }

  callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    return this.inner.callTool(name, args, ctx, tool);
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** See {@link AbstractToolset.filtered}. */
export class FilteredToolset<Deps = unknown> extends WrapperToolset<Deps> {
  readonly #selector: ToolSelector<Deps>;
  /** Wraps `inner`, keeping the tools `selector` accepts. */
  constructor(inner: Toolset<Deps>, selector: ToolSelector<Deps>) {
    super(inner);
    this.#selector = selector;
  }
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    return selectTools(this.#selector, ctx, await this.inner.getTools(ctx));
  }
}

/** See {@link AbstractToolset.prefixed}. */
export class PrefixedToolset<Deps = unknown> extends WrapperToolset<Deps> {
  /** Put before each tool's name, with `_` between: `prefix_name`. */
  readonly prefix: string;
  /** Wraps `inner`; throws a {@link UserError} for an empty prefix. */
  constructor(inner: Toolset<Deps>, prefix: string) {
    super(inner);
    if (prefix.length === 0) throw new UserError(`The prefix for toolset '${inner.label}' must not be empty.`);
    this.prefix = prefix;
  }
  override get label(): string {
    return `${this.inner.label} (prefixed '${this.prefix}')`;
  }
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    return (await this.inner.getTools(ctx)).map((tool) => withToolName(tool, `${this.prefix}_${tool.name}`));
  }
  override callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    const start = `${this.prefix}_`;
    if (!name.startsWith(start)) {
      return Promise.reject(
        new UserError(`Tool '${name}' is not a tool of '${this.label}': its names start with '${start}'.`),
      );
    }
    const original = name.slice(start.length);
    return this.inner.callTool(original, args, ctx, withToolName(tool, original));
  }
}

/** See {@link AbstractToolset.renamed}. */
export class RenamedToolset<Deps = unknown> extends WrapperToolset<Deps> {
  /** New name → original name. */
  readonly names: Readonly<Record<string, string>>;
  readonly #newNames: ReadonlyMap<string, string>;
  /** Wraps `inner` with `names` (new name → original); throws a {@link UserError} when one tool is renamed twice. */
  constructor(inner: Toolset<Deps>, names: Readonly<Record<string, string>>) {
    super(inner);
    this.names = { ...names };
    const newNames = new Map<string, string>();
    for (const [newName, original] of Object.entries(names)) {
      const earlier = newNames.get(original);
      if (earlier !== undefined) {
        throw new UserError(
          `Tool '${original}' of '${inner.label}' is renamed twice, to '${earlier}' and '${newName}'; rename it once.`,
        );
      }
      newNames.set(original, newName);
    }
    this.#newNames = newNames;
  }
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    const tools = await this.inner.getTools(ctx);
    const renamed = tools.map((tool) => withToolName(tool, this.#newNames.get(tool.name) ?? tool.name));
    const seen = new Map<string, string>();
    renamed.forEach((tool, index) => {
      const original = tools[index]?.name ?? tool.name;
      const other = seen.get(tool.name);
      if (other !== undefined) {
        throw new UserError(
          `Renaming tools of '${this.inner.label}' gives two tools the name '${tool.name}' (originally '${other}' and '${original}'); choose another new name.`,
        );
      }
      seen.set(tool.name, original);
    });
    return renamed;
  }
  override callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    const original = Object.hasOwn(this.names, name) ? (this.names[name] as string) : name;
    return this.inner.callTool(original, args, ctx, withToolName(tool, original));
  }
}

/** See {@link AbstractToolset.prepared}. */
export class PreparedToolset<Deps = unknown> extends WrapperToolset<Deps> {
  readonly #prepare: PrepareTools<Deps>;
  /** Wraps `inner`; `prepare` may change or drop its tools on every listing. */
  constructor(inner: Toolset<Deps>, prepare: PrepareTools<Deps>) {
    super(inner);
    this.#prepare = prepare;
  }
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    const tools = await this.inner.getTools(ctx);
    const prepared = await this.#prepare(ctx, tools);
    assertSameTools(tools, prepared, this.inner.label);
    return prepared;
  }
}

/**
 * Checks that `prepared` only keeps or changes tools of `original`: no new name, none twice.
 * Dropping tools is allowed.
 */
export function assertSameTools(
  original: readonly ToolDefinition[],
  prepared: readonly ToolDefinition[],
  label: string,
): void {
  const known = new Set(original.map((tool) => tool.name));
  const seen = new Set<string>();
  for (const tool of prepared) {
    if (!known.has(tool.name)) {
      throw new UserError(
        `Preparing the tools of '${label}' returned a tool named '${tool.name}', which it does not have. Preparing may change or drop tools, not add or rename them; use renamed() to rename.`,
      );
    }
    if (seen.has(tool.name)) {
      throw new UserError(
        `Preparing the tools of '${label}' returned tool '${tool.name}' twice; return each tool once.`,
      );
    }
    seen.add(tool.name);
  }
}

/** See {@link AbstractToolset.withMetadata}. */
export class MetadataToolset<Deps = unknown> extends WrapperToolset<Deps> {
  /** Merged deeply into every tool's metadata; where both set a key, this value wins. */
  readonly metadata: JsonObject;
  /** Wraps `inner`, adding `metadata` to each of its tools. */
  constructor(inner: Toolset<Deps>, metadata: JsonObject) {
    super(inner);
    this.metadata = metadata;
  }
  override async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    return (await this.inner.getTools(ctx)).map((tool) => ({
      ...tool,
      metadata: mergeJsonObjects(tool.metadata, this.metadata),
    }));
  }
}

/**
 * Several toolsets as one. Two tools of the same name are an error that names both toolsets;
 * give one a prefix. Opening opens all (and closes the opened ones if one fails).
 */
export class CombinedToolset<Deps = unknown> extends AbstractToolset<Deps> {
  readonly id: string | undefined;
  /** The combined toolsets, in the order given. */
  readonly toolsets: readonly Toolset<Deps>[];
  #owners = new Map<string, Toolset<Deps>>();

  /** Takes the toolsets and an optional id (otherwise the label names them all); opens nothing. */
  constructor(toolsets: readonly Toolset<Deps>[], options: { readonly id?: string } = {}) {
    super();
    this.toolsets = [...toolsets];
    this.id = options.id;
  }

  get label(): string {
    return this.id ?? `combined(${this.toolsets.map((toolset) => toolset.label).join(', ')})`;
  }

  async getTools(ctx: RunContext<Deps>): Promise<readonly ToolDefinition[]> {
    const lists = await Promise.all(this.toolsets.map((toolset) => toolset.getTools(ctx)));
    const owners = new Map<string, Toolset<Deps>>();
    const all: ToolDefinition[] = [];
    lists.forEach((tools, index) => {
      const toolset = this.toolsets[index] as Toolset<Deps>;
      for (const tool of tools) {
        const other = owners.get(tool.name);
        if (other) {
          throw new UserError(
            `Tool '${tool.name}' is offered by both '${other.label}' and '${toolset.label}'. Give one of them a prefix, for example toolset.prefixed('${suggestPrefix(toolset.label)}').`,
          );
        }
        owners.set(tool.name, toolset);
        all.push(tool);
      }
    });
    this.#owners = owners;
    return all;
  }

  async callTool(name: string, args: ToolArguments, ctx: RunContext<Deps>, tool: ToolDefinition): Promise<unknown> {
    let owner = this.#owners.get(name);
    if (!owner) {
      await this.getTools(ctx);
      owner = this.#owners.get(name);
    }
    if (!owner) throw new UserError(`Tool '${name}' is not offered by any toolset of '${this.label}'.`);
    return owner.callTool(name, args, ctx, tool);
  }

  async open(): Promise<void> {
    const results = await Promise.allSettled(this.toolsets.map((toolset) => toolset.open()));
    const failure = results.find((result) => result.status === 'rejected');
    if (!failure) return;
    await Promise.allSettled(
      results.flatMap((result, index) => (result.status === 'fulfilled' ? [this.toolsets[index]?.close()] : [])),
    );
    throw failure.reason;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.toolsets.map((toolset) => toolset.close()));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `Closing ${failures.length} toolsets of '${this.label}' failed.`);
  }
}

/** Combines toolsets into one; see {@link CombinedToolset}. */
export function combineToolsets<Deps>(...toolsets: Toolset<Deps>[]): CombinedToolset<Deps> {
  return new CombinedToolset(toolsets);
}

function suggestPrefix(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 20) || 'other'
  );
}
