/**
 * Stream flows: publishStream, playStream, unPublishStream, stopStream, snapshot, sendStreamEvent,
 * availableStream, StreamKeepAliveEvent (PROTOCOL.md §3.5–3.7, §6.4; WEBSDK-NOTES.md "Streams").
 *
 * Order per flow: the direct hook, then (if it goes ahead) `setRemoteSDP`, then the StreamStatusEvent
 * hook, then `notifyStreamStatusEvent`. The event goes to the backend before the client so that
 * restOverwrite/clientExclude of StreamStatusEvent apply to what the client sees (§4.3: "goes to the
 * backend, then to the client").
 */
import { isRecord, str, type EngineCore, type Session, type StreamState, dropEnvelope, withoutSdp } from './session';

/** Fields WCS adds to the stream object it reports; values as in the logged StreamStatusEvent (§3.5). */
function serverFields(published: boolean): Record<string, unknown> {
  return {
    mediaType: published ? 'publish' : 'play',
    createDate: Date.now(),
    audioState: { muted: false },
    videoState: { muted: false },
  };
}

/** StreamStatusEvent hook, then notifyStreamStatusEvent to the client. */
async function reportStatus(core: EngineCore, s: Session, st: StreamState, status: string, info: string | undefined, trigger: string): Promise<void> {
  st.obj = { ...st.obj, status };
  if (info !== undefined) st.obj.info = info;
  else delete st.obj.info;
  const r = await core.invoke(s, 'StreamStatusEvent', core.hookBody(s, st.obj));
  const view = core.clientView(s, [trigger, 'StreamStatusEvent'], dropEnvelope(r.body));
  core.send(s, 'notifyStreamStatusEvent', [view]);
}

function payloadOf(core: EngineCore, s: Session, data: readonly unknown[], message: string): Record<string, unknown> | undefined {
  const p = data[0];
  if (!isRecord(p)) {
    core.fail(s, `${message}: expected an object in data[0]`, 'ErrorEvent');
    return undefined;
  }
  return p;
}

/** A direct stream invocation refused under FAIL: the stream fails on the client with the reason (§6.7). */
async function refuse(core: EngineCore, s: Session, id: string, payload: Record<string, unknown>, info: string, published: boolean): Promise<void> {
  core.fail(s, info, 'StreamStatusEvent', id);
  // The backend also learns that the stream failed, as for any non-REST failure (§4.3).
  const obj = { ...withoutSdp(payload), ...serverFields(published), status: 'FAILED', info };
  await core.invoke(s, 'StreamStatusEvent', core.hookBody(s, obj));
}

/** A stream failing for a reason of WCS's own (name in use, no SDP answer ...): FAILED event to both sides. */
async function failNew(core: EngineCore, s: Session, id: string, obj: Record<string, unknown>, info: string, trigger: string, published: boolean): Promise<void> {
  const st: StreamState = { mediaSessionId: id, published, obj: { ...withoutSdp(obj), ...serverFields(published) } };
  await reportStatus(core, s, st, 'FAILED', info, trigger);
}

function liveStreams(core: EngineCore): StreamState[] {
  const out: StreamState[] = [];
  for (const other of core.allSessions()) for (const st of other.streams.values()) out.push(st);
  return out;
}

function sessionOf(core: EngineCore, st: StreamState): Session | undefined {
  for (const other of core.allSessions()) if (other.streams.get(st.mediaSessionId) === st) return other;
  return undefined;
}

/** `vod://` and `vod-live://` names play an MP4 from WCS's media directory (WCS docs, "Capturing VOD from a file"). */
const VOD_PREFIX = /^vod(-live)?:\/\//;

/**
 * Why a play cannot start, or undefined. A VOD file the mock was not told about is missing, and WCS documents
 * FAILED "File not found" for that. A live name nobody publishes plays by default (a test pattern with loopback
 * media; a choice: an app often plays before its publisher starts); `playUnpublished: 'fail'` makes it FAILED
 * "Stream not found" instead (an info text the SDK knows; that WCS sends it here is inferred).
 */
function missingSource(core: EngineCore, name: string): string | undefined {
  if (VOD_PREFIX.test(name)) return core.options.vodFiles.includes(name.replace(VOD_PREFIX, '')) ? undefined : 'File not found';
  if (core.options.playUnpublished !== 'fail') return undefined;
  return liveStreams(core).some((o) => o.published && o.obj.name === name && o.obj.status === 'PUBLISHING') ? undefined : 'Stream not found';
}

