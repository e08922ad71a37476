/**
 * The log of `serve` handed from the thread that answers hooks to the thread that writes the lines: a ring
 * of compact binary records in shared memory. The answering thread copies what a line needs (numbers, the
 * URL, the body's bytes) and nothing else; the log thread rebuilds the exchange and formats it with the same
 * `formatLogLine`, so the text cannot differ from what the main thread would have printed.
 *
 * Why: formatting a line (correlation keys and validation need the parsed body, the answer label, the
 * terminal-safe pass) cost about as much CPU as answering the hook, on the one thread that answers hooks
 * (docs/benchmarks.md, the serve part). Copying the record costs a small fraction of that.
 *
 * One writer (the answering thread) owns `head`, one reader (the log thread, or the answering thread itself
 * after the log thread failed) owns `tail`; both are byte offsets into the ring. A record never wraps: when
 * it does not fit before the end, a one-byte WRAP marker sends the reader back to offset 0. The ring is never
 * filled completely (head === tail means empty).
 */
import { ExchangeRecord, type AnswerSpec, type AnsweredBy, type Exchange, type ExchangeState, type ForwardLeg } from '../hooks';
import { droppedNote, formatLogLine, sizeText } from './logLine';

/** Control words (an Int32Array over their own SharedArrayBuffer). */
export const HEAD = 0;
export const TAIL = 1;
/** Bumped to wake the log thread; it sleeps on it. */
export const SEQ = 2;
/** 1 once the server stops: the log thread drains the ring and ends. */
export const STOP = 3;
/** 1 while the log thread sleeps until woken (idle); 0 while it looks for records every LOG_POLL_MS. */
export const SLEEPING = 4;
/** Lines the writer dropped and had not yet said so when it stopped: the reader's last line says how many. */
export const DROPPED = 5;
const CONTROL_WORDS = 6;

const KIND_WRAP = 0;
const KIND_EXCHANGE = 1;
/** A line formatted already (an exchange that is not a server record, or too large to copy; a note of ours). */
const KIND_TEXT = 2;

const STATES: readonly ExchangeState[] = ['pending', 'answered', 'aborted'];
/** Fixed part of an exchange record; see `append` for the layout. */
const FIXED = 52;
const TEXT_FIXED = 8;
const NO_STRING = 0xffff;
const NO_RAW_HEADERS: readonly string[] = Object.freeze([]);

/**
 * Bytes of shared memory for records not yet written. A reader that lags (a slow `grep`, a paused terminal
 * pager) loses nothing while the records fit: at the ~430 bytes of an OnCallEvent record that is about
 * 75,000 lines, three seconds of the heaviest flood this machine can send. A reader that stops altogether
 * would otherwise grow memory without end; past the bound, lines are dropped and counted, and one line says
 * how many once there is room again (see `RingWriter.append`).
 */
export const LOG_RING_BYTES = 32 * 1024 * 1024;

export interface SharedRing {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

export function createRing(bytes = LOG_RING_BYTES): SharedRing {
  if (!Number.isInteger(bytes) || bytes < 4096) throw new RangeError(`log ring must be a whole number of at least 4096 bytes, not ${bytes}`);
  return { control: new SharedArrayBuffer(CONTROL_WORDS * 4), data: new SharedArrayBuffer(bytes) };
}

/**
 * Latin-1 bytes behind a 16-bit length; the offset after them, or -1 when a character is above U+00FF or the
 * string is too long. Node decodes the request line as latin1, so this holds for every URL a server sees.
 */
function putLatin1(buf: Buffer, p: number, s: string | undefined): number {
  if (s === undefined) {
    buf[p] = 0xff;
    buf[p + 1] = 0xff;
    return p + 2;
  }
  const n = s.length;
  if (n >= NO_STRING) return -1;
  buf[p] = n & 0xff;
  buf[p + 1] = n >> 8;
  p += 2;
  // A loop beats a native write call for the short strings here (methods, answer forms, most URLs).
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return -1;
    buf[p + i] = c;
  }
  return p + n;
}

function latin1Size(s: string | undefined): number {
  return 2 + (s === undefined ? 0 : s.length);
}

/** The answering thread's end: appends records and publishes them to the reader. */
export class RingWriter {
  private readonly control: Int32Array;
  private readonly buf: Buffer;
  private readonly view: DataView;
  private readonly cap: number;
  private pos = 0;
  private dropped = 0;

  constructor(ring: SharedRing) {
    this.control = new Int32Array(ring.control);
    this.buf = Buffer.from(ring.data);
    this.view = new DataView(ring.data);
    this.cap = ring.data.byteLength;
  }

  /** The write offset (records before it are appended, not necessarily published). */
  get head(): number {
    return this.pos;
  }

  /** Lines dropped since the last note about them (the reader was more than the ring behind). */
  get droppedLines(): number {
    return this.dropped;
  }

