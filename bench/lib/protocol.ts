/** Messages between the bench orchestrator and its child processes (load generator, servers, probes). */

export interface LoadJob {
  url: string;
  body: string;
  connections: number;
  durationS?: number;
  /** Send exactly this many requests instead of running for a duration. */
  amount?: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency percentiles in ms, from every response's own timing. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

export type LoadgenMessage =
  | { kind: 'job'; id: number; job: LoadJob }
  | { kind: 'exit' };

export type LoadgenReply =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: LoadResult }
  | { kind: 'error'; id: number; message: string };

/** What a Node server child says over IPC. */
export type ServerReply =
  | { kind: 'ready'; port: number }
  | { kind: 'stats'; id: number; stats: ServerStats }
  | { kind: 'failed'; message: string };

export type ServerMessage = { kind: 'stats'; id: number; gc?: boolean } | { kind: 'exit' };

export interface ServerStats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  journalSize?: number;
  journalDropped?: number;
  served?: number;
}