async function start(core: EngineCore, s: Session, data: readonly unknown[], published: boolean): Promise<void> {
  const method = published ? 'publishStream' : 'playStream';
  const p = payloadOf(core, s, data, method);
  if (!p) return;
  const id = str(p.mediaSessionId);
  if (!id) {
    core.fail(s, `${method}: mediaSessionId is missing`, 'ErrorEvent');
    return;
  }
  if (s.streams.has(id)) {
    core.fail(s, 'MediaSessionId is already in use', 'StreamStatusEvent', id);
    return;
  }
  const r = await core.invoke(s, method, core.hookBody(s, p));
  if (!r.proceeds) {
    await refuse(core, s, id, p, r.info ?? 'Forbidden', published);
    return;
  }
  // restOverwrite may have renamed the stream; everything after this uses the effective values.
  const eff: Record<string, unknown> = { ...dropEnvelope(r.body), mediaSessionId: id };
  const name = str(eff.name);
  if (published && name && liveStreams(core).some((o) => o.published && o.obj.name === name && o.obj.status === 'PUBLISHING')) {
    await failNew(core, s, id, eff, 'Stream name is already in use', method, published);
    return;
  }
  const missing = published || !name ? undefined : missingSource(core, name);
  if (missing) {
    core.decide(s, method, `${name}: ${missing}`);
    await failNew(core, s, id, eff, missing, method, published);
    return;
  }
  const offer = p.sdp;
  if (typeof offer === 'string' && offer.length > 0) {
    let answer: string;
    try {
      answer = await core.sdpAnswer(offer, published ? 'publish' : 'play', { id, sessionId: s.id, name });
    } catch (err) {
      core.warn(s, `${method}: no SDP answer for the client's offer: ${err instanceof Error ? err.message : String(err)}`);
      await failNew(core, s, id, eff, 'Failed by error', method, published);
      return;
    }
    core.send(s, 'setRemoteSDP', [id, answer]);
  } else {
    core.warn(s, `${method} without an SDP offer: no setRemoteSDP sent`);
  }
  const st: StreamState = { mediaSessionId: id, published, obj: { ...withoutSdp(eff), ...serverFields(published) } };
  s.streams.set(id, st);
  await reportStatus(core, s, st, published ? 'PUBLISHING' : 'PLAYING', undefined, method);
  core.startKeepAlive(s, st);
  core.streamChanged(s, st);
}

/** Ends a live stream: status event to both sides; a publisher's players are stopped too (inferred). */
export async function endStream(core: EngineCore, s: Session, st: StreamState, status: string, info: string | undefined, trigger: string, tellClient = true): Promise<void> {
  if (s.streams.get(st.mediaSessionId) !== st) return;
  s.streams.delete(st.mediaSessionId);
  core.media.release(st.mediaSessionId);
  if (st.keepAlive) {
    clearInterval(st.keepAlive);
    s.timers.delete(st.keepAlive);
  }
  if (tellClient) await reportStatus(core, s, st, status, info, trigger);
  else {
    st.obj = { ...st.obj, status, ...(info !== undefined ? { info } : {}) };
    await core.invoke(s, 'StreamStatusEvent', core.hookBody(s, st.obj));
  }
  core.streamChanged(s, st);
  if (st.published && typeof st.obj.name === 'string') stopPlayersOf(core, st.obj.name);
}

function stopPlayersOf(core: EngineCore, name: string): void {
  for (const other of core.allSessions()) {
    for (const pl of other.streams.values()) {
      if (pl.published || pl.obj.name !== name) continue;
      // Another session's queue: never awaited from here, or two sessions could wait on each other.
      void other.run(() => endStream(core, other, pl, 'STOPPED', 'Stopped by publisher stop', 'StreamStatusEvent'));
    }
  }
}

async function stop(core: EngineCore, s: Session, data: readonly unknown[], published: boolean): Promise<void> {
  const method = published ? 'unPublishStream' : 'stopStream';
  const p = payloadOf(core, s, data, method);
  if (!p) return;
  const id = str(p.mediaSessionId);
  const st = id ? s.streams.get(id) : undefined;
  if (!id || !st) {
    core.fail(s, 'Stream not found', 'StreamStatusEvent', id);
    return;
  }
  const r = await core.invoke(s, method, core.hookBody(s, p));
  if (!r.proceeds) {
    // Allowed but pointless (§2.1): WCS keeps the stream; the SDK marks its side FAILED with the reason.
    core.fail(s, r.info ?? 'Forbidden', 'StreamStatusEvent', id);
    return;
  }
  await endStream(core, s, st, published ? 'UNPUBLISHED' : 'STOPPED', undefined, method);
}

/** 1×1 transparent PNG: the snapshot of a live stream when the media plane has no pictures (synthetic). */
export const BLANK_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