  /**
   * Appends the line of `ex` as it reads now (state, answer, forward leg are copied, not referenced). Bytes
   * appended, or 0 when the ring is full and the line was dropped.
   */
  append(ex: Exchange): number {
    const dropped = this.dropped;
    const before = this.pos;
    // Lines were dropped: say how many once the reader has caught up by a quarter of the ring, and only with
    // the line that follows it (a note alone in a gap too small for the next line gave one "1 dropped" note
    // per line of a flood of large lines).
    if (dropped > 0 && (this.free() < this.cap / 4 || !this.note(droppedNote(dropped, sizeText(this.cap))))) {
      this.dropped = dropped + 1;
      return 0;
    }
    const start = this.pos;
    let n = ex instanceof ExchangeRecord ? this.exchange(ex) : -1;
    if (n < 0) {
      this.pos = start;
      n = this.text(formatLogLine(ex));
    }
    if (n === 0) {
      // Not written: neither is the note (nothing is published before publish()), and the count goes on.
      this.pos = before;
      this.dropped = dropped + 1;
    }
    return n;
  }

  /** A line of our own, in order with the exchanges. False when the ring is full. */
  note(line: string): boolean {
    if (this.text(line) === 0) return false;
    this.dropped = 0;
    return true;
  }

  /**
   * Makes everything appended visible to the reader. A busy reader finds it on its next look (every
   * LOG_POLL_MS); only an idle one, asleep, is woken. Waking it on every batch measured far dearer than the
   * wake-up itself: the woken thread tends to be run on the waker's core and takes it from hook answering.
   */
  publish(): void {
    Atomics.store(this.control, HEAD, this.pos);
    if (Atomics.load(this.control, SLEEPING) === 1) this.wake();
  }

  /** Asks the reader to finish once it has everything published (and to say how many lines were dropped). */
  stop(): void {
    Atomics.store(this.control, DROPPED, this.dropped);
    Atomics.store(this.control, STOP, 1);
    Atomics.store(this.control, HEAD, this.pos);
    this.wake();
  }

  private wake(): void {
    Atomics.store(this.control, SLEEPING, 0);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
  }

  /** Free bytes in the ring now (the reader may free more at any moment). */
  private free(): number {
    const tail = Atomics.load(this.control, TAIL);
    return this.pos >= tail ? this.cap - this.pos + tail : tail - this.pos;
  }

  /** An offset with `size` contiguous free bytes (wrapping when needed), or -1 when the ring is too full. */
  private reserve(size: number): number {
    const tail = Atomics.load(this.control, TAIL);
    const p = this.pos;
    if (p >= tail) {
      // Never back to the start early (to keep the records in fewer pages): until the reader follows, the room
      // left would be only what lies before it, and a reader that pauses then would lose lines with most of
      // the ring empty. The first pass over the ring pays one page fault per 4 KiB, once.
      if (p + size < this.cap) return p;
      // Wrap, leaving at least one byte between the new head and the tail.
      if (size >= tail) return -1;
      this.buf[p] = KIND_WRAP;
      this.pos = 0;
      return 0;
    }
    return p + size < tail ? p : -1;
  }

  private text(line: string): number {
    const size = TEXT_FIXED + Buffer.byteLength(line, 'utf8');
    const p = this.reserve(size);
    if (p < 0) return 0;
    this.buf[p] = KIND_TEXT;
    this.view.setUint32(p + 4, size, true);
    this.buf.write(line, p + TEXT_FIXED, 'utf8');
    this.pos = p + size;
    return size;
  }

  /**
   * Layout: kind u8, state u8, status u16, size u32, seq f64, receivedAt f64, latency f64 (-1: none), hold
   * deadline f64 (NaN: none), rule index i32, body bytes u32, extra bytes u32; then method, URL, answered-by
   * and a keyword answer form as latin1 strings; the body's bytes; then, only when there is any, JSON of
   * what is rare (an object answer form, an error, the forward leg). -1 when this exchange needs the text path.
   */
  private exchange(ex: ExchangeRecord): number {
    // Too large to be worth copying (a body near the 1 MiB limit): formatted here instead.
    const raw = ex.rawBytes;
    if (raw.length > this.cap >> 4) return -1;
    const method = ex.method;
    const url = ex.url;
    const by = ex.answerBy;
    const spec = ex.answerSpec;
    const keyword = typeof spec === 'string' ? spec : undefined;
    const forward = ex.forward;
    const error = ex.error;
    let extra = '';
    if ((spec !== undefined && keyword === undefined) || error !== undefined || forward !== undefined) {
      try {
        extra = JSON.stringify({ spec: keyword === undefined ? spec : undefined, error, forward });
      } catch {
        return -1;
      }
    }
    const extraBytes = extra === '' ? 0 : Buffer.byteLength(extra, 'utf8');
    const size = FIXED + latin1Size(method) + latin1Size(url) + latin1Size(by) + latin1Size(keyword) + raw.length + extraBytes;
    const p = this.reserve(size);
    if (p < 0) return 0;
    const buf = this.buf;
    const v = this.view;
    buf[p] = KIND_EXCHANGE;
    buf[p + 1] = STATES.indexOf(ex.state);
    v.setUint16(p + 2, ex.answerStatus, true);
    v.setUint32(p + 4, size, true);
    v.setFloat64(p + 8, ex.seq, true);
    v.setFloat64(p + 16, ex.receivedAt, true);
    v.setFloat64(p + 24, ex.latencyMs ?? -1, true);
    v.setFloat64(p + 32, ex.holdDeadline ?? NaN, true);
    v.setInt32(p + 40, ex.answerRuleIndex, true);
    v.setUint32(p + 44, raw.length, true);
    v.setUint32(p + 48, extraBytes, true);
    let q = putLatin1(buf, p + FIXED, method);
    if (q >= 0) q = putLatin1(buf, q, url);
    if (q >= 0) q = putLatin1(buf, q, by);
    if (q >= 0) q = putLatin1(buf, q, keyword);
    if (q < 0) return -1;
    raw.copy(buf, q);
    if (extraBytes) buf.write(extra, q + raw.length, 'utf8');
    this.pos = p + size;
    return size;
  }
}

