import { strict as assert } from 'node:assert';
import type { HookReply } from '../../../mock-server/wcs/backend';
import { PROBE_FIELD, checkBackend, formatReport, toJUnit, type ConformanceReport } from '../../../mock-server/wcs/conformance';

type Answer = (method: string, body: Record<string, unknown>) => HookReply | Promise<HookReply> | undefined;

const echo = (b: Record<string, unknown>): HookReply => ({ status: 200, body: b });

function run(answer: Answer, extra: Partial<Parameters<typeof checkBackend>[0]> = {}) {
  return checkBackend({ backend: { handler: async (m, b) => (await answer(m, b)) ?? echo(b) }, ...extra });
}

function find(r: ConformanceReport, title: RegExp) {
  const hits = r.checks.filter((c) => title.test(c.title));
  assert.ok(hits.length > 0, `no check matching ${title}: ${r.checks.map((c) => c.title).join(' | ')}`);
  return hits;
}

describe('wcs conformance (what check reports)', () => {
  it('a mirroring backend passes everything, unknown fields and unknown methods included', async () => {
    const seen: string[] = [];
    const r = await run((m) => {
      seen.push(m);
      return undefined;
    });
    assert.equal(r.passed, true, formatReport(r, { verbose: true }));
    assert.equal(r.counts.fail, 0);
    assert.equal(r.counts.warn, 0);
    assert.ok(seen.includes('WcsHookMockUnknownEvent'));
    assert.ok(seen.includes('StreamKeepAliveEvent'));
    assert.equal(seen[0], 'connect');
  });

  it('connect that drops or changes fields fails, naming them; declared overrides pass', async () => {
    const r = await run((m, b) => {
      if (m !== 'connect') return undefined;
      const { [PROBE_FIELD]: _p, clientVersion: _c, ...rest } = b;
      return echo({ ...rest, appKey: 'otherApp', sipLogin: '7001', custom: { tenant: 't1' } });
    });
    assert.equal(r.passed, false);
    const echoCheck = find(r, /connect echoes what it got/)[0]!;
    assert.equal(echoCheck.status, 'fail');
    assert.match(echoCheck.detail, /missing .*wcsHookMockProbe/);
    assert.match(echoCheck.detail, /missing .*clientVersion/);
    assert.match(echoCheck.detail, /changed appKey, custom/);
    const ok = await run((m, b) => (m === 'connect' ? echo({ ...b, sipLogin: '7001', custom: { tenant: 't1' } }) : undefined), { allowOverrides: ['custom'] });
    const okCheck = find(ok, /connect echoes what it got/)[0]!;
    assert.equal(okCheck.status, 'pass', okCheck.detail);
    assert.match(okCheck.detail, /overrides custom|adds sipLogin/);
  });

  it('a connect answer without JSON content type fails', async () => {
    const r = await run((m, b) => (m === 'connect' ? { status: 200, body: JSON.stringify(b), headers: { 'Content-Type': 'text/plain' } } : undefined));
    assert.equal(find(r, /answer is JSON/)[0]!.status, 'fail');
    assert.equal(find(r, /connect echoes/)[0]!.status, 'pass', 'the body itself still mirrors');
  });

  it('restClientConfig is validated against the schema, with soft warnings for odd settings', async () => {
    const bad = await run((m, b) => (m === 'connect' ? echo({ ...b, restClientConfig: { publishStream: { restOnError: 'NEVER' } } }) : undefined));
    const c = find(bad, /restClientConfig is valid/)[0]!;
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /restClientConfig\.publishStream\.restOnError/);
    const odd = await run((m, b) =>
      m === 'connect' ? echo({ ...b, restClientConfig: { publishstream: { restOnError: 'FAIL' }, playStream: { restOverwrite: 'name' } } }) : undefined,
    );
    assert.equal(odd.passed, true);
    assert.match(find(odd, /names known methods/)[0]!.detail, /publishstream/);
    assert.match(find(odd, /restOverwrite goes with/)[0]!.detail, /playStream/);
  });

  it('declines: 403 passes where declining means something, with a valid reason body; events must not decline', async () => {
    const r = await run((m) => {
      if (m === 'publishStream') return { status: 403, body: { status: 403, reason: 'Nope' }, headers: { 'Content-Type': 'application/json' } };
      if (m === 'OnCallEvent') return { status: 403 };
      if (m === 'playStream') return { status: 403, body: { error: 'nope' }, headers: { 'Content-Type': 'application/json' } };
      if (m === 'StreamStatusEvent') return { status: 403 };
      if (m === 'StreamKeepAliveEvent') return { status: 403 };
      return undefined;
    });
    const by = (method: string) => r.checks.find((c) => c.method === method)!;
    assert.equal(by('publishStream').status, 'pass');
    assert.match(by('publishStream').detail, /reason "Nope"/);
    assert.equal(by('OnCallEvent').status, 'pass');
    assert.match(by('OnCallEvent').detail, /client sees "Forbidden"/);
    assert.equal(by('playStream').status, 'fail');
    assert.match(by('playStream').detail, /exactly \{"status":403,"reason":"…"\}/);
    assert.equal(by('StreamStatusEvent').status, 'fail');
    assert.match(by('StreamStatusEvent').detail, /events cannot be declined/);
    assert.equal(by('StreamKeepAliveEvent').status, 'pass', 'a keep-alive 403 ends the stream under FAIL: a meaningful decline');
  });

  it('other statuses fail; on less certain or unknown hooks they only warn', async () => {
    const r = await run((m) => (m === 'call' ? { status: 500 } : m === 'playHLS' || m === 'WcsHookMockUnknownEvent' ? { status: 404 } : undefined));
    const by = (method: string) => r.checks.find((c) => c.method === method)!;
    assert.equal(by('call').status, 'fail');
    assert.match(by('call').detail, /got 500 Internal Server Error/);
    assert.equal(by('playHLS').status, 'fail', 'playHLS is documented (not less certain)');
    assert.equal(by('WcsHookMockUnknownEvent').status, 'warn');
    assert.match(by('WcsHookMockUnknownEvent').detail, /route unknown methods to a 200 echo/);
  });

  it('200 answers: wrong content type fails, a non-mirror only warns', async () => {
    const r = await run((m, b) =>
      m === 'call' ? { status: 200, body: 'OK', headers: { 'Content-Type': 'text/html' } } : m === 'hangup' ? { status: 200 } : m === 'hold' ? echo({ ...b, callId: 'x' }) : undefined,
    );
    const by = (method: string) => r.checks.find((c) => c.method === method)!;
    assert.equal(by('call').status, 'fail');
    assert.equal(by('hangup').status, 'warn');
    assert.match(by('hangup').detail, /empty body/);
    assert.equal(by('hold').status, 'warn');
    assert.match(by('hold').detail, /changed callId/);
  });

  it('answers slower than the timeout fail', async () => {
    const r = await run((m, b) => (m === 'sendDtmf' ? new Promise((res) => setTimeout(() => res(echo(b)), 200)) : undefined), { timeoutMs: 40, methods: ['sendDtmf', 'hold'] });
    const c = r.checks.find((x) => x.method === 'sendDtmf')!;
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no answer within 40 ms/);
    assert.equal(r.passed, false);
  });

  it('an unreachable backend is one clear message and no checks', async () => {
    const r = await checkBackend({ backend: { url: 'http://127.0.0.1:9/app' } });
    assert.equal(r.passed, false);
    assert.match(String(r.unreachable), /cannot reach http:\/\/127\.0\.0\.1:9\/app\/connect/);
    assert.equal(r.checks.length, 0);
    assert.match(toJUnit(r), /<failure message="cannot reach/);
  });

  it('JUnit XML: one testcase per check, failures counted, text escaped', async () => {
    const r = await run((m) => (m === 'hold' ? { status: 403, body: { error: '<b>"x" & y</b>' }, headers: { 'Content-Type': 'application/json' } } : undefined));
    const xml = toJUnit(r);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="wcs-hook-mock check" tests="\d+" failures="1"/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, r.checks.length);
    assert.equal((xml.match(/<failure /g) ?? []).length, 1);
    assert.doesNotMatch(xml, /<b>/);
    assert.ok(xml.includes('&lt;b&gt;\\&quot;x\\&quot; &amp; y&lt;/b&gt;'), xml);
  });
});
