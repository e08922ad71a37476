/**
 * Loopback media: the mock's side of every WebRTC leg is a real RTCPeerConnection in the same page, so ICE
 * and DTLS complete over loopback inside the browser and media flows (WEBSDK-NOTES.md "SDP answers").
 *
 * - publish: the mock's connection receives the client's tracks and keeps them as the stream's media;
 * - play: the mock sends the publisher's tracks when the name is published here, else a test pattern;
 * - calls: the far end sends a test pattern (audio, plus video when the call has video) and receives the
 *   caller's media.
 *
 * The SDK offers without candidates and never trickles, so each SDP the mock hands out waits for ICE
 * gathering to finish and carries the mock's candidates. Chromium on a host with loopback only needs
 * `--allow-loopback-in-peer-connection` to gather any.
 */
import type { MediaAnswerRequest, MediaOfferRequest, MediaPlane } from './plane';
import { testPattern, type TestPattern } from './pattern';

export interface LoopbackMediaOptions {
  /** How long to wait for ICE gathering before answering with what was gathered; default 5000 ms. */
  gatherTimeoutMs?: number;
  /** Configuration of the mock's connections; default none (host candidates only, no STUN/TURN). */
  rtcConfiguration?: RTCConfiguration;
}

interface Leg {
  readonly id: string;
  readonly sessionId: string;
  readonly kind: MediaAnswerRequest['kind'];
  readonly name?: string;
  readonly pc: RTCPeerConnection;
  pattern?: TestPattern;
  closed: boolean;
}

/** Whether this JavaScript realm can host loopback media. */
export function loopbackAvailable(): boolean {
  const g = globalThis as { RTCPeerConnection?: unknown; document?: unknown };
  return typeof g.RTCPeerConnection === 'function' && typeof g.document === 'object';
}

function waitForGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    // On a timeout the SDP goes out with the candidates gathered so far: better than none.
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function offersVideo(sdp: string): boolean {
  return /^m=video [1-9]/m.test(sdp);
}

export class LoopbackMedia implements MediaPlane {
  readonly mode = 'loopback' as const;
  private readonly legs = new Map<string, Leg>();
  /** Stream name → the publishing leg's id; its received tracks are what players of the name get. */
  private readonly publishers = new Map<string, string>();
  private readonly gatherTimeoutMs: number;

  constructor(private readonly opts: LoopbackMediaOptions = {}) {
    if (!loopbackAvailable()) throw new Error('loopback media needs a page with RTCPeerConnection; use media: "synthetic" here');
    const t = opts.gatherTimeoutMs ?? 5000;
    if (!Number.isFinite(t) || t <= 0) throw new RangeError(`gatherTimeoutMs must be > 0, got ${String(t)}`);
    this.gatherTimeoutMs = t;
  }

  async answer(req: MediaAnswerRequest): Promise<string> {
    const leg = this.open(req.id, req.sessionId, req.kind, req.name);
    try {
      await leg.pc.setRemoteDescription({ type: 'offer', sdp: req.offer });
      if (req.kind === 'publish') this.receive(leg);
      else await this.send(leg, req.kind === 'call' ? 'sendrecv' : 'sendonly', offersVideo(req.offer));
      await leg.pc.setLocalDescription(await leg.pc.createAnswer());
      return await this.finish(leg);
    } catch (err) {
      this.release(req.id);
      throw err;
    }
  }

  async offer(req: MediaOfferRequest): Promise<string> {
    const leg = this.open(req.id, req.sessionId, 'call', req.name);
    try {
      const pattern = (leg.pattern = testPattern(req.name ?? 'caller', { audio: req.audio, video: req.video }));
      for (const track of pattern.stream.getTracks()) leg.pc.addTransceiver(track, { direction: 'sendrecv', streams: [pattern.stream] });
      await leg.pc.setLocalDescription(await leg.pc.createOffer());
      return await this.finish(leg);
    } catch (err) {
      this.release(req.id);
      throw err;
    }
  }

