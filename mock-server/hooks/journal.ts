/**
 * The record of exchanges: a bounded in-memory ring (a long session must not grow without limit) and an
 * optional append-only JSONL file that survives the process.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { correlationKeys, validateBody } from '../protocol/validate';
import type { Exchange } from './types';

export class Journal {
  private readonly ring: (Exchange | undefined)[];
  private start = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(readonly limit = 10_000) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`journal limit must be a positive integer, got ${limit}`);
    this.ring = new Array(limit);
  }

  /** Adds an exchange; the oldest one is dropped when the journal is full. */
  add(ex: Exchange): void {
    if (this.count === this.limit) {
      this.ring[this.start] = ex;
      this.start = (this.start + 1) % this.limit;
      this.droppedCount++;
    } else {
      this.ring[(this.start + this.count) % this.limit] = ex;
      this.count++;
    }
  }

  /** Every kept exchange in arrival order (a copy). */
  all(): readonly Exchange[] {
    const out = new Array<Exchange>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.ring[(this.start + i) % this.limit]!;
    return out;
  }

  /**
   * The server numbers exchanges 1, 2, 3… in arrival order, so an id is found by arithmetic (no index to
   * maintain per hook); ids that do not follow that pattern are found by a scan.
   */
  get(id: string): Exchange | undefined {
    if (this.count === 0) return undefined;
    const first = this.ring[this.start]!;
    const offset = Number(id) - Number(first.id);
    if (Number.isInteger(offset) && offset >= 0 && offset < this.count) {
      const ex = this.ring[(this.start + offset) % this.limit]!;
      if (ex.id === id) return ex;
    }
    for (let i = 0; i < this.count; i++) {
      const ex = this.ring[(this.start + i) % this.limit]!;
      if (ex.id === id) return ex;
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
