/** The first revision of MCP's modern era: per-request envelopes, the tasks extension, tool-parameter headers. */
const FIRST_MODERN_VERSION = '2026-07-28';

/**
 * Whether a negotiated protocol version is of the modern era (2026-07-28 and later), decided as the
 * SDK decides which wire it speaks: revisions are ISO dates, so they order as strings. The toolset
 * speaks to every modern revision as to 2026-07-28 (its generation of tasks, its headers) and to any
 * other as to 2025-11-25; this is the one place that tells them apart.
 */
export function isModernProtocol(version: string | undefined): boolean {
  return version !== undefined && version >= FIRST_MODERN_VERSION;
}