async function snapshot(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const p = payloadOf(core, s, data, 'snapshot');
  if (!p) return;
  const id = str(p.mediaSessionId);
  const r = await core.invoke(s, 'snapshot', core.hookBody(s, p));
  // WCS takes the picture from the published stream of that name: none live, no snapshot. The info text is
  // inferred (the SDK only knows the event type).
  const name = str(p.name);
  const live = name !== undefined && liveStreams(core).some((o) => o.published && o.obj.name === name && o.obj.status === 'PUBLISHING');
  let picture: string | undefined;
  if (r.proceeds && live && name !== undefined) {
    try {
      picture = (await core.media.snapshot?.(name)) ?? BLANK_PNG;
    } catch (err) {
      core.warn(s, `snapshot of ${name}: ${err instanceof Error ? err.message : String(err)}; a blank picture is sent`);
      picture = BLANK_PNG;
    }
  }
  // The SDK reports snapshots as stream events (STREAM_EVENT_TYPE snapshotCompleted/snapshotFailed, §3.7).
  const event = picture !== undefined
    ? { mediaSessionId: id, type: 'snapshotCompleted', payload: { snapshot: picture } }
    : { mediaSessionId: id, type: 'snapshotFailed', payload: { info: r.proceeds ? 'Stream not found' : r.info } };
  core.send(s, 'notifyStreamEvent', [core.clientView(s, ['snapshot'], event)]);
}

const MUTE_TYPES: Readonly<Record<string, [keyof StreamState['obj'], boolean]>> = {
  audioMuted: ['audioState', true],
  audioUnmuted: ['audioState', false],
  videoMuted: ['videoState', true],
  videoUnmuted: ['videoState', false],
};

async function streamEvent(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const p = payloadOf(core, s, data, 'sendStreamEvent');
  if (!p) return;
  const id = str(p.mediaSessionId);
  const pub = id ? s.streams.get(id) : undefined;
  await core.invoke(s, 'sendStreamEvent', core.hookBody(s, p));
  if (!pub) {
    core.warn(s, `sendStreamEvent for unknown stream ${String(id)}: no subscribers to tell`);
    return;
  }
  const type = str(p.type);
  const mute = type ? MUTE_TYPES[type] : undefined;
  if (mute) pub.obj[mute[0]] = { muted: mute[1] };
  const name = pub.obj.name;
  for (const other of core.allSessions()) {
    for (const sub of other.streams.values()) {
      if (sub.published || sub.obj.name !== name) continue;
      // One StreamEvent per subscriber, carrying the subscriber's own mediaSessionId (§3.7).
      const event: Record<string, unknown> = { mediaSessionId: sub.mediaSessionId, type: p.type };
      if (p.payload !== undefined) event.payload = p.payload;
      void other.run(async () => {
        const r = await core.invoke(other, 'StreamEvent', core.hookBody(other, event));
        core.send(other, 'notifyStreamEvent', [core.clientView(other, ['StreamEvent'], dropEnvelope(r.body))]);
      });
    }
  }
}

async function available(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const p = payloadOf(core, s, data, 'availableStream');
  if (!p) return;
  const r = await core.invoke(s, 'availableStream', core.hookBody(s, p));
  const live = liveStreams(core).some((o) => o.published && o.obj.name === p.name && o.obj.status === 'PUBLISHING');
  const yes = r.proceeds && live;
  // The SDK compares status with the *string* "true" (§6.3).
  core.send(s, 'availableStream', [{ id: p.mediaSessionId, status: String(yes), info: yes ? 'Available' : r.proceeds ? 'Stream not found' : r.info }]);
}

/** One StreamKeepAliveEvent for a live stream; a refusal under FAIL ends it (§3.6). */
export async function keepAliveOnce(core: EngineCore, s: Session, st: StreamState): Promise<void> {
  if (s.streams.get(st.mediaSessionId) !== st || s.state !== 'established') return;
  const r = await core.invoke(s, 'StreamKeepAliveEvent', core.hookBody(s, st.obj));
  if (!r.proceeds) {
    core.decide(s, 'StreamKeepAliveEvent', `stream ${String(st.obj.name)} ends: keep-alive refused under restOnError FAIL`);
    await endStream(core, s, st, 'FAILED', 'Terminated by keep-alive', 'StreamKeepAliveEvent');
  }
}

export const STREAM_MESSAGES: Readonly<Record<string, (core: EngineCore, s: Session, data: readonly unknown[]) => Promise<void>>> = {
  publishStream: (core, s, d) => start(core, s, d, true),
  playStream: (core, s, d) => start(core, s, d, false),
  unPublishStream: (core, s, d) => stop(core, s, d, true),
  stopStream: (core, s, d) => stop(core, s, d, false),
  snapshot,
  sendStreamEvent: streamEvent,
  availableStream: available,
};

export { sessionOf as sessionOfStream };
