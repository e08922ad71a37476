/**
 * One REST hook under the session's restClientConfig: restPolicy (DISABLE skips, OVERWRITE takes fields
 * from the answer), restExclude on the wire, and what restOnError makes of a failure (PROTOCOL.md §4).
 * Never throws: every outcome is a HookResult and a log entry.
 */
import { DEFAULT_METHOD_CONFIG, errorOutcome, resolveMethodConfig, withoutFields } from '../protocol';
import { deliverHook, failureInfo, hookUrl, type HookResponse } from './backend';
import { serializeHookBody } from './hookJson';
import { methodEnabled } from './apps';
import type { EngineContext } from './context';
import { isRecord, type HookResult, type Session } from './session';

export async function invokeHook(ctx: EngineContext, s: Session, method: string, body: Record<string, unknown>): Promise<HookResult> {
  const cfg = method === 'connect' ? DEFAULT_METHOD_CONFIG : resolveMethodConfig(s.config, method);
  if (cfg.restPolicy === 'DISABLE' || ctx.hooksAborted) {
    const why = ctx.hooksAborted ? 'engine closed with abortHooks' : 'restPolicy DISABLE: WCS uses the client\'s data';
    return skipped(ctx, s, method, body, why);
  }
  const app = s.app;
  if (!app) return skipped(ctx, s, method, body, `no application "${s.appKey}": nothing to post to`);
  // WCS posts only the methods enabled for the app; the rest go ahead on the client's data (PROTOCOL.md §1.4).
  if (!methodEnabled(app, method)) return skipped(ctx, s, method, body, `not enabled for app ${app.appKey} (app-rest-method)`);
  const wire = withoutFields(body, cfg.restExclude);
  const raw = serializeHookBody(wire);
  const backend = app.backend;
  // A load run keeps no log: the entry (and its URL) would be built for nothing on every hook.
  const logging = ctx.logging;
  if (logging) ctx.record({ kind: 'hook', sessionId: s.id, method, body: wire, ...('url' in backend ? { url: hookUrl(backend.url, method) } : {}) });
  ctx.stats.hooksSent++;
  const res = await deliverHook(backend, method, wire, raw, { timeoutMs: ctx.opts.hookTimeoutMs, fetch: ctx.userOptions.fetch, transport: ctx.userOptions.hookTransport, register: ctx.register });
  const ok = res.status === 200 && !res.failure;
  if (logging) ctx.record({
    kind: 'hook-answer', sessionId: s.id, method, status: res.status, ok, durationMs: res.durationMs,
    ...(res.contentType ? { contentType: res.contentType } : {}),
    ...(res.rawBody ? { body: res.rawBody.length > 4096 ? `${res.rawBody.slice(0, 4096)}…` : res.rawBody } : {}),
    ...(res.failure ? { failure: res.failure, error: res.error } : {}),
  });
  let result: HookResult;
  if (ok) {
    result = { method, sent: true, ok: true, proceeds: true, body: overwrite(ctx, s, method, body, res, cfg.restPolicy, cfg.restOverwrite), response: res };
  } else {
    ctx.stats.hookErrors++;
    if (res.failure) ctx.stats.deliveryFailures++;
    const info = failureInfo(res);
    const mode = method === 'connect' ? 'FAIL' : cfg.restOnError;
    const outcome = errorOutcome(method, mode);
    const what = res.failure ? res.error ?? res.failure : `HTTP ${res.status}`;
    ctx.record({ kind: 'decision', sessionId: s.id, method, text: `${what} under restOnError ${mode}: ${outcome.summary} (info "${info}")` });
    result = { method, sent: true, ok: false, proceeds: outcome.proceeds, body, response: res, info, outcome, restOnError: mode };
    if (outcome.client === 'ErrorEvent') await errorEvent(ctx, s, method, info);
  }
  ctx.emit('hook', s.id, method, result);
  return result;
}

/** A hook not sent: what it is about goes ahead with the client's data, as if the backend had echoed it. */
function skipped(ctx: EngineContext, s: Session, method: string, body: Record<string, unknown>, why: string): HookResult {
  ctx.record({ kind: 'hook-skipped', sessionId: s.id, method, why });
  const r: HookResult = { method, sent: false, ok: true, proceeds: true, body };
  ctx.emit('hook', s.id, method, r);
  return r;
}

/** restPolicy OVERWRITE: the named fields come from the backend's answer (PROTOCOL.md §4.1). */
function overwrite(ctx: EngineContext, s: Session, method: string, body: Record<string, unknown>, res: HookResponse, policy: string, fields: readonly string[]): Record<string, unknown> {
  if (policy !== 'OVERWRITE' || fields.length === 0) return body;
  if (!isRecord(res.json)) {
    ctx.record({ kind: 'warning', sessionId: s.id, text: `${method}: restPolicy OVERWRITE but the answer has no JSON object; nothing overwritten` });
    return body;
  }
  const out = { ...body };
  for (const f of fields) {
    if (!(f in res.json)) continue;
    if (JSON.stringify(res.json[f]) !== JSON.stringify(body[f])) {
      ctx.record({ kind: 'decision', sessionId: s.id, method, text: `OVERWRITE ${f}: ${JSON.stringify(body[f])} → ${JSON.stringify(res.json[f])}` });
    }
    out[f] = res.json[f];
  }
  return out;
}

/**
 * An event hook failed under FAIL: WCS reports it in a separate ErrorEvent (PROTOCOL.md §4.2). The hook
 * goes to the backend like any event; its WebSocket form is undocumented, so the client gets `fail` with
 * apiMethod "ErrorEvent" (inferred; the SDK shows it as WARN and fails no stream).
 */
async function errorEvent(ctx: EngineContext, s: Session, method: string, info: string): Promise<void> {
  const text = `${method}: ${info}`;
  ctx.send(s, 'fail', [{ status: 'FAILED', info: text, apiMethod: 'ErrorEvent' }]);
  if (method === 'ErrorEvent') return; // never a loop of ErrorEvents about ErrorEvents
  await invokeHook(ctx, s, 'ErrorEvent', ctx.hookBody(s, { info: text, apiMethod: method }));
}
