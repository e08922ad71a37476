/**
 * `wcs-hook-mock ctl <action> --server URL`: tells a running `wcs-hook-mock wcs` to do what WCS does on its
 * own (ring a client, hang up, fail a stream, drop a session ...) through its control API, one line of
 * output per action. For people at a terminal and for scripts; tests in Node use WcsMockClient directly.
 */
import { parseArgs } from 'node:util';
import { WcsMockClient, WcsMockError, WcsMockUnreachableError, type FaultSpec, type SessionSummary } from '../wcs';
import { terminalSafe } from '../util';
import type { Command } from './command';
import { UsageError } from './flags';

const PREFIX = 'wcs-hook-mock ctl';
const DEFAULT_SERVER = 'http://127.0.0.1:8081';

export const CTL_USAGE = `Usage: wcs-hook-mock ctl <action> [options]

Drives a running \`wcs-hook-mock wcs\` through its REST port (the line it prints: "REST API on ...").

Actions:
  incoming-call [--callee LOGIN | --session ID] [--caller NAME] [--video]
                         a SIP call to a session (default: the only one); prints the callId
  hangup --call-id ID    the SIP far end hangs up a live call
  busy --call-id ID      the far end answers a ringing call with 486 Busy Here
  reject --call-id ID --sip-status CODE [--reason TEXT]
                         the far end answers a ringing call with any SIP 4xx-6xx
  message --to LOGIN|ID [--from NAME] [--body TEXT]
                         an inbound SIP MESSAGE (the backend gets OnMessageEvent)
  fail-stream (--stream-id ID | --name NAME) [--info TEXT]
                         a live stream fails (FAILED to the client and the backend)
  drop-session --session ID [--reason TEXT]
                         the server closes a session (disconnect hooks follow)
  fault --spec JSON      any fault as data, e.g. '{"fault":"breakNextAnswer","kind":"play"}' or
                         '{"fault":"streamEvent","stream":"cam1","type":"notEnoughBandwidth"}'
  data --session ID --payload JSON
                         WCS REST data/send: the client gets OnDataEvent
  sessions               one line per session, with its streams and calls
  rest GROUP/VERB [--body JSON]
                         any WCS REST call (e.g. rest stream/find_all); prints the status and the answer

Options:
  --server URL           the REST port's base (default ${DEFAULT_SERVER}, or env WCS_HOOK_MOCK_SERVER)
  --rest-user NAME       HTTP Basic credentials, when wcs runs with --rest-user
  --rest-password PASS   (or env WCS_HOOK_MOCK_REST_PASSWORD)
  --json                 print the server's JSON answer instead of a sentence
  -h, --help             show this help

Exit code: 0 when done, 1 when the server refused or is not there, 2 on usage errors.`;

export interface CtlIO {
  readonly stdout: Pick<NodeJS.WriteStream, 'write'>;
  readonly stderr: Pick<NodeJS.WriteStream, 'write'>;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
}

type Values = Record<string, string | boolean | undefined>;

function need(values: Values, flag: string, action: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${action} needs --${flag}`);
  return v;
}

function json(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--${flag} is not JSON: ${(e as Error).message}`);
  }
}

function sessionLine(s: SessionSummary): string {
  const streams = s.streams.map((x) => `${x.name ?? x.mediaSessionId}(${x.published ? 'publish' : 'play'} ${x.status ?? '?'})`).join(' ');
  const calls = s.calls.map((c) => `${c.callId}(${c.incoming ? 'in' : 'out'} ${c.status ?? '?'})`).join(' ');
  return [s.sessionId, s.appKey, s.state, s.sipLogin ? `sip ${s.sipLogin}` : '', streams ? `streams: ${streams}` : '', calls ? `calls: ${calls}` : ''].filter(Boolean).join('  ');
}

