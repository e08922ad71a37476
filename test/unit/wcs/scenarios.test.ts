import { strict as assert } from 'node:assert';
import { SCENARIOS, runScenario } from '../../../mock-server/wcs/scenarios';
import { forbid, recordingBackend } from './support';

describe('wcs scenarios (what trigger runs)', () => {
  it('outgoing-call produces the §5.2 capture sequence between connect and disconnect', async () => {
    const rec = recordingBackend();
    const r = await runScenario('outgoing-call', { backend: rec.backend });
    assert.equal(r.completed, 1);
    assert.deepEqual(rec.sequence(), [
      'connect', 'ConnectionStatusEvent ESTABLISHED', 'RegistrationStatusEvent REGISTERED',
      'call', 'CallStatusEvent TRYING', 'CallStatusEvent RING', 'CallStatusEvent ESTABLISHED', 'hangup', 'CallStatusEvent FINISH',
      'ConnectionStatusEvent DISCONNECTED',
    ]);
    assert.deepEqual(r.transcripts[0]!.sdkEvents.map((e) => e.replace(/call \w+ /, 'call ')), [
      'session ESTABLISHED', 'session REGISTERED', 'call TRYING', 'call RING', 'call ESTABLISHED', 'call FINISH: Normal call clearing', 'session DISCONNECTED',
    ]);
    assert.equal(r.hooks, 10);
  });

  it('messaging produces the §5.3 capture sequence: sendMessage, MessageStatusEvent, OnMessageEvent, MessageStatusEvent', async () => {
    const rec = recordingBackend();
    await runScenario('messaging', { backend: rec.backend });
    const seq = rec.hooks.map((h) => h.method).filter((m) => /Message/.test(m));
    assert.deepEqual(seq, ['sendMessage', 'MessageStatusEvent', 'OnMessageEvent', 'MessageStatusEvent']);
    const [out, , inbound] = rec.hooks.filter((h) => /Message/.test(h.method));
    assert.equal(out!.body.from, '1001');
    assert.equal(inbound!.body.to, '1001');
    assert.equal(inbound!.body.sessionId, out!.body.sessionId);
  });

  it('room runs two roomApp participants: joins, a publish played by the other, messages both ways, leaves', async () => {
    const rec = recordingBackend();
    const r = await runScenario('room', { backend: rec.backend });
    assert.equal(r.completed, 1, JSON.stringify(r.transcripts[0]?.error));
    assert.deepEqual(r.errors, []);
    const commands = rec.of('OnDataEvent').map((h) => `${String((h.body.custom as { login?: string } | undefined)?.login ?? '')}${(h.body.payload as { command: string }).command}`);
    assert.deepEqual(rec.of('OnDataEvent').map((h) => (h.body.payload as { command: string }).command).sort(), ['join', 'join', 'leave', 'leave', 'sendMessage', 'sendMessage'], commands.join(', '));
    assert.ok(rec.hooks.every((h) => h.body.appKey === 'roomApp'));
    assert.deepEqual(rec.of('DataStatusEvent').map((h) => h.body.status), Array(6).fill('ACCEPTED'));
    assert.equal(rec.of('publishStream').length, 1);
    assert.equal(rec.of('playStream').length, 1);
    assert.equal(rec.of('ConnectionStatusEvent').filter((h) => h.body.status === 'DISCONNECTED').length, 2);
  });

  it('room stops where the Room API would when the backend declines a join under FAIL', async () => {
    const rec = recordingBackend((m, b) => {
      if (m === 'connect') return { status: 200, body: { ...b, restClientConfig: { OnDataEvent: { restOnError: 'FAIL' } } } };
      return m === 'OnDataEvent' ? forbid('Room closed') : undefined;
    });
    const r = await runScenario('room', { backend: rec.backend });
    assert.equal(r.completed, 1);
    assert.deepEqual(r.stopped, ['alice join: FAILED (Room closed)']);
  });

  const expected: Record<string, string[]> = {
    connect: ['connect', 'ConnectionStatusEvent ESTABLISHED', 'ConnectionStatusEvent DISCONNECTED'],
    'incoming-call': ['OnCallEvent', 'CallStatusEvent RING', 'answer', 'CallStatusEvent ESTABLISHED', 'hangup', 'CallStatusEvent FINISH'],
    publish: ['publishStream', 'StreamStatusEvent PUBLISHING', 'unPublishStream', 'StreamStatusEvent UNPUBLISHED'],
    play: ['playStream', 'StreamStatusEvent PLAYING', 'sendStreamEvent', 'StreamEvent', 'stopStream', 'StreamStatusEvent STOPPED'],
    data: ['OnDataEvent', 'DataStatusEvent ACCEPTED'],
    'keep-alive': ['StreamStatusEvent PUBLISHING', 'StreamKeepAliveEvent PUBLISHING', 'StreamKeepAliveEvent PUBLISHING', 'unPublishStream'],
  };
  for (const [name, part] of Object.entries(expected)) {
    it(`${name} contains ${part.join(', ')}`, async () => {
      const rec = recordingBackend();
      const r = await runScenario(name, { backend: rec.backend });
      assert.equal(r.completed, 1, JSON.stringify(r.transcripts[0]?.error));
      const seq = rec.sequence();
      const at = seq.indexOf(part[0]!);
      assert.ok(at >= 0, seq.join(', '));
      assert.deepEqual(seq.slice(at, at + part.length), part, seq.join(', '));
      assert.deepEqual(r.errors, []);
    });
  }

  it('every scenario runs to completion against an echo backend', async () => {
    for (const name of SCENARIOS) {
      const r = await runScenario(name, { backend: recordingBackend().backend });
      assert.equal(r.completed, 1, `${name}: ${r.transcripts[0]?.error}`);
    }
  });

  it('a declining backend stops the scenario where the client would stop, without calling it an error', async () => {
    const rec = recordingBackend((m) => (m === 'connect' ? forbid('Go away') : undefined));
    const r = await runScenario('publish', { backend: rec.backend });
    assert.equal(r.refused, 1);
    assert.equal(r.completed, 0);
    assert.deepEqual(r.errors, []);
    assert.match(r.transcripts[0]!.error!, /connect refused: Go away/);
    const many = await runScenario('publish', { backend: rec.backend, sessions: 3, concurrency: 3, transcripts: false });
    assert.deepEqual(many.stopped, ['connect refused: Go away (×3)']);
    assert.deepEqual(many.errors, []);
  });

  it('load: N sessions, C at once, counted', async () => {
    let maxInFlight = 0;
    let inFlight = 0;
    const rec = recordingBackend(async (m) => {
      if (m === 'connect') {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      }
      return undefined;
    });
    const r = await runScenario('publish', { backend: rec.backend, sessions: 30, concurrency: 6 });
    assert.equal(r.sessions, 30);
    assert.equal(r.completed, 30);
    assert.equal(r.hooks, 30 * 7);
    assert.equal(rec.hooks.length, 30 * 7);
    assert.ok(maxInFlight > 1 && maxInFlight <= 6, `in flight at most ${maxInFlight}`);
    assert.deepEqual(r.transcripts, [], 'no transcripts kept for load runs');
    assert.ok(r.durationMs > 0);
  });

  it('an unreachable backend is reported as such', async () => {
    const r = await runScenario('connect', { backend: { url: 'http://127.0.0.1:9/app' } });
    assert.equal(r.unreachable, true);
    assert.match(r.errors[0]!, /^connect: cannot reach http:\/\/127\.0\.0\.1:9\/app\/connect/);
  });

  it('rejects unknown scenarios and bad counts', async () => {
    await assert.rejects(runScenario('nope', { backend: recordingBackend().backend }), /unknown scenario 'nope'/);
    await assert.rejects(runScenario('connect', { backend: recordingBackend().backend, sessions: 0 }), /sessions must be an integer/);
  });
});
