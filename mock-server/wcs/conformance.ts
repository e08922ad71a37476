/**
 * Conformance of a developer's backend with what WCS expects from it (PROTOCOL.md §1.3, §4): `connect`
 * mirrors its body apart from the fields it may override, every method answers 200 (or 403 where a
 * decline means something) with a JSON content type, within the hook timeout, refusal reasons are in the
 * one shape WCS understands, and restClientConfig is valid. What `wcs-hook-mock check` reports.
 *
 * Bodies are the catalog's samples with a fresh envelope, plus one field no WCS build sends, to see that
 * unknown fields are echoed rather than dropped (§ "pass-through").
 */
import { CONNECT_OVERRIDE_FIELDS, METHODS, echoDiff, isJsonContentType as isJsonType, WCS_REST_REQUEST_TIMEOUT_MS, RestClientConfigSchema, isBlockable, lookupMethod, sampleBody } from '../protocol';
import { customReason, deliverHook, describeBackend, type Backend, type HookResponse } from './backend';
import { serializeHookBody } from './hookJson';
import { nodeId as makeNodeId, sessionId as makeSessionId, uuid } from './ids';
import { isRecord } from '../util';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface ConformanceCheck {
  /** `connect` or `methods`. */
  readonly group: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly method?: string;
  readonly durationMs?: number;
}

export interface ConformanceReport {
  readonly backend: string;
  readonly timeoutMs: number;
  readonly checks: readonly ConformanceCheck[];
  readonly passed: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** Set when the backend could not be reached at all; `checks` is then empty. */
  readonly unreachable?: string;
  readonly durationMs: number;
}

export interface ConformanceOptions {
  backend: Backend;
  /** The hook timeout answers are held to (rest_request_timeout), default 15000. */
  timeoutMs?: number;
  /** Fields the backend declares it overrides in the connect answer, besides SIP credentials and authToken. */
  allowOverrides?: readonly string[];
  /** Merged into the connect body, e.g. credentials in `custom` that the backend checks. */
  connectExtra?: Record<string, unknown>;
  /** Only these methods (besides connect); default every method in the catalog. */
  methods?: readonly string[];
  fetch?: typeof fetch;
}

/** The field no WCS build sends: a backend that echoes passes it back unchanged. */
export const PROBE_FIELD = 'wcsHookMockProbe';

/** Not in the catalog: PROTOCOL.md §2.2 advises answering unknown methods with a 200 echo. */
export const UNKNOWN_METHOD_PROBE = 'WcsHookMockUnknownEvent';

const ms = (n: number) => `${Math.round(n)} ms`;

function list(names: readonly string[], max = 6): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

async function send(opts: ConformanceOptions, timeoutMs: number, method: string, body: Record<string, unknown>): Promise<HookResponse> {
  return deliverHook(opts.backend, method, body, serializeHookBody(body), { timeoutMs, fetch: opts.fetch });
}

/** The answer's status/transport, as a check; undefined when a 200 arrived in time. */
function deliveryProblem(res: HookResponse, timeoutMs: number): string | undefined {
  if (res.failure === 'timeout') return `no answer within ${ms(timeoutMs)} (WCS gives up and treats it as an error)`;
  if (res.failure) return res.error ?? res.failure;
  return undefined;
}

