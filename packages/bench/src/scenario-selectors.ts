import { createRunContext, selectTools, type ToolDefinition } from '@toolwright/core';
import { mergeJsonObjects } from '@toolwright/core/internal';
import { type CaseResult, roundsCase } from './report.ts';
import { type Round, type RunnerSettings, repeat, runAlternating } from './runner.ts';
import { median } from './stats.ts';

const scenario = '6. selectors over 10,000 tools';

/**
 * Scenario 6: a metadata selector, and a metadata override (SetToolMetadata's work), over 10,000
 * tools, in ms per selection against an absolute target. A hand-written filter is given beside
 * them for scale only: it is some ten times faster, so rounds paired with it would have to last
 * seconds for its own rounds to reach the minimum length.
 */
export async function selectors(settings: RunnerSettings): Promise<CaseResult[]> {
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
  const override = async () => {
    const chosen = new Set((await selectTools(pattern, ctx, tools)).map((tool) => tool.name));
    return tools.map((tool) =>
      chosen.has(tool.name) ? { ...tool, metadata: mergeJsonObjects(tool.metadata, { background: true }) } : tool,
    );
  };
  const handWritten = () =>
    tools.filter(
      (tool) =>
        (tool.metadata.annotations as { readOnlyHint?: boolean } | null)?.readOnlyHint === true &&
        tool.metadata.task === true,
    );
  const ours = await runAlternating(
    [
      { name: 'selector', run: (calls) => repeat(calls, () => selectTools(pattern, ctx, tools)) },
      { name: 'override', run: (calls) => repeat(calls, override) },
    ],
    settings,
  );
  const scale = await runAlternating([{ name: 'hand-written', run: (calls) => repeat(calls, handWritten) }], settings);
  const msPerCall = (round: Round) => round.wallMs / round.calls;
  const [selector = [], merged = []] = ours.rounds;
  const handWrittenMs = median((scale.rounds[0] ?? []).map(msPerCall));
  return [
    roundsCase(
      {
        scenario,
        case: 'metadata pattern selector, per selection',
        unit: 'ms',
        target: 10,
        sides: {
          unit: 'ms',
          toolwright: median(selector.map(msPerCall)),
          baseline: handWrittenMs,
          baselineName: 'hand-written filter',
        },
      },
      selector,
      msPerCall,
      settings,
    ),
    roundsCase(
      { scenario, case: 'select and merge metadata, per selection', unit: 'ms', target: 10 },
      merged,
      msPerCall,
      settings,
    ),
  ];
}
