import assert from 'node:assert/strict';
import { ExchangeArena, SLOT_BYTES } from '../../../mock-server/hooks/arena';
import { ExchangeRecord } from '../../../mock-server/hooks/exchange';
import { Journal, journalLine } from '../../../mock-server/hooks/journal';

const T0 = Date.now();

function settled(seq: number, body = `{"sessionId":"s${seq}","name":"cam"}`, how: 'echo' | 'reason' | 'aborted' | 'pending' = 'echo'): ExchangeRecord {
  const rec = new ExchangeRecord({
    seq,
    receivedAt: T0 + seq,
    method: seq % 3 === 0 ? 'NotInTheCatalog' : 'StreamKeepAliveEvent',
    url: `/EchoApp/${seq % 3 === 0 ? 'NotInTheCatalog' : 'StreamKeepAliveEvent'}?q=\u00e9`,
    rawHeaders: ['Host', '127.0.0.1:9091', 'Content-Type', 'application/json', 'X-Dup', 'a', 'x-dup', 'b'],
    remoteAddress: seq % 2 === 0 ? '127.0.0.1' : undefined,
    raw: Buffer.from(body),
  });
  if (how === 'echo') {
    rec.recordAnswer({ status: 200, spec: 'echo', by: 'rule', ruleIndex: seq % 2 === 0 ? 1 : undefined, body: undefined, bytes: Buffer.byteLength(body), json: true, closeConnection: false, at: T0 + seq + 2 });
  } else if (how === 'reason') {
    const text = '{"status":403,"reason":"busy"}';
    rec.holdDeadline = T0 + seq + 12_000;
    rec.recordAnswer({ status: 403, spec: { status: 403, reason: 'busy' }, by: 'developer', body: text, bytes: text.length, json: true, closeConnection: true, at: T0 + seq + 40 });
  } else if (how === 'aborted') {
    rec.state = 'aborted';
    rec.latencyMs = 7;
  }
  return rec;
}

const json = (ex: unknown) => JSON.parse(JSON.stringify(ex)) as unknown;

describe('exchange arena', () => {
  it('rebuilds records whose JSON and JSONL line equal the originals', () => {
    const arena = new ExchangeArena(8);
    const originals = [settled(1), settled(2), settled(3, '{"x":1}', 'reason'), settled(4, '{"y":2}', 'aborted'), settled(5, 'not json')];
    originals.forEach((rec, slot) => assert.ok(arena.put(slot, rec)));
    originals.forEach((rec, slot) => {
      const back = arena.get(slot);
      assert.deepEqual(json(back), json(rec));
      assert.equal(journalLine(back), journalLine(rec));
      assert.deepEqual(back.rawBytes, rec.rawBytes);
    });
  });

  it('refuses what does not fit a slot, and a record still pending', () => {
    const arena = new ExchangeArena(2);
    assert.equal(arena.put(0, settled(1, `{"big":"${'x'.repeat(SLOT_BYTES)}"}`)), false);
    assert.equal(arena.put(0, settled(2, '{}', 'pending')), false);
    assert.equal(arena.put(1, settled(3)), true);
  });

  it('a rebuilt record does not change when its slot is reused', () => {
    const arena = new ExchangeArena(1);
    arena.put(0, settled(1));
    const first = arena.get(0);
    const before = json(first);
    arena.put(0, settled(2, '{"other":true}'));
    assert.deepEqual(json(first), before);
    assert.equal(arena.get(0).id, '2');
  });
});

describe('journal with settled records in the arena', () => {
  it('keeps order, ids and equality across wrap-around, mixing arena slots, fallbacks and pending objects', () => {
    const j = new Journal(4);
    const all: ExchangeRecord[] = [];
    for (let seq = 1; seq <= 11; seq++) {
      const big = seq % 4 === 0;
      const rec = settled(seq, big ? `{"big":"${'y'.repeat(SLOT_BYTES)}"}` : undefined, seq === 11 ? 'pending' : seq === 9 ? 'reason' : 'echo');
      j.add(rec);
      if (seq !== 11) j.settled(rec);
      all.push(rec);
    }
    assert.equal(j.size, 4);
    assert.equal(j.dropped, 7);
    const kept = all.slice(-4);
    assert.deepEqual(j.all().map(json), kept.map(json));
    // the pending one and the oversize one stay the very objects; the rest are rebuilt
    assert.equal(j.get('11'), kept[3]);
    assert.equal(j.get('8'), kept[0]);
    assert.notEqual(j.get('9'), kept[1]);
    assert.deepEqual(json(j.get('9')), json(kept[1]));
    assert.equal(j.get('7'), undefined);
    assert.equal(j.get('12'), undefined);
    j.clear();
    assert.equal(j.size, 0);
    assert.deepEqual(j.all(), []);
  });
});
