/** Helpers for the engine tests: a recording in-process backend and engines that clean up after themselves. */
import { methodType } from '../../../mock-server/protocol';
import { WcsEngine, type HookReply, type WcsEngineOptions } from '../../../mock-server/wcs/engine';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';

export interface SeenHook {
  method: string;
  body: Record<string, unknown>;
}

export type Answerer = (method: string, body: Record<string, unknown>) => HookReply | undefined | Promise<HookReply | undefined>;

/** A backend that echoes everything unless `answer` returns something else; records what it saw. */
export function recordingBackend(answer?: Answerer) {
  const hooks: SeenHook[] = [];
  return {
    hooks,
    /** "method" or "method STATUS" per hook, for sequence assertions. */
    sequence: () => hooks.map((h) => (methodType(h.method) === 'event' && typeof h.body.status === 'string' ? `${h.method} ${h.body.status}` : h.method)),
    of: (method: string) => hooks.filter((h) => h.method === method),
    backend: {
      handler: async (method: string, body: Record<string, unknown>): Promise<HookReply> => {
        hooks.push({ method, body });
        return (await answer?.(method, body)) ?? { status: 200, body };
      },
    },
  };
}

/** `{status:200, body}` echoing the connect body, with restClientConfig added. */
export function connectAnswer(body: Record<string, unknown>, restClientConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): HookReply {
  return { status: 200, body: { ...body, ...extra, restClientConfig } };
}

export const forbid = (reason?: string): HookReply =>
  reason === undefined ? { status: 403 } : { status: 403, body: { status: 403, reason }, headers: { 'Content-Type': 'application/json' } };

const engines: WcsEngine[] = [];

export function makeEngine(opts: Partial<WcsEngineOptions> & Pick<WcsEngineOptions, 'backend'>): WcsEngine {
  const e = new WcsEngine({ pingIntervalMs: 0, ...opts });
  engines.push(e);
  return e;
}

export async function closeEngines(): Promise<void> {
  await Promise.all(engines.splice(0).map((e) => e.close({ abortHooks: true })));
}

/** Client + connect in one go; fails the test if the session is not established. */
export async function connected(engine: WcsEngine, opts: Parameters<ScriptedClient['connect']>[0] = {}, clientOpts: ConstructorParameters<typeof ScriptedClient>[1] = {}): Promise<ScriptedClient> {
  const c = new ScriptedClient(engine, clientOpts);
  const r = await c.connect(opts);
  if (!r.established) throw new Error(`connect refused: ${r.info}\n${engine.logText()}`);
  return c;
}

export function framesNamed(c: ScriptedClient, message: string): Record<string, unknown>[] {
  return c.frames.filter((f) => f.message === message).map((f) => f.data[0] as Record<string, unknown>);
}
