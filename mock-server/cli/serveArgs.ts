/**
 * `serve` flags → hook server options. Pure (no I/O) so that every flag error is unit-tested and reported
 * as one line, never as a parseArgs stack trace.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HOLD_TIMEOUT_MS, DEFAULT_PORT, MAX_JOURNAL_LIMIT } from '../hooks';
import { isLoopback, normalizeOrigin } from '../util';
import { POLICIES, forwardTargetProblem, type ForwardOptions, type Policy } from '../hooks';
import { UsageError } from './flags';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly rulesFile?: string;
  readonly journalFile?: string;
  readonly holdTimeoutMs: number;
  readonly fallback: 'echo' | 'forbid';
  /** Undefined: chosen by whether the terminal is interactive. */
  readonly policy?: Policy;
  readonly basicAuth?: { username: string; password: string };
  readonly signingSecret?: string;
  readonly maxBodyBytes?: number;
  readonly journalLimit?: number;
  readonly journalMaxBytes?: number;
  /** Web page origins allowed besides loopback pages (`--allow-origin`, repeatable). */
  readonly allowOrigins: readonly string[];
  /** `interactive`: force the terminal UI off (`--no-interactive`) or leave it to TTY detection. */
  readonly interactive?: boolean;
  readonly watchRules: boolean;
  /** Forward mode (`--forward`, `--forward-secret`, `--break-before`, `--break-after`); undefined when off. */
  readonly forward?: ForwardOptions;
  readonly help: boolean;
}

export const SERVE_USAGE = `Usage: wcs-hook-mock serve [options]

Plays your backend for Flashphoner WCS REST hooks: every POST <app>/<method> is shown, held for you
or answered by rules.

Options:
  --host HOST            address to bind (default 127.0.0.1; anything else is reachable from the network)
  --port N               port (default 9091; 0 picks a free one)
  --rules FILE           rules file (JSON) deciding answers; reloaded when it changes
  --journal FILE         append every exchange to FILE as JSON lines
  --hold-timeout SECONDS answer a held hook automatically after this long (default 12; WCS gives up
                         after 15; 0 = never)
  --fallback echo|forbid what the hold timeout and shutdown answer (default echo)
  --policy POLICY        when no rule applies: hold-blockable (default on a terminal), echo-all (default
                         otherwise) or hold-all (step through every hook)
  --user NAME            require HTTP Basic credentials (with --password)
  --password PASS        password for --user (or env WCS_HOOK_MOCK_PASSWORD)
  --secret SECRET        require hook signatures: Authorization: WCS <HMAC-MD5 of the body>
                         (or env WCS_HOOK_MOCK_SECRET)
  --max-body BYTES       body size limit (default 1048576)
  --journal-limit N      exchanges kept in memory (default 10000, at most 1000000)
  --journal-max-mb N     memory for kept exchanges in MiB (default 256); the oldest are dropped first
  --no-interactive       log one line per exchange even on a terminal
  --interactive          the key-driven terminal UI even when stdin/stdout do not look like a terminal
  --no-watch             do not reload the rules file when it changes
  --allow-origin ORIGIN  let web pages from ORIGIN (https://app.example.com) post hooks; repeatable
                         (pages on localhost, 127.0.0.1 and [::1] are always allowed, others never)
  --allow-unauthenticated
                         with a --host that is not loopback, start even without --secret or --user

Forward mode (docs/forward.md):
  --forward URL          send hooks that no rule answers to URL/<method> (your backend) and its answers
                         back to WCS; a rule can do the same with "answer": {"forward": URL}
  --forward-secret S     sign what the backend gets with S (Authorization: WCS <HMAC-MD5>), for a backend
                         with its own secret (or env WCS_HOOK_MOCK_FORWARD_SECRET)
  --break-before M,N     hold these methods before they go to the backend ('*' for all): g sends,
                         d edits then sends, e/f/r answer WCS yourself
  --break-after M,N      hold the backend's answer to these methods before WCS gets it: g passes it,
                         d edits it, f/r replace it with 403
  -h, --help             show this help

On a terminal, held hooks are answered with single keys: e echo, f forbid, r forbid with a reason,
d edit the body in $EDITOR, g let a forwarded hook go on, n/p select, ? help, q quit.`;

function number(flag: string, text: string | undefined, opts: { min: number; max?: number; integer?: boolean }): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < opts.min || (opts.max !== undefined && n > opts.max)) {
    const range = opts.max !== undefined ? `${opts.min}–${opts.max}` : `≥ ${opts.min}`;
    throw new UsageError(`--${flag} needs ${opts.integer ? 'an integer' : 'a number'} ${range}, got '${text}'`);
  }
  return n;
}

/** 0 means "hold forever", so a positive value that rounds to 0 ms must not silently become that. */
function holdMs(seconds: number): number {
  const ms = Math.round(seconds * 1000);
  if (seconds > 0 && ms === 0) throw new UsageError(`--hold-timeout ${seconds} is under a millisecond; use 0 to hold without limit, or at least 0.001`);
  return ms;
}

