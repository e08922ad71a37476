/**
 * `wcs-hook-mock <command>`: dispatches to one module per command under cli/. Each command parses its own
 * flags and returns the exit code; this file only owns the top-level usage and error handling.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
// './cli' alone would be this file: the folder's entry is named in full.
import { COMMANDS } from './cli/index';

/** The package's version: package.json is one folder up from both this source file and the bundle (dist/). */
function version(): string {
  try {
    return String((JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

function usage(): string {
  const lines = ['Usage: wcs-hook-mock <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `wcs-hook-mock <command> --help` for its options; `wcs-hook-mock --version` prints the version.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`wcs-hook-mock: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    // Commands report expected failures themselves; this is the last line of defence, still one clear line.
    process.stderr.write(`wcs-hook-mock: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
