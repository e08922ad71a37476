/**
 * A session's life: the `connection` message and its connect hook, the restClientConfig the answer
 * carries, refusal, server pings, and teardown when the client goes (PROTOCOL.md §3.2, §3.3, §6.4, §6.5).
 */
import { CONNECT_OVERRIDE_FIELDS, MethodConfigSchema, type RestClientConfig } from '../protocol';
import { unknownAppInfo } from './apps';
import type { EngineContext } from './context';
import { uuid } from './ids';
import { isRecord, str, type Session } from './session';
import { leaveAllRooms } from './rooms';
import { endStream } from './streams';

export async function connect(ctx: EngineContext, s: Session, payload: unknown): Promise<void> {
  if (s.state !== 'new') {
    ctx.fail(s, 'connection: the session is already connected', 'ConnectionStatusEvent');
    return;
  }
  s.state = 'connecting';
  const p = isRecord(payload) ? payload : {};
  s.appKey = str(p.appKey) ?? 'defaultApp';
  s.app = ctx.appFor(s.appKey);
  // The SDK no longer sends the tunnel flags, but the server still reports them as false (§3.2).
  const body = ctx.hookBody(s, { useWsTunnel: false, useWsTunnelPacketization2: false, useBase64BinaryEncoding: false, ...p });
  if (s.origin) body.origin = s.origin;
  s.connection = body;
  if (!s.app) {
    ctx.decide(s, 'connect', `no application "${s.appKey}": refused, as WCS refuses an unknown appKey (unknownApps "accept" turns this off)`);
    return refuse(ctx, s, unknownAppInfo(s.appKey));
  }
  const r = await ctx.invoke(s, 'connect', body);
  if (!r.ok) return refuse(ctx, s, r.info ?? 'Forbidden');
  const reply = r.response?.json;
  const connection = { ...body };
  if (isRecord(reply)) {
    s.config = readConfig(ctx, s, reply.restClientConfig);
    const ignored: string[] = [];
    for (const [k, v] of Object.entries(reply)) {
      if (k === 'restClientConfig' || JSON.stringify(v) === JSON.stringify(body[k])) continue;
      if (CONNECT_OVERRIDE_FIELDS.includes(k)) {
        ctx.decide(s, 'connect', `backend overrides ${k}: ${JSON.stringify(body[k])} → ${JSON.stringify(v)}`);
        connection[k] = v;
      } else {
        ignored.push(k);
      }
    }
    if (ignored.length > 0) {
      ctx.decide(s, 'connect', `answer changed ${ignored.join(', ')}; WCS takes only restClientConfig and SIP credentials from it, so these are ignored`);
    }
  } else {
    ctx.decide(s, 'connect', 'answer has no JSON object: nothing overridden, default restClientConfig');
  }
  connection.authToken = str(connection.authToken) ?? uuid();
  s.connection = connection;
  s.state = 'established';
  ctx.record({ kind: 'session', sessionId: s.id, event: 'established' });
  ctx.sessionEvent('established', s);
  ctx.send(s, 'getUserData', [ctx.clientView(s, ['connect', 'ConnectionStatusEvent'], { ...connection, status: 'ESTABLISHED' })]);
  startPing(ctx, s);
  await ctx.invoke(s, 'ConnectionStatusEvent', { ...connection, status: 'ESTABLISHED' });
  if (connection.sipRegisterRequired === true) {
    // No SIP registrar behind the mock: registration always succeeds.
    const sip: Record<string, unknown> = {};
    for (const k of ['sipLogin', 'sipAuthenticationName', 'sipDomain', 'sipOutboundProxy', 'sipProxy', 'sipPort']) if (connection[k] !== undefined) sip[k] = connection[k];
    const reg = await ctx.invoke(s, 'RegistrationStatusEvent', ctx.hookBody(s, { ...sip, status: 'REGISTERED' }));
    ctx.send(s, 'registered', [ctx.clientView(s, ['RegistrationStatusEvent'], reg.body)]);
  }
}

