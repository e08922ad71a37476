import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { customReason, deliverHook, failureInfo, hookHeaders, hookUrl, type HookResponse } from '../../../mock-server/wcs/backend';
import { jacksonByRewrite, serializeHookBody } from '../../../mock-server/wcs/hookJson';

const res = (over: Partial<HookResponse>): HookResponse => ({ status: 403, statusText: 'Forbidden', headers: {}, rawBody: '', durationMs: 1, ...over });

describe('wcs hook delivery helpers', () => {
  it('serialises in Jackson style without changing the JSON value, whatever the strings contain', () => {
    assert.equal(serializeHookBody({ a: 1, b: { c: 'x' } }), '{\n  "a" : 1,\n  "b" : {\n    "c" : "x"\n  }\n}');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        assert.deepEqual(JSON.parse(serializeHookBody(v)), JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
    const tricky = { 'k": ': '": "', list: ['a": b', '"x" : 1'] };
    assert.deepEqual(JSON.parse(serializeHookBody(tricky)), tricky);
  });

  it('the one-pass writer gives the same bytes as JSON.stringify plus the key rewrite, for any value', () => {
    const anything = fc.anything({ withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withDate: true, withMap: true, withTypedArray: true, withObjectString: true });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), anything), (v) => {
        let want: string;
        try {
          want = jacksonByRewrite(v);
        } catch {
          // A BigInt, or nothing at the top (undefined, a function): no body either way.
          assert.throws(() => serializeHookBody(v));
          return;
        }
        assert.equal(serializeHookBody(v), want);
      }),
      { numRuns: 2000 },
    );
    const odd = { at: new Date(0), n: -0, big: 1e21, tiny: 5e-7, nan: NaN, inf: -Infinity, u: undefined, f: () => 1, arr: [undefined, () => 1, null], nested: { toJSON: () => 'x' } };
    assert.equal(serializeHookBody(odd), jacksonByRewrite(odd));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => serializeHookBody(cyclic), TypeError);
    assert.throws(() => serializeHookBody({ n: 1n }), TypeError);
  });

  it('builds <app URL>/<method> with or without a trailing slash', () => {
    assert.equal(hookUrl('http://h:1/apps/EchoApp', 'connect'), 'http://h:1/apps/EchoApp/connect');
    assert.equal(hookUrl('http://h:1/apps/EchoApp//', 'StreamStatusEvent'), 'http://h:1/apps/EchoApp/StreamStatusEvent');
  });

  it('headers: JSON type and Accept always; signature over exactly the raw body', () => {
    const raw = serializeHookBody({ x: 'é' });
    const h = hookHeaders({ url: 'http://x', signingSecret: 's' }, raw);
    assert.equal(h['Content-Type'], 'application/json;charset=UTF-8');
    assert.equal(h.Accept, 'application/json, application/*+json');
    assert.equal(h.Authorization, `WCS ${createHmac('md5', 's').update(raw, 'utf8').digest('hex')}`);
    assert.equal(hookHeaders({ url: 'http://x', basicAuth: { username: 'ü', password: 'p:w' } }, raw).Authorization, `Basic ${Buffer.from('ü:p:w').toString('base64')}`);
    assert.equal(hookHeaders({ url: 'http://x' }, raw).Authorization, undefined);
  });

  it('custom reason only for exactly {status, reason} with a JSON content type and the same status', () => {
    const json = { contentType: 'application/json;charset=UTF-8' };
    assert.equal(customReason(res({ ...json, json: { status: 403, reason: 'Wrong credentials' } })), 'Wrong credentials');
    assert.equal(customReason(res({ ...json, json: { reason: 'Wrong credentials', status: 403 } })), 'Wrong credentials');
    assert.equal(customReason(res({ ...json, json: { status: 403, reason: 'x', extra: 1 } })), undefined);
    assert.equal(customReason(res({ ...json, json: { reason: 'x' } })), undefined);
    assert.equal(customReason(res({ ...json, json: { status: 401, reason: 'x' } })), undefined);
    assert.equal(customReason(res({ ...json, json: { status: 403, reason: 5 } })), undefined);
    assert.equal(customReason(res({ contentType: 'text/html', json: { status: 403, reason: 'x' } })), undefined);
  });

  it('failure info: reason, else reason phrase, else what went wrong on the way', () => {
    assert.equal(failureInfo(res({ contentType: 'application/json', json: { status: 403, reason: 'No' } })), 'No');
    assert.equal(failureInfo(res({})), 'Forbidden');
    assert.equal(failureInfo(res({ status: 0, failure: 'timeout' })), 'Read timed out');
    assert.equal(failureInfo(res({ status: 0, failure: 'unreachable' })), 'Connection refused');
  });

  it('a backend on a port fetch() refuses is reported with what to do, not a bare "bad port"', async () => {
    // fetch refuses port 6667 before it opens any connection, so nothing leaves this process. (Node's default,
    // the pooled transport, has no such list: it posts there as WCS would.)
    const res = await deliverHook({ url: 'http://127.0.0.1:6667/EchoApp' }, 'connect', {}, '{}', { timeoutMs: 5000, fetch: globalThis.fetch });
    assert.equal(res.failure, 'unreachable');
    assert.match(res.error ?? '', /fetch\(\) refuses this port.*another port/);
  });
});
