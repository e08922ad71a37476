/**
 * The record of exchanges: a bounded in-memory ring (a long session must not grow without limit) and an
 * optional append-only JSONL file that survives the process.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { correlationKeys, validateBody } from '../protocol';
import { ExchangeArena } from './arena';
import { ExchangeRecord } from './exchange';
import type { Exchange } from './types';

/** Exchanges kept in memory unless told otherwise; the tree, exports and the CLI read them back. */
export const DEFAULT_JOURNAL_LIMIT = 10_000;

export class Journal {
  /** Exchanges kept as objects; a slot whose exchange was moved into the arena holds undefined. */
  private readonly ring: (Exchange | undefined)[];
  /** 1 where the slot's exchange lives in the arena. */
  private readonly packed: Uint8Array;
  /** Created on the first settled server record, so a journal of plain objects never allocates it. */
  private arena: ExchangeArena | undefined;
  private start = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(readonly limit = DEFAULT_JOURNAL_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`journal limit must be a positive integer, got ${limit}`);
    this.ring = new Array(limit);
    this.packed = new Uint8Array(limit);
  }

  /** Adds an exchange; the oldest one is dropped when the journal is full. */
  add(ex: Exchange): void {
    let slot: number;
    if (this.count === this.limit) {
      slot = this.start;
      this.start = (this.start + 1) % this.limit;
      this.droppedCount++;
    } else {
      slot = (this.start + this.count) % this.limit;
      this.count++;
    }
    if (this.packed[slot] === 1) {
      this.packed[slot] = 0;
      this.arena!.release(slot);
    }
    this.ring[slot] = ex;
  }

  /**
   * Called once an exchange has its final answer (or was aborted): from then on the journal keeps a copy of
   * it in the arena rather than the object, so that kept history costs the collector nothing. Whoever holds
   * the object keeps it; reads of the journal get an equal, rebuilt record.
   */
  settled(ex: Exchange): void {
    if (!(ex instanceof ExchangeRecord) || this.count === 0) return;
    const slot = this.slotOf(ex.seq);
    if (slot < 0 || this.ring[slot] !== ex) return;
    const arena = (this.arena ??= new ExchangeArena(this.limit));
    if (!arena.put(slot, ex)) return;
    this.ring[slot] = undefined;
    this.packed[slot] = 1;
  }

  /** The ring slot that would hold sequence number `seq` if ids are the server's 1, 2, 3…; -1 if out of range. */
  private slotOf(seq: number): number {
    const offset = seq - this.seqAt(this.start);
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.count) return -1;
    return (this.start + offset) % this.limit;
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
    for (let i = 0; i < this.count; i++) out[i] = this.at((this.start + i) % this.limit);
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
      const s = (this.start + i) % this.limit;
      if (this.idAt(s) === id) return this.at(s);
    }
    return undefined;
  }

  get size(): number {
    return this.count;
  }

  /** How many exchanges were dropped to stay within `limit`. */
  get dropped(): number {
    return this.droppedCount;
  }

  clear(): void {
    this.ring.fill(undefined);
    for (let s = 0; s < this.limit; s++) if (this.packed[s] === 1) this.arena!.release(s);
    this.packed.fill(0);
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

  constructor(
    readonly path: string,
    private readonly onError: (message: string) => void,
  ) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (err) => {
      if (this.failed) return;
      this.failed = true;
      this.onError(`journal file ${path}: ${err.message}; no further exchanges are written to it`);
    });
  }

  write(ex: Exchange): void {
    if (this.failed) return;
    this.stream.write(journalLine(ex) + '\n');
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

/**
 * One JSONL line: the exchange without what `rawBody` already says (parsed body, keys, issues, an echo
 * answer's body). readJournalFile derives those again, so a record read back has every field.
 */
export function journalLine(ex: Exchange): string {
  const rec = ex as Exchange & { toRecord?: (full: boolean) => Exchange; withTransientBody?: <T>(use: () => T) => T };
  if (rec.toRecord && rec.withTransientBody) return rec.withTransientBody(() => JSON.stringify(rec.toRecord!(false)));
  const o: Partial<Exchange> = { ...ex };
  delete (o as { body?: unknown }).body;
  return JSON.stringify(o);
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
