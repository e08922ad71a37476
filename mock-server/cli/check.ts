/**
 * `wcs-hook-mock check --backend URL`: conformance report for a developer's hook backend, for people
 * (grouped lines) and CI (`--junit FILE`, exit code).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkBackend, formatReport, toJUnit, type ConformanceReport } from '../wcs';
import type { Command } from './command';
import { BACKEND_OPTIONS, BACKEND_USAGE, UsageError, backendFromFlags, isUsageError } from './flags';

export const CHECK_USAGE = `Usage: wcs-hook-mock check --backend URL [options]

Sends every WCS hook once and checks your backend's answers the way WCS reads them: connect mirrors
its body (apart from SIP credentials, authToken and the fields you declare), every method answers 200
(or 403 where declining means something) with Content-Type application/json, within the timeout;
403 reason bodies are exactly {"status":403,"reason":"…"}; restClientConfig is valid.

Options:
${BACKEND_USAGE}
  --allow-override F,G   connect answer fields you override on purpose
  --connect-extra JSON   fields merged into the connect body (e.g. '{"custom":{"token":"…"}}')
  --junit FILE           also write the report as JUnit XML
  --json                 print the report as JSON
  --verbose              list every method that passed
  -h, --help             show this help

Exit code: 0 when every check passed (warnings allowed), 1 on failures or an unreachable backend,
2 on usage errors.`;

export async function runCheck(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let report: ConformanceReport;
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...BACKEND_OPTIONS,
        'allow-override': { type: 'string' },
        'connect-extra': { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      process.stdout.write(CHECK_USAGE + '\n');
      return 0;
    }
    const { backend, timeoutMs } = backendFromFlags(values, env);
    let connectExtra: Record<string, unknown> | undefined;
    if (values['connect-extra'] !== undefined) {
      try {
        connectExtra = JSON.parse(values['connect-extra']);
      } catch (err) {
        throw new UsageError(`--connect-extra is not JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (connectExtra === null || typeof connectExtra !== 'object' || Array.isArray(connectExtra)) throw new UsageError('--connect-extra must be a JSON object');
    }
    const allowOverrides = values['allow-override']?.split(',').map((s) => s.trim()).filter(Boolean);
    report = await checkBackend({ backend, timeoutMs, allowOverrides, connectExtra });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const usage = isUsageError(err);
    process.stderr.write(`wcs-hook-mock check: ${msg}${usage ? '\nRun `wcs-hook-mock check --help` for the options.' : ''}\n`);
    return usage ? 2 : 1;
  }
  if (values.junit) {
    try {
      await writeFile(values.junit, toJUnit(report), 'utf8');
    } catch (err) {
      process.stderr.write(`wcs-hook-mock check: cannot write ${values.junit}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  if (report.unreachable) {
    process.stderr.write(`wcs-hook-mock check: ${report.unreachable}\n`);
    return 1;
  }
  process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatReport(report, { verbose: values.verbose === true })) + '\n');
  return report.passed ? 0 : 1;
}

export const checkCommand: Command = {
  summary: 'check that a hook backend answers the way WCS expects (JUnit report with --junit)',
  run: (argv) => runCheck(argv),
};
