/**
 * The record of exchanges: a bounded in-memory ring (a long session must not grow without limit) and an
 * optional append-only JSONL file that survives the process.
 */
import { closeSync, createWriteStream, fstatSync, openSync, readSync, statSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { correlationKeys, validateBody } from '../protocol';
import { redactCredentials } from './auth';
import { ExchangeArena, SLOT_BYTES } from './arena';
import { ExchangeRecord } from './exchange';
import type { Exchange } from './types';
import { legBytes } from './forward';

/** Exchanges kept in memory unless told otherwise; the tree, exports and the CLI read them back. */
export const DEFAULT_JOURNAL_LIMIT = 10_000;
/**
 * The largest count limit accepted. Storage for the ring is allocated per slot, so an absurd count (620
 * million) must be refused up front rather than fail on the first hook.
 */
export const MAX_JOURNAL_LIMIT = 1_000_000;
/** Default bound on the bytes of kept exchanges: a flood of large hooks must never take the machine down. */
export const DEFAULT_JOURNAL_MAX_BYTES = 256 * 1024 * 1024;
/** What one kept exchange costs beyond its own bytes: its fixed slot in the arena and bookkeeping. */
export const EXCHANGE_OVERHEAD_BYTES = SLOT_BYTES;

/**
 * The memory one kept exchange is counted at: its body, URL, headers and answer body, plus the fixed
 * per-exchange overhead. Counted, not measured: it is what the `maxBytes` bound is checked against.
 */
export function exchangeBytes(ex: Exchange): number {
  const f = ex as unknown as { _raw?: Buffer; _url?: string; _rawHeaders?: readonly string[]; _answerBody?: string };
  let n = EXCHANGE_OVERHEAD_BYTES;
  if (ex.forward) n += legBytes(ex.forward);
  if (f._raw instanceof Buffer) {
    n += f._raw.length + (f._url?.length ?? 0) + (f._answerBody?.length ?? 0);
    for (const h of f._rawHeaders ?? []) n += h.length;
    return n;
  }
  n += ex.rawBody.length + ex.url.length + (ex.answer && ex.answer.body !== ex.rawBody ? ex.answer.body.length : 0);
  for (const [k, v] of Object.entries(ex.headers)) n += k.length + String(v).length;
  return n;
}

export class Journal {
  /** Exchanges kept as objects; a slot whose exchange was moved into the arena holds undefined. */
  private readonly ring: (Exchange | undefined)[];
  /** 1 where the slot's exchange lives in the arena. */
  private readonly packed: Uint8Array;
  /** What each slot's exchange is counted at (exchangeBytes). */
  private readonly sizes: Float64Array;
  /** Created on the first settled server record, so a journal of plain objects never allocates it. */
  private arena: ExchangeArena | undefined;
  private start = 0;
  private count = 0;
  private droppedCount = 0;
  private totalBytes = 0;
  /** Slots in the ring: the count limit, or fewer when the byte bound could never hold that many. */
  private readonly slots: number;

  constructor(
    readonly limit = DEFAULT_JOURNAL_LIMIT,
    /** Bound on the counted bytes of kept exchanges; the oldest are dropped to stay within it. */
    readonly maxBytes = DEFAULT_JOURNAL_MAX_BYTES,
  ) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_JOURNAL_LIMIT) {
      throw new RangeError(`journal limit must be an integer from 1 to ${MAX_JOURNAL_LIMIT}, got ${limit}`);
    }
    if (!Number.isInteger(maxBytes) || maxBytes < EXCHANGE_OVERHEAD_BYTES) {
      throw new RangeError(`journal byte bound must be an integer of at least ${EXCHANGE_OVERHEAD_BYTES}, got ${maxBytes}`);
    }
    // Every kept exchange counts at least the overhead, so more slots than this could never be filled; fewer
    // slots also bound the arena's storage by `maxBytes`.
    this.slots = Math.min(limit, Math.floor(maxBytes / EXCHANGE_OVERHEAD_BYTES));
    this.ring = new Array(this.slots);
    this.packed = new Uint8Array(this.slots);
    this.sizes = new Float64Array(this.slots);
  }

  /** Adds an exchange; the oldest ones are dropped when the journal is full or over its byte bound. */
  add(ex: Exchange): void {
    if (this.count === this.slots) this.dropOldest();
    const slot = (this.start + this.count) % this.slots;
    this.count++;
    this.ring[slot] = ex;
    this.sizes[slot] = exchangeBytes(ex);
    this.totalBytes += this.sizes[slot]!;
    this.trim();
  }

  private dropOldest(): void {
    const slot = this.start;
    if (this.packed[slot] === 1) {
      this.packed[slot] = 0;
      this.arena!.release(slot);
    }
    this.ring[slot] = undefined;
    this.totalBytes -= this.sizes[slot]!;
    this.sizes[slot] = 0;
    this.start = (this.start + 1) % this.slots;
    this.count--;
    this.droppedCount++;
  }

  /** Drops the oldest until the kept bytes fit; the newest exchange is always kept. */
  private trim(): void {
    while (this.totalBytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  /**
   * Called once an exchange has its final answer (or was aborted): from then on the journal keeps a copy of
   * it in the arena rather than the object, so that kept history costs the collector nothing. Whoever holds
   * the object keeps it; reads of the journal get an equal, rebuilt record.
   */
  settled(ex: Exchange): void {
    if (this.count === 0) return;
    const slot = ex instanceof ExchangeRecord ? this.slotOf(ex.seq) : -1;
    if (slot < 0 || this.ring[slot] !== ex) return;
    // The answer body is known now: count it.
    const size = exchangeBytes(ex);
    this.totalBytes += size - this.sizes[slot]!;
    this.sizes[slot] = size;
    const arena = (this.arena ??= new ExchangeArena(this.slots));
    if (arena.put(slot, ex as ExchangeRecord)) {
      this.ring[slot] = undefined;
      this.packed[slot] = 1;
    }
    this.trim();
  }

  /** The ring slot that would hold sequence number `seq` if ids are the server's 1, 2, 3…; -1 if out of range. */
  private slotOf(seq: number): number {
    const offset = seq - this.seqAt(this.start);
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.count) return -1;
    return (this.start + offset) % this.slots;
  }

  private seqAt(slot: number): number {
    return this.packed[slot] === 1 ? this.arena!.seq(slot) : Number(this.ring[slot]!.id);
  }

  private at(slot: number): Exchange {
    return this.packed[slot] === 1 ? this.arena!.get(slot) : this.ring[slot]!;
  }

  private idAt(slot: number): string {
    return this.packed[slot] === 1 ? String(this.arena!.seq(slot)) : this.ring[slot]!.id;
  }

  /** Every kept exchange in arrival order (a copy). */
  all(): readonly Exchange[] {
    const out = new Array<Exchange>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at((this.start + i) % this.slots);
    return out;
  }

  /**
   * The server numbers exchanges 1, 2, 3… in arrival order, so an id is found by arithmetic (no index to
   * maintain per hook); ids that do not follow that pattern are found by a scan.
   */
  get(id: string): Exchange | undefined {
    if (this.count === 0) return undefined;
    const slot = this.slotOf(Number(id));
    if (slot >= 0 && this.idAt(slot) === id) return this.at(slot);
    for (let i = 0; i < this.count; i++) {
      const s = (this.start + i) % this.slots;
      if (this.idAt(s) === id) return this.at(s);
    }
    return undefined;
  }

  get size(): number {
    return this.count;
  }

  /** How many exchanges were dropped to stay within `limit` and `maxBytes`. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** The counted bytes of the kept exchanges (see exchangeBytes). */
  get bytes(): number {
    return this.totalBytes;
  }

  clear(): void {
    this.ring.fill(undefined);
    for (let s = 0; s < this.slots; s++) if (this.packed[s] === 1) this.arena!.release(s);
    this.packed.fill(0);
    this.sizes.fill(0);
    this.totalBytes = 0;
    this.start = 0;
    this.count = 0;
  }
}

