// node scripts/toolchain.mjs node --conditions=@toolwright/source [--cpu-prof --cpu-prof-dir <dir>] packages/bench/src/profile-first-contact.ts <stdio|http> <2025-11-25|2026-07-28> [trials] [both|toolwright|sdk]
// Where scenario 10's time goes: first contacts against a fresh server each, the two sides
// alternating (or one side alone, for a CPU profile of its path), with the median of each phase:
// constructing and connecting (open), listing every tool, the first call; and the process CPU.

import { freshServer, type Generation, rawContact, type Trial, toolwrightContact } from './scenario-first-contact.ts';
import { median } from './stats.ts';

const [transport = 'http', generation = '2026-07-28', trialsText = '200', sides = 'both'] = process.argv.slice(2);
if (transport !== 'stdio' && transport !== 'http') throw new Error(`transport must be stdio or http, got ${transport}`);
if (generation !== '2025-11-25' && generation !== '2026-07-28')
  throw new Error(`generation must be 2025-11-25 or 2026-07-28, got ${generation}`);
const contacts = { toolwright: toolwrightContact, sdk: rawContact };
const names = (sides === 'both' ? ['toolwright', 'sdk'] : [sides]) as (keyof typeof contacts)[];
if (!names.every((name) => name in contacts)) throw new Error(`sides must be both, toolwright or sdk, got ${sides}`);

const trials = new Map<string, Trial[]>(names.map((name) => [name, []]));
for (let index = 0; index < Number(trialsText); index++) {
  for (const name of index % 2 === 0 ? names : [...names].reverse()) {
    const server = await freshServer(transport, generation as Generation);
    try {
      trials.get(name)?.push(await contacts[name](server, generation as Generation));
    } finally {
      await server.close();
    }
  }
}
const ms = (values: number[]) => `${median(values).toFixed(2)} ms`;
for (const [name, side] of trials) {
  // The first fifth warms the code up; the medians are of the rest.
  const kept = side.slice(Math.floor(side.length / 5));
  console.log(
    `${name} ${transport} ${generation}: open ${ms(kept.map((trial) => trial.connectedMs))}, list ${ms(kept.map((trial) => trial.toolsMs - trial.connectedMs))}, first call ${ms(kept.map((trial) => trial.resultMs - trial.toolsMs))}; CPU ${ms(kept.map((trial) => trial.cpuMs))} (${kept.length} trials)`,
  );
}
