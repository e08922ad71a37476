/**
 * Synthetic SDP for the WCS mock. No media server stands behind the mock, yet the WebSDK only reports
 * PUBLISHING/PLAYING/ESTABLISHED meaningfully if Chromium accepts the SDP we hand it, so these texts are
 * built to pass Chromium's setRemoteDescription checks (transport attributes per m-line, answerer DTLS role,
 * rtcp-mux under BUNDLE, codecs taken only from the offer). Media never flows: ICE points at a loopback
 * port nothing answers on, and the WebSDK ignores ICE state.
 *
 * Browser-safe on purpose: the browser bundle includes this module, so no Node built-ins.
 */
import { randomBytes, randomString } from './random';

export type SdpDirection = 'sendrecv' | 'recvonly' | 'sendonly' | 'inactive';

export interface AnswerOptions {
  /**
   * What the mock side is willing to do. The answer's direction is the offer's direction mirrored and then
   * narrowed by this (RFC 3264 §6.1): an offer `sendrecv` answered with `recvonly` here gives `recvonly`.
   * Default `sendrecv`, i.e. the mirror of the offer.
   */
  direction?: SdpDirection;
}

export interface OfferOptions {
  audio: boolean;
  video: boolean;
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'recvonly', 'sendonly', 'inactive'];

/** Codecs that only make sense next to a primary codec; never chosen as the one codec of an answer. */
const AUXILIARY_CODECS = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'cn', 'telephone-event']);

/**
 * Loopback ICE candidate port. Nothing answers STUN there, so the client's ICE goes checking and its
 * connection then fails (Chromium: connectionState "failed" after about 15 s, iceConnectionState
 * "disconnected"), as against an unreachable media server. It must be above 1023: Chromium ignores remote
 * candidates on low ports and would never even start checking. Below Linux's ephemeral range (32768+) so
 * no browser socket of the same machine is likely to hold it.
 */
export const SILENT_ICE_PORT = 20000;
const CANDIDATE_PORT = SILENT_ICE_PORT;

interface MediaSection {
  kind: string;
  port: number;
  proto: string;
  formats: string[];
  lines: string[];
}

interface ParsedSdp {
  session: string[];
  media: MediaSection[];
}

function splitLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.length > 0);
}

function parse(sdp: string): ParsedSdp {
  if (typeof sdp !== 'string' || !sdp.trimStart().startsWith('v=0')) {
    throw new Error('SDP offer must be a string starting with "v=0"');
  }
  const session: string[] = [];
  const media: MediaSection[] = [];
  for (const line of splitLines(sdp)) {
    if (line.startsWith('m=')) {
      const [kind, port, proto, ...formats] = line.slice(2).split(/\s+/);
      if (!kind || port === undefined || !proto) throw new Error(`malformed m-line in SDP offer: "${line}"`);
      media.push({ kind, port: Number.parseInt(port, 10), proto, formats, lines: [] });
    } else if (media.length > 0) {
      media[media.length - 1].lines.push(line);
    } else {
      session.push(line);
    }
  }
  return { session, media };
}

function attr(lines: readonly string[], name: string): string | undefined {
  const prefix = `a=${name}:`;
  const hit = lines.find((l) => l.startsWith(prefix));
  return hit?.slice(prefix.length).trim();
}

function hasFlag(lines: readonly string[], name: string): boolean {
  return lines.includes(`a=${name}`);
}

function directionOf(section: readonly string[], session: readonly string[]): SdpDirection {
  for (const lines of [section, session]) {
    const d = DIRECTIONS.find((dir) => hasFlag(lines, dir));
    if (d) return d;
  }
  return 'sendrecv';
}

function mirror(d: SdpDirection): SdpDirection {
  if (d === 'sendonly') return 'recvonly';
  if (d === 'recvonly') return 'sendonly';
  return d;
}

