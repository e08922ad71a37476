/** The orchestrator's handle on the load-generator process. */
import type { ChildProcess } from 'node:child_process';
import type { LoadJob, LoadResult, LoadgenReply } from './protocol';
import { forkTs, request, stopChild } from './proc';

export class Loadgen {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<Loadgen> {
    const { child } = await forkTs<LoadgenReply>('bench/loadgen.ts');
    return new Loadgen(child);
  }

  async run(job: LoadJob): Promise<LoadResult> {
    const rep = await request<{ kind: 'job'; job: LoadJob }, LoadgenReply & { id?: number }>(this.child, { kind: 'job', job });
    if (rep.kind === 'error') throw new Error(`load generator: ${rep.message}`);
    if (rep.kind !== 'result') throw new Error(`load generator: unexpected reply ${rep.kind}`);
    return rep.result;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
