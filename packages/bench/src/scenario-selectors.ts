import { createRunContext, mergeJsonObjects, selectTools, type ToolDefinition } from '@toolwright/core';
import type { Figure, Settings } from './report.ts';
import { sideBySide } from './stats.ts';

/** Scenario 5: a metadata selector, and a metadata override, over 10,000 tools. Baseline: a hand-written filter. */
export async function selectors(settings: Settings): Promise<Figure[]> {
  const tools: ToolDefinition[] = Array.from({ length: 10_000 }, (_, index) => ({
    name: `tool_${index}`,
    inputSchema: { type: 'object', properties: { value: { type: 'string' } } },
    metadata: {
      meta: null,
      annotations: { readOnlyHint: index % 2 === 0, title: `Tool ${index}` },
      taskSupport: index % 3 === 0 ? 'required' : null,
      task: index % 3 === 0,
    },
  }));
  const ctx = createRunContext();
  const pattern = { annotations: { readOnlyHint: true }, task: true };
  const result = await sideBySide(
    {
      handWritten: async () =>
        time(() =>
          tools.filter(
            (tool) =>
              (tool.metadata.annotations as { readOnlyHint?: boolean } | null)?.readOnlyHint === true &&
              tool.metadata.task === true,
          ),
        ),
      selector: async () => time(() => selectTools(pattern, ctx, tools)),
      override: async () =>
        time(async () => {
          const chosen = new Set((await selectTools(pattern, ctx, tools)).map((tool) => tool.name));
          return tools.map((tool) =>
            chosen.has(tool.name) ? { ...tool, metadata: mergeJsonObjects(tool.metadata, { background: true }) } : tool,
          );
        }),
    },
    { rounds: settings.rounds, warmup: settings.warmup },
  );
  const scenario = '5. selectors over 10,000 tools';
  return [
    {
      scenario,
      case: 'metadata pattern selector',
      unit: 'ms',
      toolwright: result.selector,
      baseline: { name: 'hand-written filter', summary: result.handWritten },
      target: { max: 10 },
    },
    {
      scenario,
      case: 'select and merge metadata (SetToolMetadata’s work)',
      unit: 'ms',
      toolwright: result.override,
      target: { max: 10 },
    },
  ];
}

async function time(run: () => unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}
