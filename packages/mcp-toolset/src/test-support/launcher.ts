// Test support: a launcher, as `npx` or `sh -c` is one. `node launcher.ts <command> [args…]` starts the
// command with the same stdio, waits for it and exits as it did; a SIGTERM ends the launcher alone
// (Node's default), not passed on to the command. launchedSource() (launched.ts) puts a source behind it.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const server = spawn(command as string, args, { stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 1));