/** One line of a JSONL journal: the settled exchange as JSON. */
export type JournalRecord = Exchange;

/**
 * Appends settled exchanges to a JSONL file through one write stream: the stream coalesces writes that
 * queue up while one is in flight, so a burst of hooks costs few syscalls and never blocks the event loop.
 */
export class JournalWriter {
  private readonly stream: WriteStream;
  private failed = false;
  private needsNewline: boolean;

  constructor(
    readonly path: string,
    private readonly onError: (message: string) => void,
  ) {
    // 0600: the file keeps every hook body (SIP credentials, tokens) after the session ends.
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    // A process killed mid-write leaves a torn last line; the first new record must not be glued onto it.
    this.needsNewline = endsWithoutNewline(path);
    this.stream.on('error', (err) => {
      if (this.failed) return;
      this.failed = true;
      this.onError(`journal file ${path}: ${err.message}; no further exchanges are written to it`);
    });
  }

  write(ex: Exchange): void {
    if (this.failed) return;
    const line = journalLine(ex) + '\n';
    if (this.needsNewline) {
      this.needsNewline = false;
      this.stream.write('\n' + line);
    } else {
      this.stream.write(line);
    }
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failed || this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
  }
}

/** Whether an existing, non-empty file's last byte is not a newline (read once, at open). */
function endsWithoutNewline(path: string): boolean {
  let fd: number | undefined;
  try {
    // Opening a FIFO for reading would block until a writer appears.
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    // no file yet (or not readable): the write stream reports what matters
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * One JSONL line: the exchange without what `rawBody` already says (parsed body, keys, issues, an echo
 * answer's body). readJournalFile derives those again, so a record read back has every field.
 */
export function journalLine(ex: Exchange): string {
  const rec = ex as Exchange & { toRecord?: (full: boolean) => Exchange; withTransientBody?: <T>(use: () => T) => T };
  if (rec.toRecord && rec.withTransientBody) return rec.withTransientBody(() => JSON.stringify(redacted(rec.toRecord!(false))));
  const o: Partial<Exchange> = { ...ex };
  delete (o as { body?: unknown }).body;
  return JSON.stringify(redacted(o as Exchange));
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization'];

/** The record with credentials redacted from its headers: a journal file outlives the session. */
function redacted(rec: Exchange): Exchange {
  const h = rec.headers as Record<string, string | string[]> | undefined;
  const leg = rec.forward;
  const sent = leg?.request?.headers;
  const credentials = (hs: Readonly<Record<string, string | string[]>> | undefined) => !!hs && CREDENTIAL_HEADERS.some((n) => hs[n] !== undefined);
  if (!credentials(h) && !credentials(sent)) return rec;
  const out = { ...rec };
  if (h && credentials(h)) (out as { headers: unknown }).headers = redactHeaders(h);
  // What the backend got carries the (re-signed) credentials too.
  if (leg?.request && sent && credentials(sent)) {
    (out as { forward: unknown }).forward = { ...leg, request: { ...leg.request, headers: redactHeaders(sent) } };
  }
  return out;
}

function redactHeaders<T extends string | string[]>(h: Readonly<Record<string, T>>): Record<string, T> {
  const headers: Record<string, string | string[]> = { ...h };
  for (const n of CREDENTIAL_HEADERS) {
    const v = headers[n];
    if (v !== undefined) headers[n] = Array.isArray(v) ? v.map(redactCredentials) : redactCredentials(v);
  }
  return headers as Record<string, T>;
}

/**
 * Reads a JSONL journal. A process killed mid-write leaves a torn last line: it and any other unreadable
 * line are reported as warnings and skipped, so one bad line never costs the rest of the record.
 */
export async function readJournalFile(path: string): Promise<{ records: JournalRecord[]; warnings: string[] }> {
  const text = await readFile(path, 'utf8');
  const records: JournalRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const last = n === lines.length - 1 && !endsClean;
    try {
      const rec = JSON.parse(line) as unknown;
      if (rec === null || typeof rec !== 'object' || typeof (rec as { id?: unknown }).id !== 'string') {
        warnings.push(`${path}:${n + 1}: not an exchange record, skipped`);
        continue;
      }
      const r = rec as { rawBody?: unknown; body?: unknown; error?: unknown; answer?: { body?: unknown } };
      // An echo answer's body is the request's (journalLine leaves it out).
      if (r.answer && typeof r.answer === 'object' && r.answer.body === undefined && typeof r.rawBody === 'string') {
        r.answer.body = r.rawBody;
      }
      if (r.body === undefined && r.error === undefined && typeof r.rawBody === 'string') {
        try {
          r.body = JSON.parse(r.rawBody);
        } catch {
          // a record of a body that was not JSON keeps no parsed body
        }
      }
      const d = rec as { keys?: unknown; issues?: unknown; method?: unknown; error?: unknown };
      d.keys ??= r.body === undefined ? {} : correlationKeys(r.body);
      d.issues ??= r.body === undefined || typeof d.method !== 'string' || d.error !== undefined ? [] : validateBody(d.method, r.body);
      records.push(rec as JournalRecord);
    } catch {
      warnings.push(
        last
          ? `${path}:${n + 1}: incomplete last line (the writer was probably stopped mid-write), skipped`
          : `${path}:${n + 1}: not valid JSON, skipped`,
      );
    }
  }
  return { records, warnings };
}
