import { isPlainObject } from '@toolwright/core/internal';

/** An HTTP token (RFC 9110): what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The parameter types a header may carry (SEP-2243: primitives; a number is not exact enough to mirror). */
const HEADER_TYPES = new Set(['string', 'integer', 'boolean']);

/**
 * Why a tool's `x-mcp-header` annotations are invalid (SEP-2243, MCP 2026-07-28), or undefined when
 * they are valid or absent. A client must exclude such a tool: each annotation must be a non-empty
 * header token, on a string, integer or boolean parameter, and unique (case-insensitively) in the tool.
 */
export function invalidMcpHeader(inputSchema: unknown): string | undefined {
  if (!isPlainObject(inputSchema) || !isPlainObject(inputSchema.properties)) return undefined;
  const seen = new Set<string>();
  for (const [parameter, schema] of Object.entries(inputSchema.properties)) {
    if (!isPlainObject(schema) || !('x-mcp-header' in schema)) continue;
    const header = schema['x-mcp-header'];
    if (typeof header !== 'string' || header.length === 0) return `parameter '${parameter}' has an empty x-mcp-header`;
    if (!TOKEN.test(header))
      return `parameter '${parameter}' has x-mcp-header '${header.slice(0, 60)}', which is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
    if (typeof schema.type !== 'string' || !HEADER_TYPES.has(schema.type))
      return `parameter '${parameter}' carries x-mcp-header '${header}' but is not a string, integer or boolean`;
    const key = header.toLowerCase();
    if (seen.has(key)) return `x-mcp-header '${header}' appears on more than one parameter`;
    seen.add(key);
  }
  return undefined;
}
