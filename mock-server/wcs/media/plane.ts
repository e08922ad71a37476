/**
 * The media side of the WCS mock. The engine speaks the WebSDK protocol; whatever answers the client's SDP
 * offers (and offers calls to it) is a MediaPlane. Two exist: `synthetic` (SDP text only, no media, works
 * anywhere) and `loopback` (real RTCPeerConnections inside the page, see loopback.ts).
 *
 * Browser-safe: no Node built-ins, no browser globals touched at import time.
 */
import { synthesizeAnswer, synthesizeOffer } from '../sdp';

export type MediaMode = 'loopback' | 'synthetic';

/** What a stream or call leg is for, from the mock's side. */
export type MediaLegKind = 'publish' | 'play' | 'call';

export interface MediaAnswerRequest {
  readonly kind: MediaLegKind;
  /** mediaSessionId for streams, callId for calls: the id the engine later releases. */
  readonly id: string;
  readonly sessionId: string;
  /** Stream name (publish/play) or the far end's name (calls): what a test pattern shows. */
  readonly name?: string;
  readonly offer: string;
}

export interface MediaOfferRequest {
  /** callId of a call placed to the client. */
  readonly id: string;
  readonly sessionId: string;
  readonly name?: string;
  readonly audio: boolean;
  readonly video: boolean;
}

export interface MediaPlane {
  readonly mode: MediaMode;
  /** The server's SDP answer to a client offer (publish, play, outgoing call). */
  answer(req: MediaAnswerRequest): Promise<string>;
  /** The server's SDP offer for a call placed to the client. */
  offer(req: MediaOfferRequest): Promise<string>;
  /** The client's SDP answer to `offer` (call.answer()). */
  accept(id: string, answerSdp: string): Promise<void>;
  /** A PNG (base64, no data: prefix) of a published stream's current picture, if the plane has pictures. */
  snapshot?(name: string): Promise<string | undefined>;
  /** A stream or call ended: close its connection and tracks. Unknown ids are ignored. */
  release(id: string): void;
  /** A session ended: everything it still holds goes. */
  releaseSession(sessionId: string): void;
  /** Connections still open, for leak checks. */
  openConnections(): number;
  close(): void;
}

export interface SyntheticMediaOptions {
  /** Replaces the synthetic answer (e.g. to hand the client a broken one). */
  sdpAnswer?: (offerSdp: string, kind: MediaLegKind) => string | Promise<string>;
  /** Replaces the synthetic offer of calls placed to the client. */
  sdpOffer?: (media: { audio: boolean; video: boolean }) => string | Promise<string>;
}

/**
 * SDP only: the client's connection gets an answer it accepts, with one ICE candidate nobody answers, so
 * Chromium's ICE goes checking → failed as against an unreachable media server. Nothing is held, so there is
 * nothing to release.
 */
export class SyntheticMedia implements MediaPlane {
  readonly mode = 'synthetic' as const;

  constructor(private readonly opts: SyntheticMediaOptions = {}) {}

  async answer(req: MediaAnswerRequest): Promise<string> {
    return this.opts.sdpAnswer ? this.opts.sdpAnswer(req.offer, req.kind) : synthesizeAnswer(req.offer);
  }

  async offer(req: MediaOfferRequest): Promise<string> {
    const media = { audio: req.audio, video: req.video };
    return this.opts.sdpOffer ? this.opts.sdpOffer(media) : synthesizeOffer(media);
  }

  async accept(): Promise<void> {}

  release(): void {}

  releaseSession(): void {}

  openConnections(): number {
    return 0;
  }

  close(): void {}
}

/**
 * The plane an engine uses: `media` if given, else synthetic. The engine's own `sdpAnswer`/`sdpOffer` options
 * keep priority over any plane for the direction they cover, so existing setups behave as before.
 */
export function resolveMediaPlane(opts: { media?: MediaPlane } & SyntheticMediaOptions): MediaPlane {
  const plane: MediaPlane = opts.media ?? new SyntheticMedia(opts);
  if (!opts.media || (!opts.sdpAnswer && !opts.sdpOffer)) return plane;
  const { sdpAnswer, sdpOffer } = opts;
  return {
    mode: plane.mode,
    answer: (req) => (sdpAnswer ? Promise.resolve(sdpAnswer(req.offer, req.kind)) : plane.answer(req)),
    offer: (req) => (sdpOffer ? Promise.resolve(sdpOffer({ audio: req.audio, video: req.video })) : plane.offer(req)),
    accept: (id, sdp) => plane.accept(id, sdp),
    snapshot: plane.snapshot?.bind(plane),
    release: (id) => plane.release(id),
    releaseSession: (sessionId) => plane.releaseSession(sessionId),
    openConnections: () => plane.openConnections(),
    close: () => plane.close(),
  };
}