/** The log thread's end (or the answering thread's, after the log thread failed): reads records as lines. */
export class RingReader {
  private readonly control: Int32Array;
  private readonly buf: Buffer;
  private readonly view: DataView;
  private pos: number;

  constructor(ring: SharedRing) {
    this.control = new Int32Array(ring.control);
    this.buf = Buffer.from(ring.data);
    this.view = new DataView(ring.data);
    this.pos = Atomics.load(this.control, TAIL);
  }

  /** The read offset (records before it are read; not necessarily committed). */
  get tail(): number {
    return this.pos;
  }

  get control32(): Int32Array {
    return this.control;
  }

  /** The published head. */
  published(): number {
    return Atomics.load(this.control, HEAD);
  }

  /** The next record's line, or undefined at `head`. */
  next(head: number): string | undefined {
    if (this.pos === head) return undefined;
    if (this.buf[this.pos] === KIND_WRAP) {
      this.pos = 0;
      if (head === 0) return undefined;
    }
    const p = this.pos;
    const size = this.view.getUint32(p + 4, true);
    const line = this.buf[p] === KIND_TEXT ? this.buf.toString('utf8', p + TEXT_FIXED, p + size) : this.exchangeLine(p);
    this.pos = p + size;
    return line;
  }

  /** Tells the writer the space before the read offset is free again (after the lines are written). */
  commit(): void {
    Atomics.store(this.control, TAIL, this.pos);
  }

  private exchangeLine(p: number): string {
    const buf = this.buf;
    const v = this.view;
    let q = p + FIXED;
    const str = (): string | undefined => {
      const n = buf[q]! | (buf[q + 1]! << 8);
      q += 2;
      if (n === NO_STRING) return undefined;
      q += n;
      return buf.toString('latin1', q - n, q);
    };
    const method = str()!;
    const url = str()!;
    const by = str() as AnsweredBy | undefined;
    const keyword = str();
    const bodyBytes = v.getUint32(p + 44, true);
    const extraBytes = v.getUint32(p + 48, true);
    // A view, not a copy: the line is made before the space is handed back.
    const raw = buf.subarray(q, q + bodyBytes);
    const extra = extraBytes ? (JSON.parse(buf.toString('utf8', q + bodyBytes, q + bodyBytes + extraBytes)) as { spec?: AnswerSpec; error?: string; forward?: ForwardLeg }) : undefined;
    const receivedAt = v.getFloat64(p + 16, true);
    const latency = v.getFloat64(p + 24, true);
    const deadline = v.getFloat64(p + 32, true);
    const rec = new ExchangeRecord({ seq: v.getFloat64(p + 8, true), receivedAt, method, url, rawHeaders: NO_RAW_HEADERS, raw, error: extra?.error });
    if (by !== undefined) {
      const ruleIndex = v.getInt32(p + 40, true);
      rec.recordAnswer({
        status: v.getUint16(p + 2, true),
        spec: (keyword as AnswerSpec | undefined) ?? extra!.spec!,
        by,
        ruleIndex: ruleIndex >= 0 ? ruleIndex : undefined,
        // Not part of the line: the label is made from the form, the status and who answered.
        body: '',
        bytes: 0,
        json: false,
        closeConnection: false,
        at: receivedAt + Math.max(0, latency),
      });
    }
    rec.state = STATES[buf[p + 1]!]!;
    rec.latencyMs = latency < 0 ? undefined : latency;
    rec.holdDeadline = Number.isNaN(deadline) ? undefined : deadline;
    rec.forward = extra?.forward;
    return formatLogLine(rec);
  }
}
