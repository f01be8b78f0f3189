// node --conditions=@toolwright/source src/main.ts [--token-file <path>]
// Prints a sign-in URL: open it in a browser and press Approve. The tokens are kept in the file
// (default: a new temporary one), so a second run with the same file signs in without asking.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runRemoteAuth } from './remote-auth.ts';

const { values } = parseArgs({ options: { 'token-file': { type: 'string' }, 'task-ms': { type: 'string' } } });
const tokenFile = values['token-file'] ?? join(mkdtempSync(join(tmpdir(), 'toolwright-remote-auth-')), 'tokens.json');
await runRemoteAuth({ tokenFile, taskMs: Number(values['task-ms'] ?? 8_000), onAuthorizationUrl: () => undefined });
console.log(`Tokens kept in ${tokenFile}.`);