/** Entries that fail the schema are dropped one by one, so one typo does not discard the whole config. */
function readConfig(ctx: EngineContext, s: Session, raw: unknown): RestClientConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    ctx.warn(s, `restClientConfig is not an object (${typeof raw}); defaults apply`);
    return undefined;
  }
  const cfg: RestClientConfig = {};
  for (const [method, entry] of Object.entries(raw)) {
    const parsed = MethodConfigSchema.safeParse(entry);
    if (parsed.success) cfg[method] = parsed.data;
    else {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      ctx.warn(s, `restClientConfig.${method} is invalid (${why}); defaults apply to ${method}`);
    }
  }
  return cfg;
}

/**
 * A refused connect: `fail` then close, so the SDK fires WARN then DISCONNECTED (WEBSDK-NOTES.md). The
 * backend gets ConnectionStatusEvent FAILED with only status and info (§3.3; WCS 4 sent FAILED then
 * DISCONNECTED), and DISCONNECTED follows from the teardown.
 */
export async function refuse(ctx: EngineContext, s: Session, info: string): Promise<void> {
  s.state = 'refused';
  ctx.record({ kind: 'session', sessionId: s.id, event: 'refused', info });
  ctx.sessionEvent('refused', s);
  ctx.fail(s, info, 'ConnectionStatusEvent');
  ctx.closePort(s, 1000, info);
  await ctx.invoke(s, 'ConnectionStatusEvent', { ...ctx.envelope(s), status: 'FAILED', info });
  void s.run(() => teardown(ctx, s));
}

function startPing(ctx: EngineContext, s: Session): void {
  if (ctx.opts.pingIntervalMs <= 0) return;
  const t = setInterval(() => {
    if (s.portClosed || s.state !== 'established' || s.pingsMuted) return;
    if (s.unansweredPings >= ctx.opts.maxMissedPings) {
      ctx.decide(s, undefined, `${s.unansweredPings} pings unanswered: dropping the client`);
      ctx.closePort(s, 1000, 'Keep-alive timeout');
      void s.run(() => teardown(ctx, s));
      return;
    }
    s.unansweredPings++;
    ctx.send(s, 'ping', [null]);
  }, ctx.opts.pingIntervalMs);
  (t as { unref?: () => void }).unref?.();
  s.timers.add(t);
}

/**
 * The client is gone (or we closed it): live streams and calls end, then ConnectionStatusEvent
 * DISCONNECTED. The order and the info texts are inferred (the SDK knows "Stopped by session disconnect").
 */
export async function teardown(ctx: EngineContext, s: Session): Promise<void> {
  if (s.state === 'closed') return;
  const was = s.state;
  s.state = 'closed';
  s.portClosed = true;
  for (const t of s.timers) {
    clearTimeout(t);
    clearInterval(t);
  }
  s.timers.clear();
  for (const st of [...s.streams.values()]) {
    await endStream(ctx, s, st, st.published ? 'UNPUBLISHED' : 'STOPPED', 'Stopped by session disconnect', 'StreamStatusEvent', false);
  }
  leaveAllRooms(ctx, s);
  for (const call of [...s.calls.values()]) {
    s.calls.delete(call.callId);
    call.obj = { ...call.obj, status: 'FINISH' };
    await ctx.invoke(s, 'CallStatusEvent', ctx.hookBody(s, { ...call.obj, info: 'Normal call clearing' }));
  }
  if (was !== 'new') {
    const body = was === 'refused' ? { ...ctx.envelope(s), status: 'DISCONNECTED' } : { ...s.connection, status: 'DISCONNECTED' };
    await ctx.invoke(s, 'ConnectionStatusEvent', body);
  }
  ctx.media.releaseSession(s.id);
  ctx.live.delete(s.id);
  ctx.record({ kind: 'session', sessionId: s.id, event: 'closed' });
  ctx.sessionEvent('closed', s);
}
