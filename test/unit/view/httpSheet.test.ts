import assert from 'node:assert/strict';
import { sampleBody } from '../../../mock-server/protocol';
import type { Exchange } from '../../../mock-server/hooks';
import { SHEET_BODY_LIMIT, clock, exchangeSheet, renderSheet, statusTone, type ExchangeSheet } from '../../../mock-server/view';
import { answered, exchange } from './exchanges';

function lines(ex: Exchange): string[] {
  return renderSheet(exchangeSheet(ex)).text.split('\n');
}

/** The rendered line each status mark points at. */
function marked(sheet: ExchangeSheet): { line: string; tone: string }[] {
  const r = renderSheet(sheet);
  const all = r.text.split('\n');
  return r.marks.map((m) => ({ line: all[m.line]!, tone: m.tone }));
}

describe('HTTP sheet of an exchange', () => {
  it('reads like an HTTP transcript: request line, headers table, pretty body, then the status line and the answer', () => {
    const ex = answered(exchange('connect', sampleBody('connect'), {
      remoteAddress: '127.0.0.1', headers: { 'content-type': 'application/json', 'content-length': '345', host: '127.0.0.1:9091' },
    }));
    const text = lines({ ...ex, answer: { ...ex.answer!, headers: { 'Content-Type': 'application/json' } } });
    const req = text.indexOf('POST /EchoApp/connect HTTP/1.1');
    assert.ok(req > 0, text.join('\n'));
    assert.match(text[req + 1]!, /^# received \d\d:\d\d:\d\d\.\d{3} from 127\.0\.0\.1$/);
    // One column for the values: a table that is still `Name: value`.
    assert.deepEqual(text.slice(req + 2, req + 5), [
      'content-type:   application/json', 'content-length: 345', 'host:           127.0.0.1:9091',
    ]);
    assert.equal(text[req + 5], '');
    assert.equal(text[req + 6], '{', 'the body pretty-printed');
    assert.match(text[req + 7]!, /^ {2}"nodeId": /);
    const status = text.indexOf('HTTP/1.1 200 OK');
    assert.ok(status > req, 'the response after the request');
    assert.equal(text[status + 1], '# 200 echo · by you · 5ms · sent ' + text[status + 1]!.split('sent ')[1]);
    assert.equal(text[status + 2], 'Content-Type: application/json');
    assert.equal(text[status + 4], '{');
    assert.ok(text.includes('### Validation against the catalog'));
    assert.ok(text.includes("✓ fits connect's body schema"));
    assert.ok(!text.includes('### Received body vs the answer sent'), 'an echo has no diff');
  });

  it('colours each status line by what happened: success, declined, error, timeout, held, client gone', () => {
    const base = exchange('OnCallEvent', undefined, { holdDeadline: 1_700_000_009_000 });
    const cases: [Exchange, string, string][] = [
      [answered(base), 'HTTP/1.1 200 OK', 'success'],
      [answered(base, 'forbid'), 'HTTP/1.1 403 Forbidden', 'declined'],
      [answered(base, { status: 503 }), 'HTTP/1.1 503 Service Unavailable', 'error'],
      [answered(base, 'echo', 'timeout'), 'HTTP/1.1 200 OK', 'timeout'],
      [answered(base, 'forbid', 'shutdown'), 'HTTP/1.1 403 Forbidden', 'timeout'],
      [base, `# held for your answer · the hold timeout answers at ${clock(1_700_000_009_000)}`, 'held'],
      [{ ...answered(base), state: 'aborted', answer: undefined }, '# no answer: the client went away after 5ms', 'aborted'],
    ];
    for (const [ex, line, tone] of cases) {
      assert.equal(statusTone(ex), tone);
      assert.deepEqual(marked(exchangeSheet(ex)), [{ line, tone }], `${line} (${tone})`);
    }
    assert.ok(lines(answered(base, 'echo', 'timeout')).some((l) => /nobody answered in time: the hold timeout sent the fallback/.test(l)));
  });

  it('lists validation issues against the catalog, a bad body, and a method the catalog does not know', () => {
    const misfit = lines(exchange('call', { ...sampleBody('call'), callId: 7 }));
    assert.ok(misfit.some((l) => /^✗ callId: /.test(l)), misfit.join('\n'));
    const bad = lines(exchange('call', undefined, { body: undefined, rawBody: 'not json', error: 'malformed JSON', issues: [], keys: {} }));
    assert.ok(bad.includes('✗ bad body: malformed JSON'));
    assert.ok(bad.includes('not json'), 'a body that is not JSON is shown as it came');
    const unknown = lines(exchange('myMethod', { a: 1 }));
    assert.ok(unknown.some((l) => l.startsWith('? myMethod is not in the catalog')));
  });

  it('shows an edited or merged answer as a diff against the received body, and none for a plain decline', () => {
    const ex = exchange('connect', { ...sampleBody('connect'), login: 'alice' });
    const merge = answered(ex, { status: 200, merge: { restClientConfig: { publishStream: { restOnError: 'FAIL' } } } });
    const sentBody = JSON.stringify({ ...(ex.body as object), restClientConfig: { publishStream: { restOnError: 'FAIL' } } });
    const text = lines({ ...merge, answer: { ...merge.answer!, body: sentBody } });
    const at = text.indexOf('### Received body vs the answer sent');
    assert.ok(at > 0, text.join('\n'));
    assert.deepEqual(text.slice(at + 2, at + 4), ['--- received', '+++ sent']);
    const diff = text.slice(at + 4);
    assert.match(diff[0]!, /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    assert.ok(diff.includes('+  "restClientConfig": {'), diff.join('\n'));
    assert.ok(diff.includes('+      "restOnError": "FAIL"'));
    // JSON's comma moves: the only line taken away comes back with a comma.
    for (const gone of diff.filter((l) => l.startsWith('-'))) assert.ok(diff.includes(`+${gone.slice(1)},`), gone);
    assert.equal(exchangeSheet(answered(ex, { status: 403, reason: 'busy' })).diff, undefined);
  });

  it('keeps one leg per request/response pair, so a forwarded exchange can add its backend leg', () => {
    const sheet = exchangeSheet(answered(exchange('publishStream')));
    assert.equal(sheet.legs.length, 1);
    const backend = { ...sheet.legs[0]!, title: 'hook mock → backend' };
    const both = renderSheet({ ...sheet, legs: [...sheet.legs, backend] });
    assert.equal(both.marks.length, 2, 'each leg has its status line');
    assert.match(both.text, /### WCS → hook mock[\s\S]*### hook mock → backend/);
  });

  it('cuts a huge body and says how much is left out', () => {
    const big = { ...sampleBody('OnDataEvent'), payload: 'x'.repeat(SHEET_BODY_LIMIT + 10) };
    const text = renderSheet(exchangeSheet(exchange('OnDataEvent', big))).text;
    assert.ok(text.length < 2 * SHEET_BODY_LIMIT + 10_000);
    assert.match(text, /… \d+ more characters \(Open as JSON, or Save as \.http, shows all\)/);
  });
});