function checkConnect(opts: ConformanceOptions, sent: Record<string, unknown>, res: HookResponse, timeoutMs: number): ConformanceCheck[] {
  const out: ConformanceCheck[] = [];
  const c = (title: string, status: CheckStatus, detail: string) => out.push({ group: 'connect', title, status, detail, method: 'connect' });
  const problem = deliveryProblem(res, timeoutMs);
  if (problem) {
    c('answers connect', 'fail', problem);
    return out;
  }
  if (res.status !== 200) {
    const why = customReason(res) ?? res.statusText;
    c('answers connect with 200', 'fail', `got ${res.status} "${why}": the sample session was refused, so nothing else about connect can be checked. If your backend checks credentials, pass them with --connect-extra.`);
    return out;
  }
  c('answers connect with 200', 'pass', `in ${ms(res.durationMs)}`);
  c('answer is JSON (Content-Type)', isJsonType(res.contentType) ? 'pass' : 'fail', isJsonType(res.contentType) ? String(res.contentType) : `Content-Type is ${res.contentType ? `"${res.contentType}"` : 'missing'}; WCS cannot parse the answer without application/json`);
  if (!isRecord(res.json)) {
    c('connect echoes what it got', 'fail', res.rawBody.trim() === '' ? 'the answer body is empty; connect must return exactly what it received' : 'the answer body is not a JSON object');
    return out;
  }
  const allowed = new Set([...CONNECT_OVERRIDE_FIELDS, ...(opts.allowOverrides ?? [])]);
  const d = echoDiff(sent, res.json, allowed);
  const bad: string[] = [];
  if (d.missing.length) bad.push(`missing ${list(d.missing)}`);
  if (d.changed.length) bad.push(`changed ${list(d.changed)} (not declared overrides; declare them with --allow-override)`);
  const notes: string[] = [];
  if (d.overridden.length) notes.push(`overrides ${list(d.overridden)}`);
  if (d.added.length) notes.push(`adds ${list(d.added)}`);
  c('connect echoes what it got', bad.length ? 'fail' : 'pass', bad.length ? `${bad.join('; ')}${notes.length ? `; ${notes.join('; ')}` : ''}` : notes.length ? notes.join('; ') : 'exact mirror');
  const addedUnknown = d.added.filter((k) => !allowed.has(k));
  if (addedUnknown.length) c('connect adds only fields WCS reads', 'warn', `${list(addedUnknown)}: WCS takes only restClientConfig and SIP credentials from the connect answer; these are ignored`);

  const rcc = res.json.restClientConfig;
  if (rcc === undefined) {
    c('restClientConfig is valid', 'pass', 'none: every method runs under the defaults (restOnError LOG, restPolicy NOTIFY)');
  } else {
    const parsed = RestClientConfigSchema.safeParse(rcc);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${['restClientConfig', ...i.path.map(String)].join('.')}: ${i.message}`);
      c('restClientConfig is valid', 'fail', issues.join('; '));
    } else {
      const methods = Object.keys(parsed.data);
      c('restClientConfig is valid', 'pass', methods.length ? `settings for ${list(methods, 10)}` : 'empty: defaults everywhere');
      const unknown = methods.filter((m) => !lookupMethod(m));
      if (unknown.length) c('restClientConfig names known methods', 'warn', `${list(unknown)}: not WCS hook names (method names are case-sensitive)`);
      const odd = methods.filter((m) => {
        const e = parsed.data[m]!;
        return (e.restOverwrite ?? '').trim() !== '' && e.restPolicy !== 'OVERWRITE';
      });
      if (odd.length) c('restOverwrite goes with restPolicy OVERWRITE', 'warn', `${list(odd)}: restOverwrite has no effect unless restPolicy is OVERWRITE`);
      const failConnect = parsed.data.connect?.restOnError;
      if (failConnect) c('restClientConfig.connect has an effect', 'warn', 'connect runs before any restClientConfig exists; its entry only affects clientExclude of getUserData');
    }
  }
  return out;
}

function checkMethod(method: string, sent: Record<string, unknown>, res: HookResponse, timeoutMs: number): ConformanceCheck {
  const spec = lookupMethod(method);
  const unsure = !spec || spec.certainty === 'less-certain';
  const c = (status: CheckStatus, title: string, detail: string): ConformanceCheck => ({ group: 'methods', title, status, detail, method, durationMs: res.durationMs });
  const problem = deliveryProblem(res, timeoutMs);
  if (problem) return c('fail', `${method}: answers in time`, problem);
  const declinable = isBlockable(method) || spec?.blocking === 'keepalive';
  if (res.status === 403 && declinable) {
    if (res.rawBody.trim() !== '' && isJsonType(res.contentType) && customReason(res) === undefined) {
      return c('fail', `${method}: 403 reason body`, `the body must be exactly {"status":403,"reason":"…"}; WCS shows the client "Forbidden" instead of ${res.rawBody.slice(0, 80)}`);
    }
    const reason = customReason(res);
    return c('pass', `${method}: declines (403)`, `${reason !== undefined ? `reason "${reason}"` : 'no custom reason: the client sees "Forbidden"'} in ${ms(res.durationMs)}; takes effect only under restOnError FAIL`);
  }
  if (res.status !== 200) {
    const why = !declinable && res.status === 403
      ? `events cannot be declined (WCS only logs it${spec?.type === 'event' ? ', or sends ErrorEvent under FAIL' : ''}); answer 200`
      : `answer 200${declinable ? ' (or 403 to decline)' : ''}; ${res.status === 404 ? 'is the method routed? ' : ''}anything else is an interaction error`;
    return c(unsure ? 'warn' : 'fail', `${method}: answers 200`, `got ${res.status} ${res.statusText}: ${why}${unsure ? ` (${spec ? 'a less certain hook' : 'not a known hook'}; route unknown methods to a 200 echo)` : ''}`);
  }
  if (res.rawBody.trim() !== '' && !isJsonType(res.contentType)) {
    return c('fail', `${method}: answer is JSON`, `Content-Type is ${res.contentType ? `"${res.contentType}"` : 'missing'}; WCS needs application/json`);
  }
  if (!isRecord(res.json)) return c('warn', `${method}: mirrors the body`, `200 with ${res.rawBody.trim() === '' ? 'an empty body' : 'a body that is not a JSON object'}; WCS advises mirroring (restOverwrite needs it)`);
  const d = echoDiff(sent, res.json, new Set());
  if (d.missing.length || d.changed.length) {
    const parts = [d.missing.length ? `missing ${list(d.missing)}` : '', d.changed.length ? `changed ${list(d.changed)}` : ''].filter(Boolean);
    return c('warn', `${method}: mirrors the body`, `${parts.join('; ')} (only fields named in restOverwrite take effect)`);
  }
  return c('pass', `${method}: 200 echo`, `in ${ms(res.durationMs)}`);
}

/** Runs every check against `opts.backend`. Never throws for backend misbehaviour. */
export async function checkBackend(opts: ConformanceOptions): Promise<ConformanceReport> {
  const timeoutMs = opts.timeoutMs ?? WCS_REST_REQUEST_TIMEOUT_MS;
  const started = Date.now();
  const envelope = { nodeId: makeNodeId('127.0.0.1'), appKey: 'defaultApp', sessionId: makeSessionId(undefined, '127.0.0.1:8080') };
  const checks: ConformanceCheck[] = [];
  const connectBody = { ...sampleBody('connect'), ...envelope, authToken: uuid(), ...(opts.connectExtra ?? {}), [PROBE_FIELD]: uuid() };
  const first = await send(opts, timeoutMs, 'connect', connectBody);
  const report = (unreachable?: string): ConformanceReport => {
    const counts = { pass: 0, warn: 0, fail: 0 };
    for (const ch of checks) counts[ch.status]++;
    return { backend: describeBackend(opts.backend), timeoutMs, checks, passed: !unreachable && counts.fail === 0, counts, unreachable, durationMs: Date.now() - started };
  };
  if (first.failure === 'unreachable') return report(first.error ?? 'unreachable');
  checks.push(...checkConnect(opts, connectBody, first, timeoutMs));

  const methods = opts.methods ?? [...METHODS.map((m) => m.name).filter((m) => m !== 'connect'), UNKNOWN_METHOD_PROBE];
  let slowest = { method: 'connect', ms: first.durationMs };
  for (const method of methods) {
    if (method === 'connect') continue;
    const body = { ...sampleBody(method), ...envelope, [PROBE_FIELD]: uuid() };
    const res = await send(opts, timeoutMs, method, body);
    checks.push(checkMethod(method, body, res, timeoutMs));
    if (!res.failure && res.durationMs > slowest.ms) slowest = { method, ms: res.durationMs };
  }
  const tight = slowest.ms > timeoutMs * 0.5;
  checks.push({
    group: 'methods',
    title: 'answers well within the hook timeout',
    status: tight ? 'warn' : 'pass',
    detail: `slowest: ${slowest.method} in ${ms(slowest.ms)} (timeout ${ms(timeoutMs)}${tight ? '; WCS docs recommend 1–10 s timeouts, so leave headroom' : ''})`,
  });
  return report();
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: one testsuite per group, one testcase per check; warnings pass with the text in system-out. */
export function toJUnit(r: ConformanceReport): string {
  const groups = new Map<string, ConformanceCheck[]>();
  for (const ch of r.checks) groups.set(ch.group, [...(groups.get(ch.group) ?? []), ch]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = r.checks.filter((c) => c.status === 'fail').length + (r.unreachable ? 1 : 0);
  lines.push(`<testsuites name="wcs-hook-mock check" tests="${r.checks.length + (r.unreachable ? 1 : 0)}" failures="${failures}" time="${(r.durationMs / 1000).toFixed(3)}">`);
  if (r.unreachable) {
    lines.push(`  <testsuite name="backend" tests="1" failures="1">`);
    lines.push(`    <testcase classname="wcs-hook-mock.check.backend" name="backend is reachable"><failure message="${escapeXml(r.unreachable)}"/></testcase>`);
    lines.push('  </testsuite>');
  }
  for (const [group, checks] of groups) {
    const fails = checks.filter((c) => c.status === 'fail').length;
    lines.push(`  <testsuite name="${escapeXml(group)}" tests="${checks.length}" failures="${fails}">`);
    for (const ch of checks) {
      const time = ch.durationMs !== undefined ? ` time="${(ch.durationMs / 1000).toFixed(3)}"` : '';
      const open = `    <testcase classname="wcs-hook-mock.check.${escapeXml(group)}" name="${escapeXml(ch.title)}"${time}`;
      if (ch.status === 'fail') lines.push(`${open}><failure message="${escapeXml(ch.detail)}"/></testcase>`);
      else if (ch.status === 'warn') lines.push(`${open}><system-out>${escapeXml(`warning: ${ch.detail}`)}</system-out></testcase>`);
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** Human report: grouped, with alike method results folded into one line, then a summary line. */
export function formatReport(r: ConformanceReport, opts: { verbose?: boolean } = {}): string {
  const mark: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✘' };
  const out = [`Checking ${r.backend} (hook timeout ${ms(r.timeoutMs)})`];
  const echoes = r.checks.filter((c) => c.method && c.group === 'methods' && c.title.endsWith(': 200 echo'));
  const shown = opts.verbose ? r.checks : r.checks.filter((c) => !echoes.includes(c));
  // Fold "<method>: <title>" checks that say the same thing into one line listing the methods.
  const folded: { ch: ConformanceCheck; title: string; methods: string[] }[] = [];
  for (const ch of shown) {
    const title = ch.method && ch.title.startsWith(`${ch.method}: `) ? ch.title.slice(ch.method.length + 2) : ch.title;
    const detail = ch.method ? ch.detail.replace(/ in \d+ ms$/, '').replace(/^in \d+ ms$/, '') : ch.detail;
    const same = !opts.verbose && ch.method ? folded.find((f) => f.ch.group === ch.group && f.ch.status === ch.status && f.title === title && f.ch.method && (f.ch.detail.replace(/ in \d+ ms$/, '').replace(/^in \d+ ms$/, '') === detail)) : undefined;
    if (same) same.methods.push(ch.method!);
    else folded.push({ ch, title, methods: ch.method ? [ch.method] : [] });
  }
  let group = '';
  for (const f of folded) {
    if (f.ch.group !== group) {
      group = f.ch.group;
      out.push('', group);
    }
    const who = f.ch.group === 'methods' && f.methods.length > 0 ? `${list(f.methods, 8)}: ` : '';
    const detail = f.methods.length > 1 ? f.ch.detail.replace(/ in \d+ ms$/, '') : f.ch.detail;
    out.push(`  ${mark[f.ch.status]} ${who}${f.title}${detail ? `: ${detail}` : ''}`);
  }
  if (!opts.verbose && echoes.length) out.push(`  ✔ ${echoes.length} methods answered 200 with an echo (--verbose lists them)`);
  out.push('', `${r.passed ? 'PASS' : 'FAIL'}: ${r.counts.pass} passed, ${r.counts.warn} warnings, ${r.counts.fail} failed (${ms(r.durationMs)})`);
  return out.join('\n');
}