function narrow(a: SdpDirection, b: SdpDirection): SdpDirection {
  const send = a !== 'recvonly' && a !== 'inactive' && b !== 'recvonly' && b !== 'inactive';
  const recv = a !== 'sendonly' && a !== 'inactive' && b !== 'sendonly' && b !== 'inactive';
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function iceString(length: number): string {
  return randomString(length, ICE_CHARS);
}

/** Transport identity shared by every m-line of one SDP (they are bundled onto one transport anyway). */
interface Transport {
  ufrag: string;
  pwd: string;
  fingerprint: string;
}

function newTransport(): Transport {
  const b = randomBytes(32);
  let fingerprint = HEX_UPPER[b[0]!]!;
  for (let i = 1; i < 32; i++) fingerprint += `:${HEX_UPPER[b[i]!]!}`;
  return { ufrag: iceString(8), pwd: iceString(24), fingerprint };
}

function sessionId(): string {
  // 62 bits keeps the decimal string within what every SDP parser takes as a 64-bit unsigned number.
  const b = randomBytes(8);
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return (n & ((1n << 62n) - 1n)).toString();
}

function transportLines(t: Transport, setup: 'active' | 'passive' | 'actpass', withCandidate: boolean): string[] {
  const lines = [`a=ice-ufrag:${t.ufrag}`, `a=ice-pwd:${t.pwd}`, `a=fingerprint:sha-256 ${t.fingerprint}`, `a=setup:${setup}`];
  if (withCandidate) {
    lines.push(`a=candidate:1 1 udp 2122260223 127.0.0.1 ${CANDIDATE_PORT} typ host generation 0`, 'a=end-of-candidates');
  }
  return lines;
}

interface Codec {
  pt: string;
  name: string;
  clock: string;
}

function codecsOf(section: MediaSection): Codec[] {
  return section.formats.map((pt) => {
    const encoding = rtpmapOf(section, pt)?.split(/\s+/)[1] ?? '';
    const [name = '', clock = ''] = encoding.split('/');
    return { pt, name: name.toLowerCase(), clock };
  });
}

function rtpmapOf(section: MediaSection, pt: string): string | undefined {
  return section.lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
}

/**
 * Payload types to keep in the answer: the offer's first real codec, its retransmission format and, for
 * audio, telephone-event at the same clock rate (DTMF in calls). Order follows the offer.
 */
function pickFormats(section: MediaSection): string[] {
  const codecs = codecsOf(section);
  const primary = codecs.find((c) => c.name !== '' && !AUXILIARY_CODECS.has(c.name)) ?? codecs[0];
  if (!primary) return [];
  const keep = new Set([primary.pt]);
  for (const c of codecs) {
    const fmtp = section.lines.find((l) => l.startsWith(`a=fmtp:${c.pt} `))?.split(/\s+/)[1] ?? '';
    if (c.name === 'rtx' && fmtp.split(';').some((p) => p.trim() === `apt=${primary.pt}`)) {
      keep.add(c.pt);
    }
    if (section.kind === 'audio' && c.name === 'telephone-event' && c.clock === primary.clock) keep.add(c.pt);
  }
  return section.formats.filter((pt) => keep.has(pt));
}

function codecLines(section: MediaSection, formats: readonly string[]): string[] {
  const out: string[] = [];
  for (const pt of formats) {
    const rtpmap = rtpmapOf(section, pt);
    if (rtpmap) out.push(rtpmap);
    for (const kind of ['rtcp-fb', 'fmtp']) {
      out.push(...section.lines.filter((l) => l.startsWith(`a=${kind}:${pt} `)));
    }
  }
  return out;
}

/** A random id of `n` characters that is safe in an msid (no '+' or '/'). */
function msidId(n: number): string {
  return iceString(n).replace(/[+/]/g, 'x');
}

function msidLine(kind: string, streamId: string, track: string): string {
  return `a=msid:${streamId} ${kind}-${track}`;
}

/**
 * An SDP answer to `offerSdp` that Chromium accepts as a remote description. One answer m-line per offer
 * m-line, same order and mids; rejected offer sections (port 0) stay rejected.
 */
export function synthesizeAnswer(offerSdp: string, opts: AnswerOptions = {}): string {
  const want = opts.direction ?? 'sendrecv';
  if (!DIRECTIONS.includes(want)) throw new Error(`direction must be one of ${DIRECTIONS.join(', ')}, got "${String(want)}"`);
  // Not a string (parse says why), or an offer that carries the slot marker itself: no template, values in place.
  if (typeof offerSdp !== 'string' || offerSdp.includes(SLOT)) return buildAnswer(offerSdp, want, freshValues());
  const key = `${want}\n${offerSdp}`;
  let template = answerTemplates.get(key);
  if (!template) {
    if (answerTemplates.size >= MAX_ANSWER_TEMPLATES) answerTemplates.clear();
    template = buildAnswer(offerSdp, want, SLOT_VALUES).split(SLOT);
    answerTemplates.set(key, template);
  }
  return fill(template);
}

/**
 * Answers differ from one another only in their random parts (ICE credentials, fingerprint, ids), so the
 * answer to an offer seen before is its template with fresh values in the slots. Why: a load run answers the
 * same client offer thousands of times, and parsing it and choosing codecs each time was 7 % of the load
 * source's CPU (docs/benchmarks.md). Bounded: at most MAX_ANSWER_TEMPLATES offers are kept.
 */
const MAX_ANSWER_TEMPLATES = 64;
const answerTemplates = new Map<string, string[]>();
/** Marks a slot in a template: never in an offer that is templated (checked), never in SDP from Chromium. */
const SLOT = '\u0000';
const slot = (code: string) => `${SLOT}${code}${SLOT}`;

interface AnswerValues {
  transport: Transport;
  streamId: string;
  sessionId: string;
  /** A new track id suffix per msid line. */
  track(): string;
}

const SLOT_VALUES: AnswerValues = {
  transport: { ufrag: slot('u'), pwd: slot('p'), fingerprint: slot('f') },
  streamId: slot('s'),
  sessionId: slot('o'),
  track: () => slot('t'),
};

function freshValues(): AnswerValues {
  return { transport: newTransport(), streamId: `wcs-mock-${msidId(8)}`, sessionId: sessionId(), track: () => msidId(12) };
}

/** The template's text with this answer's values: odd pieces are slot codes. */
function fill(template: readonly string[]): string {
  const v = freshValues();
  let out = template[0]!;
  for (let i = 1; i < template.length; i += 2) {
    const code = template[i];
    out += (code === 'u' ? v.transport.ufrag : code === 'p' ? v.transport.pwd : code === 'f' ? v.transport.fingerprint : code === 's' ? v.streamId : code === 'o' ? v.sessionId : v.track()) + template[i + 1]!;
  }
  return out;
}

function buildAnswer(offerSdp: string, want: SdpDirection, values: AnswerValues): string {
  const offer = parse(offerSdp);
  const transport = values.transport;
  const streamId = values.streamId;
  const bundleLine = offer.session.find((l) => l.startsWith('a=group:BUNDLE'));
  const bundled = new Set(bundleLine ? bundleLine.split(/\s+/).slice(1) : []);

  const sections: string[][] = [];
  const accepted: string[] = [];
  offer.media.forEach((m, i) => {
    const mid = attr(m.lines, 'mid');
    if (m.port === 0 || m.formats.length === 0) {
      sections.push([`m=${m.kind} 0 ${m.proto} ${m.formats[0] ?? '0'}`, 'c=IN IP4 0.0.0.0', ...(mid !== undefined ? [`a=mid:${mid}`] : [])]);
      return;
    }
    if (mid !== undefined && bundled.has(mid)) accepted.push(mid);
    const lines: string[] = [];
    const isData = m.kind === 'application';
    const formats = isData ? m.formats : pickFormats(m);
    lines.push(`m=${m.kind} ${CANDIDATE_PORT} ${m.proto} ${formats.join(' ')}`, 'c=IN IP4 127.0.0.1');
    if (!isData) lines.push(`a=rtcp:${CANDIDATE_PORT} IN IP4 127.0.0.1`);
    // Only the first m-line carries the candidate when bundled: the rest share its transport.
    const first = i === offer.media.findIndex((s) => s.port !== 0);
    lines.push(...transportLines(transport, 'active', !bundleLine || first));
    if (mid !== undefined) lines.push(`a=mid:${mid}`);
    if (isData) {
      lines.push(`a=sctp-port:${attr(m.lines, 'sctp-port') ?? '5000'}`, 'a=max-message-size:262144');
      sections.push(lines);
      return;
    }
    const dir = narrow(mirror(directionOf(m.lines, offer.session)), want);
    lines.push(`a=${dir}`);
    if (dir === 'sendrecv' || dir === 'sendonly') lines.push(msidLine(m.kind, streamId, values.track()));
    if (bundleLine || hasFlag(m.lines, 'rtcp-mux')) lines.push('a=rtcp-mux');
    if (hasFlag(m.lines, 'rtcp-rsize')) lines.push('a=rtcp-rsize');
    lines.push(...codecLines(m, formats));
    sections.push(lines);
  });

  const head = ['v=0', `o=- ${values.sessionId} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  if (bundleLine && accepted.length > 0) head.push(`a=group:BUNDLE ${accepted.join(' ')}`);
  head.push(`a=msid-semantic: WMS ${streamId}`);
  return [...head, ...sections.flat()].join('\r\n') + '\r\n';
}

/**
 * An offer for a call the mock places to the client (incoming call). Sendrecv, bundled, with codecs every
 * Chromium has (Opus, VP8), so the WebSDK's `call.answer()` can produce an answer from it.
 */
export function synthesizeOffer(opts: OfferOptions): string {
  if (!opts || typeof opts.audio !== 'boolean' || typeof opts.video !== 'boolean') {
    throw new Error('synthesizeOffer needs {audio: boolean, video: boolean}');
  }
  const transport = newTransport();
  const streamId = `wcs-mock-${msidId(8)}`;
  const kinds = [...(opts.audio ? ['audio'] : []), ...(opts.video ? ['video'] : [])];
  const head = ['v=0', `o=- ${sessionId()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  if (kinds.length > 0) head.push(`a=group:BUNDLE ${kinds.map((_, i) => String(i)).join(' ')}`);
  head.push(`a=msid-semantic: WMS ${streamId}`);
  const sections = kinds.map((kind, i) => {
    const formats = kind === 'audio' ? ['111', '126'] : ['96', '97'];
    const codecs =
      kind === 'audio'
        ? ['a=rtpmap:111 opus/48000/2', 'a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:126 telephone-event/8000']
        : [
            'a=rtpmap:96 VP8/90000',
            'a=rtcp-fb:96 goog-remb',
            'a=rtcp-fb:96 transport-cc',
            'a=rtcp-fb:96 ccm fir',
            'a=rtcp-fb:96 nack',
            'a=rtcp-fb:96 nack pli',
            'a=rtpmap:97 rtx/90000',
            'a=fmtp:97 apt=96',
          ];
    return [
      `m=${kind} ${CANDIDATE_PORT} UDP/TLS/RTP/SAVPF ${formats.join(' ')}`,
      'c=IN IP4 127.0.0.1',
      `a=rtcp:${CANDIDATE_PORT} IN IP4 127.0.0.1`,
      ...transportLines(transport, 'actpass', i === 0),
      `a=mid:${i}`,
      'a=sendrecv',
      msidLine(kind, streamId, msidId(12)),
      'a=rtcp-mux',
      ...(kind === 'video' ? ['a=rtcp-rsize'] : []),
      ...codecs,
    ];
  });
  return [...head, ...sections.flat()].join('\r\n') + '\r\n';
}
