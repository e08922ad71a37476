import { strict as assert } from 'node:assert';
import type { WcsEngine } from '../../../mock-server/wcs/engine';
import { RoomClient } from '../../../mock-server/wcs/roomClient';
import { closeEngines, connectAnswer, forbid, makeEngine, recordingBackend } from './support';

async function member(engine: WcsEngine, login: string, room?: string): Promise<RoomClient> {
  const c = new RoomClient(engine, login);
  await c.connect();
  if (room !== undefined) assert.equal((await c.join(room)).status, 'ACCEPTED');
  return c;
}

/** Every client saw only frames the real SDK can take. */
function assertClean(...clients: RoomClient[]): void {
  for (const c of clients) assert.deepEqual(c.problems, [], `${c.login}: ${c.problems.join('; ')}`);
}

describe('wcs engine: roomApp', () => {
  afterEach(closeEngines);

  it('join: ACCEPTED then STATE to the joiner, JOINED to the others only', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const alice = await member(engine, 'alice', 'room1');
    await alice.waitForEvent((e) => e.name === 'STATE', 'STATE');
    assert.deepEqual(alice.eventList(), ['STATE []']);
    const bob = await member(engine, 'bob', 'room1');
    await alice.waitForEvent((e) => e.name === 'JOINED', 'JOINED');
    assert.deepEqual(bob.eventList(), ['STATE ["alice"]']);
    assert.deepEqual(alice.eventList(), ['STATE []', 'JOINED "bob"']);
    // ACCEPTED comes first, then STATE (ROOMS.md §10).
    const frames = bob.client.frames.map((f) => f.message).filter((m) => m === 'DataStatusEvent' || m === 'OnDataEvent');
    assert.deepEqual(frames, ['DataStatusEvent', 'OnDataEvent']);
    assert.deepEqual(engine.rooms(), [{ name: 'room1', participants: [{ login: 'alice', sessionId: alice.client.sessionId, streams: [] }, { login: 'bob', sessionId: bob.client.sessionId, streams: [] }] }]);
    const info = engine.sessions().find((s) => s.sessionId === bob.client.sessionId)!;
    assert.deepEqual(info.room, { login: 'bob', rooms: ['room1'] });
    assertClean(alice, bob);
  });

  it('publish: the others get PUBLISHED and can play it; a later joiner finds the stream in STATE', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob', 'room1');
    const pub = await alice.publish('room1', 'ab12');
    assert.equal(pub.status, 'PUBLISHING');
    const published = await bob.waitForEvent((e) => e.name === 'PUBLISHED', 'PUBLISHED');
    assert.deepEqual(published.info, { login: 'alice', name: 'room1-alice-ab12' });
    assert.deepEqual(bob.participants('room1'), { alice: ['room1-alice-ab12'] });
    assert.equal((await bob.play('room1', 'room1-alice-ab12')).status, 'PLAYING');
    const carol = await member(engine, 'carol', 'room1');
    await carol.waitForEvent((e) => e.name === 'STATE', 'STATE');
    assert.deepEqual(carol.eventList(), ['STATE [{"login":"alice","name":"room1-alice-ab12"},"bob"]']);
    await engine.idle();
    assert.ok(!alice.eventList().some((e) => e.startsWith('PUBLISHED')), 'no PUBLISHED about oneself');
    assertClean(alice, bob, carol);
  });

  it('a stream published before the join is announced when the join is accepted', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const bob = await member(engine, 'bob', 'room1');
    const alice = await member(engine, 'alice');
    await alice.publish('room1', 'cd34');
    await engine.idle();
    assert.deepEqual(bob.eventList(), ['STATE []']);
    await alice.join('room1');
    await bob.waitForEvent((e) => e.name === 'PUBLISHED', 'PUBLISHED');
    assert.deepEqual(bob.eventList(), ['STATE []', 'JOINED "alice"', 'PUBLISHED {"login":"alice","name":"room1-alice-cd34"}']);
    assertClean(alice, bob);
  });

  it('a join is invisible until its ACCEPTED is out: a stream published meanwhile reaches the joiner after its STATE', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let bobWaiting!: () => void;
    const bobHeld = new Promise<void>((r) => (bobWaiting = r));
    const rec = recordingBackend(async (m, b) => {
      if (m === 'DataStatusEvent' && String(b.sessionId) === bobId) {
        bobWaiting();
        await held;
      }
      return undefined;
    });
    const engine = makeEngine({ backend: rec.backend });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob');
    const bobId = bob.client.sessionId;
    const joined = bob.join('room1');
    await bobHeld;
    await alice.publish('room1', 'bb22');
    release();
    assert.equal((await joined).status, 'ACCEPTED');
    await bob.waitForEvent((e) => e.name === 'STATE', 'STATE');
    await engine.idle();
    assert.deepEqual(bob.eventList(), ['STATE [{"login":"alice","name":"room1-alice-bb22"}]']);
    assert.deepEqual(alice.eventList(), ['STATE []', 'JOINED "bob"']);
    assertClean(alice, bob);
  });

  it('messages go to the addressee only, both ways', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob', 'room1');
    const carol = await member(engine, 'carol', 'room1');
    assert.equal((await bob.message('room1', 'alice', 'hi alice')).status, 'ACCEPTED');
    assert.equal((await alice.message('room1', 'bob', 'hi bob')).status, 'ACCEPTED');
    await alice.waitForEvent((e) => e.name === 'MESSAGE', 'MESSAGE');
    await bob.waitForEvent((e) => e.name === 'MESSAGE', 'MESSAGE');
    await engine.idle();
    assert.deepEqual(alice.eventList().filter((e) => e.startsWith('MESSAGE')), ['MESSAGE {"from":"bob","text":"hi alice"}']);
    assert.deepEqual(bob.eventList().filter((e) => e.startsWith('MESSAGE')), ['MESSAGE {"from":"alice","text":"hi bob"}']);
    assert.deepEqual(carol.eventList().filter((e) => e.startsWith('MESSAGE')), []);
    assertClean(alice, bob, carol);
  });

  it('leave: UNPUBLISHED for the leaver\'s streams, then LEFT, to the others; the room goes when empty', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob', 'room1');
    await bob.publish('room1', 'ef56');
    await alice.waitForEvent((e) => e.name === 'PUBLISHED', 'PUBLISHED');
    assert.equal((await bob.leave('room1')).status, 'ACCEPTED');
    await alice.waitForEvent((e) => e.name === 'LEFT', 'LEFT');
    assert.deepEqual(alice.eventList().slice(-2), ['UNPUBLISHED {"login":"bob","name":"room1-bob-ef56"}', 'LEFT "bob"']);
    assert.ok(!bob.eventList().some((e) => e.startsWith('LEFT')), 'no LEFT about oneself');
    assert.deepEqual(alice.participants('room1'), {});
    // The SDK then unpublishes; the room has forgotten the stream, so nobody hears of it again.
    await bob.client.stopStream(bob.client.frames.map((f) => f.data[0] as { mediaSessionId?: string; status?: string }).find((o) => o?.status === 'PUBLISHING')!.mediaSessionId!, true);
    await alice.leave('room1');
    await engine.idle();
    assert.deepEqual(engine.rooms(), []);
    assertClean(alice, bob);
  });

  it('a participant that disconnects without leave: the others get UNPUBLISHED then LEFT, and its players STOPPED', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob', 'room1');
    await alice.publish('room1', 'aa11');
    await bob.waitForEvent((e) => e.name === 'PUBLISHED', 'PUBLISHED');
    const play = await bob.play('room1', 'room1-alice-aa11');
    const stopped = bob.client.waitFor((f) => f.message === 'notifyStreamStatusEvent' && (f.data[0] as { mediaSessionId?: string }).mediaSessionId === play.id && (f.data[0] as { status?: string }).status === 'STOPPED', 'player STOPPED');
    alice.client.disconnect();
    await bob.waitForEvent((e) => e.name === 'LEFT', 'LEFT');
    await stopped;
    assert.deepEqual(bob.eventList().slice(-2), ['UNPUBLISHED {"login":"alice","name":"room1-alice-aa11"}', 'LEFT "alice"']);
    await engine.idle();
    assert.deepEqual(engine.rooms().map((r) => r.participants.map((p) => p.login)), [['bob']]);
    assertClean(alice, bob);
  });

  it('errors come back as DataStatusEvent FAILED with a clear info, and change nothing', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend, maxRoomParticipants: 2 });
    const alice = await member(engine, 'alice', 'room1');
    const bob = await member(engine, 'bob', 'room1');
    const failed = async (p: Promise<{ status: string; info?: string }>, info: RegExp) => {
      const r = await p;
      assert.equal(r.status, 'FAILED');
      assert.match(r.info ?? '', info);
    };
    await failed(alice.join('room1'), /^join refused: alice is already in room room1$/);
    await failed(alice.message('room1', 'nobody', 'x'), /^sendMessage refused: no participant nobody in room room1$/);
    await failed(alice.message('room2', 'bob', 'x'), /^sendMessage refused: alice is not in room room2$/);
    await failed(alice.leave('room2'), /^leave refused: alice is not in room room2$/);
    await failed(alice.client.sendData({ command: 'dance' }), /unknown command "dance"/);
    const carol = await member(engine, 'carol');
    await failed(carol.join('room1'), /^join refused: room room1 is full \(2 participants\)$/);
    const twin = await member(engine, 'bob');
    await failed(twin.join('room1'), /^join refused: bob is already in room room1$/);
    const anon = new RoomClient(engine, '');
    await anon.client.connect({ appKey: 'roomApp', custom: {} });
    await failed(anon.join('room1'), /no custom\.login/);
    await engine.idle();
    assert.deepEqual(engine.rooms()[0]!.participants.map((p) => p.login), ['alice', 'bob']);
    assert.deepEqual(alice.eventList(), ['STATE []', 'JOINED "bob"']);
    assertClean(alice, bob, carol, twin);
  });

  it('room commands reach the backend as OnDataEvent / DataStatusEvent hooks', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    await member(engine, 'alice', 'room1');
    await engine.idle();
    assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED', 'OnDataEvent', 'DataStatusEvent ACCEPTED']);
    const data = rec.of('OnDataEvent')[0]!.body;
    assert.equal(data.appKey, 'roomApp');
    assert.deepEqual(data.payload, { command: 'join', options: { name: 'room1' } });
  });

  it('a backend declining the join under restOnError FAIL stops it; under LOG the join goes ahead', async () => {
    const rec = recordingBackend((m, b) => {
      const custom = (b.custom ?? {}) as { login?: string };
      if (m === 'connect') return connectAnswer(b, custom.login === 'mallory' ? { OnDataEvent: { restOnError: 'FAIL' } } : {});
      if (m === 'OnDataEvent') return forbid('Not on the guest list');
      return undefined;
    });
    const engine = makeEngine({ backend: rec.backend });
    const alice = await member(engine, 'alice');
    assert.equal((await alice.join('room1')).status, 'ACCEPTED', 'LOG: the decline is only logged');
    const mallory = await member(engine, 'mallory');
    const r = await mallory.join('room1');
    assert.equal(r.status, 'FAILED');
    assert.equal(r.info, 'Not on the guest list');
    await engine.idle();
    assert.deepEqual(engine.rooms()[0]!.participants.map((p) => p.login), ['alice']);
    assert.deepEqual(alice.eventList(), ['STATE []']);
    assertClean(alice, mallory);
  });

  it('roomApp behaviour follows the app setting, not the appKey name', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend, apps: { confApp: { builtIn: 'room' }, roomApp: {} } });
    const a = new RoomClient(engine, 'alice');
    await a.connect('confApp');
    await a.join('r');
    await a.waitForEvent((e) => e.name === 'STATE', 'STATE');
    const plain = new RoomClient(engine, 'bob');
    await plain.connect('roomApp');
    assert.equal((await plain.join('r')).status, 'ACCEPTED');
    await engine.idle();
    assert.deepEqual(plain.events, [], 'a roomApp configured as a plain app sends no room frames');
  });
});