/** What one action does: the server's answer and the sentence that says it. */
async function act(client: WcsMockClient, action: string, values: Values, rest: readonly string[]): Promise<{ answer: unknown; lines: string[]; ok: boolean }> {
  const one = (answer: unknown, line: string, ok = true) => ({ answer, lines: [line], ok });
  switch (action) {
    case 'incoming-call': {
      if (values.callee && values.session) throw new UsageError('incoming-call takes --callee or --session, not both');
      const r = await client.incomingCall({
        callee: values.callee as string | undefined, sessionId: values.session as string | undefined,
        caller: values.caller as string | undefined, hasVideo: values.video === true ? true : undefined,
      });
      return r.offered
        ? one(r, `incoming call ${r.callId} ringing on ${r.sessionId} (SIP ${r.sipStatus})`)
        : one(r, `incoming call ${r.callId} refused by the backend: the caller got SIP ${r.sipStatus}${r.info ? ` (${r.info})` : ''}`, false);
    }
    case 'hangup':
    case 'busy': {
      const callId = need(values, 'call-id', action);
      const r = action === 'hangup' ? await client.hangup(callId) : await client.busy(callId);
      return one(r, `call ${r.callId} ${r.status} (far end ${action === 'hangup' ? 'hung up' : 'busy'})`);
    }
    case 'reject': {
      const callId = need(values, 'call-id', action);
      const code = Number(need(values, 'sip-status', action));
      if (!Number.isInteger(code) || code < 400 || code > 699) throw new UsageError(`--sip-status needs a SIP status 400–699, got '${String(values['sip-status'])}'`);
      const r = await client.reject(callId, code, values.reason as string | undefined);
      return one(r, `call ${r.callId} ${r.status} (far end answered ${code})`);
    }
    case 'message': {
      const r = await client.message({ to: need(values, 'to', action), from: values.from as string | undefined, body: values.body as string | undefined });
      return one(r, `SIP MESSAGE delivered to ${r.sessionId}: OnMessageEvent ${r.accepted ? 'accepted' : 'refused'} by the backend`);
    }
    case 'fail-stream': {
      const id = values['stream-id'] as string | undefined;
      const name = values.name as string | undefined;
      if (!id === !name) throw new UsageError('fail-stream needs --stream-id or --name (one of them)');
      const r = await client.failStream({ mediaSessionId: id, name, info: values.info as string | undefined });
      return one(r, `FAILED ${r.affected.length} stream(s): ${r.affected.join(', ')}`);
    }
    case 'drop-session': {
      const r = await client.dropSession({ sessionId: need(values, 'session', action), reason: values.reason as string | undefined });
      return one(r, `dropped session ${r.affected.join(', ')}`);
    }
    case 'fault': {
      const r = await client.fault(json(need(values, 'spec', action), 'spec') as FaultSpec);
      return one(r, `${r.fault}: ${r.affected.length === 0 ? 'armed' : `reached ${r.affected.join(', ')}`}`);
    }
    case 'data': {
      const sessionId = need(values, 'session', action);
      const payload = json(need(values, 'payload', action), 'payload');
      const r = await client.rest('data/send', { sessionId, payload });
      return one(r.json ?? r.text, r.status === 200 ? `data sent to ${sessionId} (OnDataEvent)` : `data/send answered ${r.status}: ${r.text}`, r.status === 200);
    }
    case 'sessions': {
      const r = await client.sessions();
      return { answer: r, lines: r.length === 0 ? ['no sessions'] : r.map(sessionLine), ok: true };
    }
    case 'rest': {
      const path = rest[0];
      if (!path || !/^[A-Za-z0-9_/]+$/.test(path)) throw new UsageError('rest needs GROUP/VERB, e.g. rest stream/find_all');
      const body = typeof values.body === 'string' ? json(values.body, 'body') : undefined;
      const r = await client.rest(path, body);
      const shown = r.json !== undefined ? JSON.stringify(r.json) : r.text;
      return one(r.json ?? r.text, `${r.status}${shown ? ` ${shown}` : ''}`, r.status >= 200 && r.status < 300);
    }
    default:
      throw new UsageError(`unknown action '${action}'`);
  }
}

export async function runCtl(argv: readonly string[], io: CtlIO = defaultIO()): Promise<number> {
  // Escaped line by line: answers carry text from the network, our own messages may span two lines.
  const safe = (text: string) => text.split('\n').map(terminalSafe).join('\n') + '\n';
  const out = (text: string) => io.stdout.write(safe(text));
  const err = (text: string) => io.stderr.write(safe(text));
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        'rest-user': { type: 'string' },
        'rest-password': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        callee: { type: 'string' },
        session: { type: 'string' },
        caller: { type: 'string' },
        video: { type: 'boolean' },
        'call-id': { type: 'string' },
        'sip-status': { type: 'string' },
        reason: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        body: { type: 'string' },
        'stream-id': { type: 'string' },
        name: { type: 'string' },
        info: { type: 'string' },
        payload: { type: 'string' },
        spec: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] });
  } catch (e) {
    err(`${PREFIX}: ${(e as Error).message}\nRun 'wcs-hook-mock ctl --help' for the actions.`);
    return 2;
  }
  if (values.help) {
    out(CTL_USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  try {
    if (!action) throw new UsageError('which action? (incoming-call, hangup, busy, reject, message, fail-stream, drop-session, data, sessions, rest)');
    if (action !== 'rest' && rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const server = (values.server as string | undefined) ?? io.env.WCS_HOOK_MOCK_SERVER ?? DEFAULT_SERVER;
    const user = values['rest-user'] as string | undefined;
    const password = (values['rest-password'] as string | undefined) ?? io.env.WCS_HOOK_MOCK_REST_PASSWORD;
    if (user !== undefined && password === undefined) throw new UsageError('--rest-user needs --rest-password (or env WCS_HOOK_MOCK_REST_PASSWORD)');
    let client: WcsMockClient;
    try {
      client = new WcsMockClient(server, { auth: user !== undefined ? { username: user, password: password! } : undefined, fetch: io.fetch });
    } catch (e) {
      throw new UsageError(`--server: ${(e as Error).message}`);
    }
    const r = await act(client, action, values, rest);
    if (values.json) out(JSON.stringify(r.answer));
    else for (const l of r.lines) out(l);
    return r.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${PREFIX}: ${e.message}\nRun 'wcs-hook-mock ctl --help' for the actions.`);
      return 2;
    }
    if (e instanceof WcsMockError) {
      err(`${PREFIX} ${action}: the server answered ${e.status}: ${e.message}`);
      return 1;
    }
    if (e instanceof WcsMockUnreachableError) {
      err(`${PREFIX}: ${e.message}`);
      return 1;
    }
    // Anything else (a proxy answering HTML, a reset connection): one line, never a stack trace.
    err(`${PREFIX} ${action}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function defaultIO(): CtlIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export const ctlCommand: Command = {
  summary: 'drive a running `wcs` mock: ring a client, hang up, fail a stream, drop a session, call its REST API',
  run: (argv) => runCtl(argv),
};
