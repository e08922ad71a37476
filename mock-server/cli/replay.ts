/**
 * `wcs-hook-mock trigger --from-journal FILE`: the hooks of a recorded journal (`serve --journal`) sent again
 * to a backend, each new answer compared with the recorded one. Its own flags; trigger.ts only hands over.
 */
import { parseArgs } from 'node:util';
import { basicHeader, forwardTargetProblem, readJournalFile, replayJournal, type ReplayReport, type ReplayResult } from '../hooks';
import { WCS_REST_REQUEST_TIMEOUT_MS } from '../protocol';
import { terminalSafe } from '../util';
import { BACKEND_OPTIONS, UsageError, credentialsFromFlags, isUsageError, timeoutFromFlags } from './flags';

export const REPLAY_USAGE = `Usage: wcs-hook-mock trigger --from-journal FILE [--backend URL] [options]

Sends the hooks recorded in FILE (a serve --journal file) again, in their order, and reports where the
new answers differ from the recorded ones (the backend's answer for a forwarded hook, otherwise what
WCS got). Bodies compare as JSON: key order and spacing do not count.

Options:
  --backend URL          where to send them (URL/<method>); default: each hook's recorded forward target
  --user NAME            send HTTP Basic credentials (with --password or env WCS_HOOK_MOCK_PASSWORD);
                         a journal keeps none
  --password PASS        password for --user
  --secret SECRET        sign bodies: Authorization: WCS <HMAC-MD5> (or env WCS_HOOK_MOCK_SECRET)
  --timeout SECONDS      per hook (default ${WCS_REST_REQUEST_TIMEOUT_MS / 1000})
  --json                 print the report as JSON
  -h, --help             show this help

Exit code: 0 when every replayed answer is the same, 1 when one differs or failed, 2 on usage errors.`;

const MARK: Record<ReplayResult['outcome'], string> = { same: '✔', differs: '≠', failed: '✘', skipped: '-' };

export function formatReplay(file: string, report: ReplayReport): string {
  const out = [`replay ${file}`];
  for (const r of report.results) {
    const timing = r.now ? ` (${r.now.status}, ${r.now.latencyMs}ms)` : '';
    const what = r.outcome === 'same' ? `same${timing}` : `${r.outcome}: ${r.details.join('; ')}${r.outcome === 'differs' ? timing : ''}`;
    out.push(`  ${MARK[r.outcome]} #${r.id} ${r.method || '(no method)'}: ${what}`);
  }
  const c = report.counts;
  out.push('', `${report.results.length} recorded: ${c.same} same, ${c.differs} differ, ${c.failed} failed, ${c.skipped} skipped`);
  // Bodies and messages come from the network and the file: each line made safe, the line breaks kept.
  return out.map((l) => terminalSafe(l)).join('\n');
}

export async function runReplay(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  let report: ReplayReport;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'from-journal': { type: 'string' },
        ...BACKEND_OPTIONS,
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      process.stdout.write(REPLAY_USAGE + '\n');
      return 0;
    }
    const file = values['from-journal'];
    if (!file) throw new UsageError('--from-journal needs a journal file (written by serve --journal)');
    if (values.backend !== undefined) {
      const problem = forwardTargetProblem(values.backend);
      if (problem) throw new UsageError(`--backend ${problem}`);
    }
    const { basicAuth, signingSecret } = credentialsFromFlags(values, env);
    const timeoutMs = timeoutFromFlags(values);
    // A replay waits for each answer to compare it: "no timeout" (0) has no meaning here.
    if (timeoutMs === 0) throw new UsageError(`--timeout needs seconds > 0, got '${values.timeout}'`);
    let read;
    try {
      read = await readJournalFile(file);
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    for (const w of read.warnings) process.stderr.write(`wcs-hook-mock trigger: warning: ${terminalSafe(w)}\n`);
    report = await replayJournal(read.records, {
      target: values.backend,
      secret: signingSecret,
      basicAuth: basicAuth && basicHeader(basicAuth.username, basicAuth.password),
      timeoutMs,
    });
    process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatReplay(file, report)) + '\n');
  } catch (err) {
    const usage = isUsageError(err);
    process.stderr.write(`wcs-hook-mock trigger: ${err instanceof Error ? err.message : String(err)}${usage ? '\nRun `wcs-hook-mock trigger --from-journal FILE --help` for the options.' : ''}\n`);
    return usage ? 2 : 1;
  }
  return report.counts.differs + report.counts.failed > 0 ? 1 : 0;
}