  async accept(id: string, answerSdp: string): Promise<void> {
    const leg = this.legs.get(id);
    if (!leg || leg.closed) throw new Error(`no open media leg ${id} to apply the client's answer to`);
    await leg.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  async snapshot(name: string): Promise<string | undefined> {
    const id = this.publishers.get(name);
    const leg = id !== undefined ? this.legs.get(id) : undefined;
    const track = leg?.pc.getReceivers().find((r) => r.track.kind === 'video')?.track;
    if (!track || track.readyState !== 'live') return undefined;
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = new MediaStream([track]);
    try {
      await video.play();
      // The first frame may take a moment over a fresh connection; a blank picture is no snapshot.
      for (let i = 0; i < 100 && video.videoWidth === 0; i++) await new Promise((r) => setTimeout(r, 100));
      if (video.videoWidth === 0) return undefined;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d')?.drawImage(video, 0, 0);
      return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
    } finally {
      video.pause();
      video.srcObject = null;
    }
  }

  release(id: string): void {
    const leg = this.legs.get(id);
    if (!leg) return;
    this.legs.delete(id);
    leg.closed = true;
    if (leg.name !== undefined && this.publishers.get(leg.name) === id) this.publishers.delete(leg.name);
    leg.pattern?.stop();
    // Tracks received from the client end with the connection; tracks we relay belong to their publisher.
    leg.pc.close();
  }

  releaseSession(sessionId: string): void {
    for (const leg of [...this.legs.values()]) if (leg.sessionId === sessionId) this.release(leg.id);
  }

  openConnections(): number {
    return this.legs.size;
  }

  close(): void {
    for (const id of [...this.legs.keys()]) this.release(id);
  }

  private open(id: string, sessionId: string, kind: Leg['kind'], name: string | undefined): Leg {
    // A renegotiation or a reused id replaces the old leg rather than leaking it.
    this.release(id);
    const leg: Leg = { id, sessionId, kind, name, pc: new RTCPeerConnection(this.opts.rtcConfiguration ?? {}), closed: false };
    this.legs.set(id, leg);
    return leg;
  }

  /** Publish: keep the client's tracks; the transceivers stay receive-only. */
  private receive(leg: Leg): void {
    for (const t of leg.pc.getTransceivers()) t.direction = 'recvonly';
    if (leg.name !== undefined) this.publishers.set(leg.name, leg.id);
  }

  /** Play and calls: put a source track on each offered m-line of its kind. */
  private async send(leg: Leg, direction: RTCRtpTransceiverDirection, video: boolean): Promise<void> {
    const source = this.sourceFor(leg, video);
    for (const t of leg.pc.getTransceivers()) {
      const track = source.getTracks().find((tr) => tr.kind === t.receiver.track.kind);
      t.direction = track ? direction : direction === 'sendrecv' ? 'recvonly' : 'inactive';
      if (!track) continue;
      await t.sender.replaceTrack(track);
      // The SDK shows event.streams[0]: without an msid there is no stream to show.
      t.sender.setStreams(source);
    }
  }

  private sourceFor(leg: Leg, video: boolean): MediaStream {
    const pubId = leg.kind === 'play' && leg.name !== undefined ? this.publishers.get(leg.name) : undefined;
    const pub = pubId !== undefined ? this.legs.get(pubId) : undefined;
    if (pub && !pub.closed) return new MediaStream(pub.pc.getReceivers().map((r) => r.track));
    leg.pattern = testPattern(leg.name ?? (leg.kind === 'call' ? 'far end' : 'stream'), { audio: true, video });
    return leg.pattern.stream;
  }

  private async finish(leg: Leg): Promise<string> {
    await waitForGathering(leg.pc, this.gatherTimeoutMs);
    if (leg.closed) throw new Error(`media leg ${leg.id} was released while it was being set up`);
    const sdp = leg.pc.localDescription?.sdp;
    if (!sdp) throw new Error(`media leg ${leg.id}: no local description`);
    return sdp;
  }
}