function mebibytes(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n * 1024 * 1024;
}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ServeConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        rules: { type: 'string', short: 'r' },
        journal: { type: 'string' },
        'hold-timeout': { type: 'string' },
        fallback: { type: 'string' },
        policy: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        secret: { type: 'string' },
        'max-body': { type: 'string' },
        'journal-limit': { type: 'string' },
        'journal-max-mb': { type: 'string' },
        interactive: { type: 'boolean' },
        'no-interactive': { type: 'boolean' },
        'no-watch': { type: 'boolean' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-unauthenticated': { type: 'boolean' },
        forward: { type: 'string' },
        'forward-secret': { type: 'string' },
        'break-before': { type: 'string', multiple: true },
        'break-after': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // parseArgs messages are clear but long ("Unknown option '--prot'. To specify a positional argument
    // starting with a '-', place it at the end of the command after '--', as in '-- "--prot"".")
    const msg = (err as Error).message
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/\s*\n\s*/g, ' ');
    throw new UsageError(msg);
  }
  const fallback = values.fallback ?? 'echo';
  if (fallback !== 'echo' && fallback !== 'forbid') throw new UsageError(`--fallback must be echo or forbid, got '${fallback}'`);
  const policy = values.policy;
  if (policy !== undefined && !(POLICIES as readonly string[]).includes(policy)) {
    throw new UsageError(`--policy must be one of ${POLICIES.join(', ')}, got '${policy}'`);
  }
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host needs an address');
  const password = values.password ?? env.WCS_HOOK_MOCK_PASSWORD;
  if ((values.user === undefined) !== (password === undefined)) {
    throw new UsageError('--user and --password go together (HTTP Basic needs both)');
  }
  const secret = values.secret ?? env.WCS_HOOK_MOCK_SECRET;
  if (secret !== undefined && secret === '') throw new UsageError('--secret needs a non-empty secret');
  for (const f of ['rules', 'journal'] as const) {
    if (values[f] !== undefined && values[f]!.trim() === '') throw new UsageError(`--${f} needs a file name`);
  }
  if (!isLoopback(host) && !values['allow-unauthenticated'] && values.user === undefined && secret === undefined) {
    throw new UsageError(
      `--host ${host} is reachable from the network and no credentials are required: add --secret SECRET ` +
        `(or --user NAME --password PASS), or --allow-unauthenticated to expose it anyway`,
    );
  }
  const allowOrigins = (values['allow-origin'] ?? []).map((o) => {
    const n = normalizeOrigin(o);
    if (n === undefined) throw new UsageError(`--allow-origin needs an origin like https://app.example.com, got '${o}'`);
    return n;
  });
  const forward = forwardFlags(values, env);
  const holdSeconds = number('hold-timeout', values['hold-timeout'], { min: 0, max: 2_000_000 });
  return {
    host,
    port: number('port', values.port, { min: 0, max: 65535, integer: true }) ?? DEFAULT_PORT,
    rulesFile: values.rules,
    journalFile: values.journal,
    holdTimeoutMs: holdSeconds === undefined ? DEFAULT_HOLD_TIMEOUT_MS : holdMs(holdSeconds),
    fallback,
    policy: policy as Policy | undefined,
    basicAuth: values.user !== undefined && password !== undefined ? { username: values.user, password } : undefined,
    signingSecret: secret,
    maxBodyBytes: number('max-body', values['max-body'], { min: 1, integer: true }),
    journalLimit: number('journal-limit', values['journal-limit'], { min: 1, max: MAX_JOURNAL_LIMIT, integer: true }),
    journalMaxBytes: mebibytes(number('journal-max-mb', values['journal-max-mb'], { min: 1, max: 1024 * 1024, integer: true })),
    interactive: values['no-interactive'] ? false : values.interactive ? true : undefined,
    watchRules: !values['no-watch'],
    allowOrigins,
    // Only when asked for: a config without forwarding has no such key at all.
    ...(forward ? { forward } : {}),
    help: values.help ?? false,
  };
}

/** Method lists: comma-separated, the flag repeatable; `*` stands for every method. */
function methodList(flag: string, lists: readonly string[] | undefined): string[] | undefined {
  if (lists === undefined) return undefined;
  const methods = lists.flatMap((l) => l.split(',')).map((m) => m.trim()).filter(Boolean);
  if (methods.length === 0) throw new UsageError(`--${flag} needs method names (connect,call) or '*'`);
  return methods;
}

function forwardFlags(
  values: { forward?: string; 'forward-secret'?: string; 'break-before'?: string[]; 'break-after'?: string[] },
  env: NodeJS.ProcessEnv,
): ForwardOptions | undefined {
  const target = values.forward;
  if (target !== undefined) {
    const problem = forwardTargetProblem(target);
    if (problem) throw new UsageError(`--forward ${problem}`);
  }
  const secret = values['forward-secret'] ?? env.WCS_HOOK_MOCK_FORWARD_SECRET;
  if (secret !== undefined && secret === '') throw new UsageError('--forward-secret needs a non-empty secret');
  const breakBefore = methodList('break-before', values['break-before']);
  const breakAfter = methodList('break-after', values['break-after']);
  // Rules may forward without --forward, so the other flags stand on their own.
  if (target === undefined && secret === undefined && !breakBefore && !breakAfter) return undefined;
  return { target, secret, breakBefore, breakAfter };
}

export { isLoopback } from '../util';
