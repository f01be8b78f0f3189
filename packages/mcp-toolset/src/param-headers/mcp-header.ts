// Tool-parameter headers (SEP-2243, MCP 2026-07-28): a tool's inputSchema may mark parameters with
// `x-mcp-header`, and a client mirrors their values into `Mcp-Param-{Name}` request headers. This
// module reads a tool's annotations once, at listing time: the listing leaves out a tool whose
// annotations are invalid, and hands the parameters of the others to param-headers.ts.
import { isPlainObject } from '@toolwright/core/internal';

/** An HTTP token (RFC 9110): what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The parameter types a header may carry (SEP-2243: primitives; a number is not exact enough to mirror). */
const HEADER_TYPES = new Set(['string', 'integer', 'boolean']);
/**
 * Schema keywords whose subschemas are not statically reachable through `properties` alone: the spec
 * allows an annotation only at the end of a chain of `properties` keys, and makes one anywhere else
 * (under items, a composition, a conditional, a definition a `$ref` may point at) invalid.
 */
const UNREACHABLE_KEYWORDS = [
  'items',
  'prefixItems',
  'contains',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'patternProperties',
  'dependentSchemas',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  '$defs',
  'definitions',
] as const;
/** Of those, the keywords whose value maps names to subschemas. */
const NAMED_SUBSCHEMAS = new Set<string>(['patternProperties', 'dependentSchemas', '$defs', 'definitions']);
/** How deep a schema is searched for annotations; a deeper one (a hostile server's) is refused rather than overflow the stack. */
const MAX_DEPTH = 64;

/** One parameter a tool designates for an `Mcp-Param-{header}` request header. */
export interface HeaderParameter {
  /** The chain of `properties` keys that leads from the arguments to the value. */
  readonly path: readonly string[];
  /** The header's name part, as the tool spells it. */
  readonly header: string;
}

/** A tool's `x-mcp-header` annotations: the parameters to mirror, or why the tool must be left out. */
export type McpHeaders =
  | { readonly parameters: readonly HeaderParameter[]; readonly invalid?: undefined }
  | { readonly invalid: string; readonly parameters?: undefined };

/**
 * Reads a tool's `x-mcp-header` annotations (SEP-2243, MCP 2026-07-28). Each must be a non-empty
 * header token on a string, integer or boolean parameter reached through `properties` alone (at any
 * depth), and unique (case-insensitively) in the tool; otherwise `invalid` says why, and a client
 * must leave the tool out.
 */
export function readMcpHeaders(inputSchema: unknown): McpHeaders {
  const parameters: HeaderParameter[] = [];
  const seen = new Set<string>();
  const visit = (
    schema: unknown,
    path: readonly string[],
    under: string | undefined,
    depth: number,
  ): string | undefined => {
    if (Array.isArray(schema)) {
      for (const item of schema) {
        const problem = visit(item, path, under, depth);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    if (!isPlainObject(schema)) return undefined;
    if (depth > MAX_DEPTH)
      return `inputSchema nests deeper than ${MAX_DEPTH} levels, too deep to check its x-mcp-header annotations`;
    if ('x-mcp-header' in schema) {
      const problem = annotationProblem(schema, path, under, seen);
      if (problem !== undefined) return problem;
      parameters.push({ path, header: schema['x-mcp-header'] as string });
    }
    if (isPlainObject(schema.properties)) {
      for (const [name, child] of Object.entries(schema.properties)) {
        const problem = visit(child, [...path, name], under, depth + 1);
        if (problem !== undefined) return problem;
      }
    }
    for (const keyword of UNREACHABLE_KEYWORDS) {
      const value = schema[keyword];
      if (value === undefined) continue;
      const branches = NAMED_SUBSCHEMAS.has(keyword) && isPlainObject(value) ? Object.values(value) : value;
      const problem = visit(branches, path, under ?? keyword, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  const invalid = visit(inputSchema, [], undefined, 0);
  return invalid === undefined ? { parameters } : { invalid };
}

/** What is wrong with one annotation, or undefined (and the header is then counted as seen). */
function annotationProblem(
  schema: Record<string, unknown>,
  path: readonly string[],
  under: string | undefined,
  seen: Set<string>,
): string | undefined {
  const header = schema['x-mcp-header'];
  const parameter = path.length === 0 ? 'the inputSchema itself' : `parameter '${path.join('.')}'`;
  if (under !== undefined || path.length === 0)
    return `${parameter} has an x-mcp-header${under === undefined ? '' : ` under '${under}'`}, where none is allowed (only a chain of properties may lead to one)`;
  if (typeof header !== 'string' || header.length === 0) return `${parameter} has an empty x-mcp-header`;
  if (!TOKEN.test(header))
    return `${parameter} has x-mcp-header '${header.slice(0, 60)}', which is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  if (typeof schema.type !== 'string' || !HEADER_TYPES.has(schema.type))
    return `${parameter} carries x-mcp-header '${header}' but is not a string, integer or boolean`;
  const key = header.toLowerCase();
  if (seen.has(key)) return `x-mcp-header '${header}' appears on more than one parameter`;
  seen.add(key);
  return undefined;
}
