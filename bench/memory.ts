/**
 * Memory under a long run: our server (default journal cap) takes N hooks from the load generator; at each
 * checkpoint it reports RSS, and heap after a forced GC, which is what shows whether the journal stays flat
 * once the cap is reached.
 */
import type { Loadgen } from './lib/loadgen';
import { contenders } from './lib/contenders';
import type { ServerMessage, ServerReply, ServerStats } from './lib/protocol';
import { request } from './lib/proc';
import { mb, round } from './lib/stats';

export interface MemoryPoint {
  hooks: number;
  rssMB: number;
  heapAfterGcMB: number;
  /** Off-heap memory V8 tracks (Buffers: the journal keeps each raw body there). */
  externalMB: number;
  journalSize: number;
  journalDropped: number;
  rps: number;
  errors: number;
}

export interface MemoryResult {
  points: MemoryPoint[];
  /** Heap growth from the first to the last checkpoint (all past the cap). */
  heapGrowthMB: number;
  /** The same run with the extension's hook view attached (it reads the journal, keeps no copy). */
  withView?: { points: MemoryPoint[]; heapGrowthMB: number };
}

export interface MemoryOptions {
  body: string;
  connections: number;
  checkpoints: number[];
  log: (l: string) => void;
}

export async function runMemory(loadgen: Loadgen, o: MemoryOptions): Promise<MemoryResult> {
  const plain = await measure(loadgen, o, false);
  o.log('  with the hook view attached:');
  return { ...plain, withView: await measure(loadgen, o, true) };
}

async function measure(loadgen: Loadgen, o: MemoryOptions, view: boolean): Promise<Omit<MemoryResult, 'withView'>> {
  const ours = contenders(o.body).find((c) => c.id === (view ? 'ours-view' : 'ours'))!;
  const server = await ours.start('', ['--expose-gc']);
  const stats = async (): Promise<ServerStats> => {
    const rep = await request<ServerMessage, ServerReply & { id?: number }>(server.child, { kind: 'stats', id: 0, gc: true });
    if (rep.kind !== 'stats') throw new Error('server did not report stats');
    return rep.stats;
  };
  try {
    const points: MemoryPoint[] = [];
    let sent = 0;
    for (const target of o.checkpoints) {
      const t0 = Date.now();
      const r = await loadgen.run({ url: server.url, body: o.body, connections: o.connections, amount: target - sent });
      sent = target;
      const s = await stats();
      const p: MemoryPoint = {
        hooks: s.served ?? sent,
        rssMB: mb(s.rss),
        heapAfterGcMB: mb(s.heapUsed),
        externalMB: mb(s.external),
        journalSize: s.journalSize ?? NaN,
        journalDropped: s.journalDropped ?? NaN,
        rps: round((target - (points.at(-1)?.hooks ?? 0)) / ((Date.now() - t0) / 1000), 0),
        errors: r.errors + r.timeouts + r.non2xx,
      };
      points.push(p);
      o.log(`  ${p.hooks} hooks: RSS ${p.rssMB} MB, heap after GC ${p.heapAfterGcMB} MB, external ${p.externalMB} MB, journal ${p.journalSize} kept / ${p.journalDropped} dropped`);
    }
    return { points, heapGrowthMB: round(points.at(-1)!.heapAfterGcMB - points[0]!.heapAfterGcMB, 1) };
  } finally {
    await server.stop();
  }
}
