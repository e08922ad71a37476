/**
 * The hook server's settings: what each defaults to and the bounds it is checked against, so a bad value is
 * refused with its name when the server is made rather than misbehaving later; and what a failure to listen
 * on the configured address means, in words.
 */
import { DEFAULT_JOURNAL_LIMIT, DEFAULT_JOURNAL_MAX_BYTES, EXCHANGE_OVERHEAD_BYTES, MAX_JOURNAL_LIMIT } from './journal';
import type { RulesFile } from './rules';
import type { Policy } from './types';
import { POLICIES } from './types';

export interface HookServerOptions {
  /** Default 127.0.0.1: a mock backend has no business being reachable from the network by accident. */
  host?: string;
  /** Default 9091 (the port of the classic EchoApp URL); 0 picks a free port. */
  port?: number;
  /** Rules decide first, then `rules.default`, then `policy`. */
  rules?: RulesFile;
  /** Default 'hold-blockable'. */
  policy?: Policy;
  /** Default 12000: WCS gives up after `rest_request_timeout` (15 s). 0 = hold until answered. */
  holdTimeoutMs?: number;
  /** What the hold timeout and shutdown answer. Default 'echo'. */
  fallback?: 'echo' | 'forbid';
  /** Default 10000 exchanges kept in memory (at most MAX_JOURNAL_LIMIT). */
  journalLimit?: number;
  /** Bound on the counted bytes of exchanges kept in memory; default 256 MiB. Oldest dropped first. */
  journalMaxBytes?: number;
  /** Append-only JSONL, one line per exchange once it is answered or aborted. */
  journalFile?: string;
  /** Default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  basicAuth?: { username: string; password: string };
  /** Check `Authorization: WCS <hex HMAC-MD5 of the raw body>`; a mismatch gets 403. */
  signingSecret?: string;
  /** Cut off clients that send headers too slowly. Default 10000. */
  headersTimeoutMs?: number;
  /** Cut off clients that take too long to send the whole request. Default 30000. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 65000 (WCS reuses one connection). */
  keepAliveTimeoutMs?: number;
  /**
   * Web page origins allowed besides loopback ones (`https://app.example.com`). A request from any other
   * page gets no CORS headers, and a hook posted by it is refused (WCS itself sends no Origin).
   */
  allowOrigins?: readonly string[];
}

export const DEFAULT_PORT = 9091;
export const DEFAULT_HOLD_TIMEOUT_MS = 12_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Every setting checked, with its default filled in. */
export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly policy: Policy;
  readonly holdTimeoutMs: number;
  readonly fallback: 'echo' | 'forbid';
  readonly maxBodyBytes: number;
  readonly journalLimit: number;
  readonly journalMaxBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

function int(name: string, v: number | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export function checkPolicy(policy: Policy): Policy {
  if (!POLICIES.includes(policy)) throw new RangeError(`policy must be one of ${POLICIES.join(', ')}, got ${String(policy)}`);
  return policy;
}

/** Throws RangeError naming the first bad setting. */
export function resolveOptions(options: HookServerOptions): ResolvedOptions {
  const policy = checkPolicy(options.policy ?? 'hold-blockable');
  const fallback = options.fallback ?? 'echo';
  if (fallback !== 'echo' && fallback !== 'forbid') throw new RangeError(`fallback must be echo or forbid, got ${String(fallback)}`);
  const headersTimeoutMs = int('headersTimeoutMs', options.headersTimeoutMs, 10_000, 1);
  const requestTimeoutMs = int('requestTimeoutMs', options.requestTimeoutMs, Math.max(30_000, headersTimeoutMs), 1);
  if (headersTimeoutMs > requestTimeoutMs) throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs');
  return {
    host: options.host ?? '127.0.0.1',
    port: int('port', options.port, DEFAULT_PORT, 0, 65535),
    policy,
    holdTimeoutMs: int('holdTimeoutMs', options.holdTimeoutMs, DEFAULT_HOLD_TIMEOUT_MS, 0, 2 ** 31 - 1),
    fallback,
    maxBodyBytes: int('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 0),
    journalLimit: int('journalLimit', options.journalLimit, DEFAULT_JOURNAL_LIMIT, 1, MAX_JOURNAL_LIMIT),
    journalMaxBytes: int('journalMaxBytes', options.journalMaxBytes, DEFAULT_JOURNAL_MAX_BYTES, EXCHANGE_OVERHEAD_BYTES),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: int('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 65_000, 0),
  };
}

/** Why the server could not listen on `host:port`, in words a user can act on. */
export function listenFailure(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (another wcs-hook-mock? pick another with --port, or 0 for a free one)`;
  if (err.code === 'EACCES') return `permission denied to listen on ${where} (ports below 1024 need privileges)`;
  if (err.code === 'EADDRNOTAVAIL') return `address ${host} is not an address of this machine`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `cannot resolve host ${host}`;
  return `cannot listen on ${where}: ${err.message}`;
}
