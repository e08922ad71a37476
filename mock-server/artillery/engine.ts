/**
 * An Artillery engine for the WCS scenarios (`engine: wcs`): each virtual user runs the scenarios its flow
 * names, each as one WebSDK session through a WCS engine whose hooks go to `config.target`, the backend's
 * app URL. Everything is reported through Artillery's own metrics, so `artillery run` prints it, and
 * Artillery's distributed runners add it up across workers like their HTTP metrics:
 * - counters `wcs.hooks_sent`, `wcs.answers.<status>`, `wcs.failures.<kind>` (timeout, refused, reset,
 *   `HTTP 403 (restOnError FAIL)` …), `wcs.sessions.completed|refused|failed`;
 * - histograms `wcs.response_time` and `wcs.response_time.<method>` (ms, HTTP answers of any status);
 * - rate `wcs.hook_rate`.
 *
 * The engine API is Artillery's (v2): `new Engine(script, ee, helpers)`, then `createScenario(spec, ee)`
 * returns `(context, callback)` for one virtual user.
 */
import { failureKind } from '../load';
import { SCENARIOS, ScenarioRun, isScenario, type FarEnd, type ScenarioName, type UrlBackend } from '../wcs';

/** The slice of Artillery's event emitter an engine uses. */
export interface ArtilleryEvents {
  emit(event: 'counter' | 'histogram', name: string, value: number): unknown;
  emit(event: 'rate', name: string): unknown;
  emit(event: 'started'): unknown;
  emit(event: 'error', code: string): unknown;
}

/** `config.engines.wcs` in the script. */
export interface WcsEngineConfig {
  /** Hook timeout in seconds, as WCS's rest_request_timeout (default 15). */
  timeout?: number;
  /** HTTP Basic credentials WCS sends with every hook. */
  basicAuth?: { username: string; password: string };
  /** Signs bodies: `Authorization: WCS <HMAC-MD5>`. */
  secret?: string;
  /** SIP side of outgoing calls, e.g. `{kind: answer, afterMs: 500}`, `{kind: busy}`, `{kind: reject, sipStatus: 486}`, `{kind: ring}`. */
  farEnd?: FarEnd;
}

export type WcsFlowStep = { run: string } | { think: number };

interface ArtilleryScript {
  config: { target?: string; engines?: { wcs?: WcsEngineConfig } };
}

type VuCallback = (err: Error | null, context: unknown) => void;

export class ArtilleryWcsEngine {
  private run: ScenarioRun | undefined;
  private readonly config: WcsEngineConfig;
  private readonly target: string;
  private ee: ArtilleryEvents | undefined;

  constructor(script: ArtilleryScript, _ee?: unknown, _helpers?: unknown) {
    this.config = script.config.engines?.wcs ?? {};
    this.target = script.config.target ?? '';
    const t = this.config.timeout;
    if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0)) throw new Error(`engine wcs: config.engines.wcs.timeout must be seconds ≥ 0, got ${JSON.stringify(t)}`);
  }

  /** Checks the flow when Artillery compiles the script, so a typo stops the run before any load. */
  createScenario(spec: { name?: string; flow?: unknown[] }, ee: ArtilleryEvents): (context: unknown, callback: VuCallback) => void {
    const steps = (spec.flow ?? []).map((s, i) => parseStep(s, `scenario ${JSON.stringify(spec.name ?? '')} step ${i + 1}`));
    if (!/^https?:\/\//.test(this.target)) throw new Error(`engine wcs: config.target must be the backend's app URL (http://…/EchoApp), got ${JSON.stringify(this.target)}`);
    this.ee ??= ee;
    return (context, callback) => {
      ee.emit('started');
      this.runSteps(steps, ee).then(
        (err) => callback(err, context),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), context),
      );
    };
  }

  private engine(): ScenarioRun {
    if (this.run) return this.run;
    const c = this.config;
    const backend: UrlBackend = { url: this.target };
    if (c.basicAuth) backend.basicAuth = c.basicAuth;
    if (c.secret) backend.signingSecret = c.secret;
    // One engine per Artillery worker: virtual users are sessions on it, as clients are on one WCS node.
    this.run = new ScenarioRun({
      backend,
      hookTimeoutMs: c.timeout === undefined ? undefined : Math.round(c.timeout * 1000),
      farEnd: c.farEnd,
      transcripts: false,
      onHook: (_sid, method, r) => {
        const ee = this.ee;
        if (!ee || !r.sent) return;
        ee.emit('counter', 'wcs.hooks_sent', 1);
        ee.emit('rate', 'wcs.hook_rate');
        const res = r.response;
        if (res && !res.failure) {
          ee.emit('counter', `wcs.answers.${res.status}`, 1);
          ee.emit('histogram', 'wcs.response_time', res.durationMs);
          ee.emit('histogram', `wcs.response_time.${method}`, res.durationMs);
        }
        const kind = failureKind(r);
        if (kind !== undefined) ee.emit('counter', `wcs.failures.${kind}`, 1);
      },
    });
    return this.run;
  }

  /** Runs one virtual user's steps; resolves with the error that fails it, or null. */
  private async runSteps(steps: readonly ParsedStep[], ee: ArtilleryEvents): Promise<Error | null> {
    for (const step of steps) {
      if ('think' in step) {
        await new Promise((r) => setTimeout(r, step.think * 1000));
        continue;
      }
      const out = await this.engine().session(step.run);
      ee.emit('counter', `wcs.sessions.${out.outcome === 'error' ? 'failed' : out.outcome}`, 1);
      // A session that got no answer fails the virtual user, as an HTTP error fails one in Artillery's HTTP engine.
      if (out.outcome === 'error') {
        ee.emit('error', `wcs: ${step.run} failed`);
        return new Error(out.error ?? `${step.run} failed`);
      }
    }
    return null;
  }
}

type ParsedStep = { run: ScenarioName } | { think: number };

function parseStep(step: unknown, where: string): ParsedStep {
  const s = step as Partial<Record<string, unknown>> | null;
  if (s && typeof s.run === 'string') {
    if (!isScenario(s.run)) throw new Error(`engine wcs: ${where}: unknown scenario ${JSON.stringify(s.run)} (one of ${SCENARIOS.join(', ')})`);
    return { run: s.run };
  }
  if (s && typeof s.think === 'number' && s.think >= 0) return { think: s.think };
  throw new Error(`engine wcs: ${where}: expected {run: <scenario>} or {think: <seconds>}, got ${JSON.stringify(step)}`);
}
