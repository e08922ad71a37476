import assert from 'node:assert/strict';
import { sampleBody } from '../../../mock-server/protocol';
import { parseJsonLocated, pathKey } from '../../../mock-server/util';
import { answerDraft, checkDraft, draftBanner } from '../../../extension/answerDraft';
import { answered, exchange } from '../view/exchanges';

/** The text a problem underlines. */
function marked(text: string, p: { start: number; end: number }): string {
  return text.slice(p.start, p.end);
}

describe('answer draft', () => {
  it('starts as the pretty echo body', () => {
    const ex = exchange('connect');
    assert.deepEqual(JSON.parse(answerDraft(ex)), ex.body);
    assert.match(answerDraft(ex), /\n {2}"nodeId"/);
  });

  it('accepts a valid edited body, including a restClientConfig WCS understands', () => {
    const ok = checkDraft('connect', JSON.stringify({ ...sampleBody('connect'), restClientConfig: { publishStream: { restOnError: 'FAIL' } } }, null, 2));
    assert.deepEqual(ok, { ok: true, problems: [] });
  });

  it('places a JSON syntax error where it is', () => {
    const text = '{\n  "callId": "c1",\n  "status": RING\n}';
    const r = checkDraft('call', text);
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /^Not valid JSON: unexpected 'R'/);
    assert.equal(marked(text, r.problems[0]!), 'RING');
  });

  it('underlines the value of a field that does not fit the method, and the object of a missing one', () => {
    const body = { ...sampleBody('call'), callId: 12 } as Record<string, unknown>;
    delete body.nodeId;
    const text = JSON.stringify(body, null, 2);
    const r = checkDraft('call', text);
    assert.equal(r.ok, false);
    const wrong = r.problems.find((p) => /callId/.test(p.message));
    assert.ok(wrong, JSON.stringify(r.problems));
    assert.equal(wrong.severity, 'error');
    assert.equal(marked(text, wrong), '12');
    const missing = r.problems.find((p) => /nodeId/.test(p.message));
    assert.ok(missing, JSON.stringify(r.problems));
    assert.equal(marked(text, missing), '{', 'the enclosing object, first line only');
  });

  it('checks restClientConfig of a connect answer at its own field', () => {
    const text = JSON.stringify({ ...sampleBody('connect'), restClientConfig: { publishStream: { restOnError: 'MAYBE' } } }, null, 2);
    const r = checkDraft('connect', text);
    const p = r.problems.find((x) => /restClientConfig\.publishStream\.restOnError/.test(x.message));
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(marked(text, p), '"MAYBE"');
  });

  it('warns about a key typed twice but still lets it be sent', () => {
    const body = JSON.stringify(sampleBody('call'), null, 2);
    const text = body.replace(/\n}$/, ',\n  "note": 1,\n  "note": 2\n}');
    const r = checkDraft('call', text);
    assert.equal(r.ok, true);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.severity, 'warning');
    assert.match(r.problems[0]!.message, /"note" is typed twice/);
    assert.equal(marked(text, r.problems[0]!), '"note"');
    assert.ok(r.problems[0]!.start > text.indexOf('"note"'), 'the second one is marked');
  });

  it('says what saving does and how long is left, or why it does nothing', () => {
    const now = 1_800_000_000_000;
    const held = exchange('connect', sampleBody('connect'), { holdDeadline: now + 8_200 });
    assert.deepEqual(draftBanner(held, { ok: true, problems: [] }, now), { text: 'Save sends 200 · 9 s left', live: true });
    assert.equal(draftBanner(held, checkDraft('connect', '{'), now).text, 'Fix 1 problem to send · 9 s left');
    assert.equal(draftBanner(exchange('connect'), undefined, now).text, 'Save sends 200 · no time limit');
    // A long hold counts down by the minute until the last one: each change of that line costs the editor a request.
    const long = exchange('connect', sampleBody('connect'), { holdDeadline: now + 14 * 60_000 + 1 });
    assert.equal(draftBanner(long, undefined, now).text, 'Save sends 200 · 15 min left');
    assert.equal(draftBanner(long, undefined, now + 13 * 60_000 + 1).text, 'Save sends 200 · 1 min left');
    assert.equal(draftBanner(long, undefined, now + 13 * 60_000 + 2).text, 'Save sends 200 · 60 s left');
    const done = answered(held, 'echo', 'timeout');
    assert.deepEqual(draftBanner(done, undefined, now), { text: 'Already answered (200 echo by hold timeout): saving sends nothing', live: false });
    assert.equal(draftBanner(undefined, undefined, now).live, false);
  });
});

describe('located JSON: value ends and keys typed twice', () => {
  it('knows where each value ends', () => {
    const text = '{ "a": [1, {"b": "x y"}], "c": null }';
    const j = parseJsonLocated(text);
    const span = (path: (string | number)[]) => text.slice(j.positions.get(pathKey(path))!.offset, j.ends.get(pathKey(path)));
    assert.equal(span(['a']), '[1, {"b": "x y"}]');
    assert.equal(span(['a', 1, 'b']), '"x y"');
    assert.equal(span(['c']), 'null');
    assert.equal(span([]), text);
  });

  it('lists repeated keys per object, not across objects', () => {
    const text = '{"a": 1, "o": {"a": 2, "a": 3}, "a": 4}';
    const j = parseJsonLocated(text);
    assert.deepEqual(j.duplicates.map((d) => [d.path, text.slice(d.start, d.end)]), [[['o', 'a'], '"a"'], [['a'], '"a"']]);
    assert.deepEqual(j.value, JSON.parse(text), 'the value is what JSON.parse gives (the last one wins)');
  });
});
