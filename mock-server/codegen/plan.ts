/**
 * What a handler stub does, decided once in a language-neutral form: which methods get a route, which
 * decisions become conditions, what each branch answers and which catalog notes go with it. The target
 * generators only render this plan, so all four languages behave alike by construction.
 */
import { explainDecline, lookupMethod, RestClientConfigSchema, type RestClientConfig } from '../protocol';
import type { AnswerSpec } from '../hooks';
import type { Literal } from './text';

export type Scalar = string | number | boolean | null;

/** What one branch (or a route's default) sends. */
export type Reply =
  | { readonly kind: 'echo' }
  /** `{"status":<status>,"reason":…}`, the body WCS shows the client. */
  | { readonly kind: 'reason'; readonly status: number; readonly reason: string }
  /** The received JSON object with these top-level fields set. */
  | { readonly kind: 'merge'; readonly status: number; readonly fields: Readonly<Record<string, Literal>> }
  /** The received JSON object with `restClientConfig` set to the stub's constant. */
  | { readonly kind: 'connect-config' }
  /** Fixed bytes; '' sends no body. */
  | { readonly kind: 'fixed'; readonly status: number; readonly body: string };

/**
 * How one target language spells the helper calls a reply becomes. Every stub defines the same four helpers
 * (echo, reason, merged, reply), so only names, the body variable and literals differ between languages.
 */
export interface ReplySyntax {
  readonly echo: string;
  readonly body: string;
  readonly quote: (text: string) => string;
  readonly literal: (fields: Readonly<Record<string, Literal>>, indent: string) => string;
  /** The expression that merges the stub's restClientConfig constant into the received body. */
  readonly connectConfig: string;
}

/** A reply as an expression of the target language. */
export function renderReply(r: Reply, indent: string, syntax: ReplySyntax): string {
  switch (r.kind) {
    case 'echo':
      return syntax.echo;
    case 'reason':
      return `reason(${r.status}, ${syntax.quote(r.reason)})`;
    case 'merge':
      return `merged(${r.status}, ${syntax.body}, ${syntax.literal(r.fields, indent)})`;
    case 'connect-config':
      return syntax.connectConfig;
    case 'fixed':
      return `reply(${r.status}, ${syntax.quote(r.body)})`;
  }
}

export interface Branch {
  /** All must hold (top-level body field equals the value, types compared strictly). Empty: always. */
  readonly conditions: readonly (readonly [field: string, value: Scalar])[];
  readonly reply: Reply;
  /** Why this branch exists, e.g. "you declined OnCallEvent when callee = PPP005 …". */
  readonly comment: readonly string[];
}

export interface Route {
  /** The hook method, i.e. the last path segment. */
  readonly method: string;
  /** A function-name-safe form of `method`, unique within the stub (`on_connect`). */
  readonly ident: string;
  /** What the catalog says about the method, as comment paragraphs. */
  readonly about: readonly string[];
  readonly branches: readonly Branch[];
  /** What the route answers when no branch applies; absent when an unconditional branch always answers. */
  readonly fallback?: Reply;
}

export interface StubPlan {
  readonly routes: readonly Route[];
  readonly connectConfig?: RestClientConfig;
  readonly appPath: string;
}

/** The decision and option shapes the plan needs (the public ones live in stubs.ts). */
export interface PlanDecision {
  readonly method: string;
  readonly when?: Readonly<Record<string, Scalar>>;
  readonly answer: AnswerSpec;
  readonly note?: string;
}
export interface PlanOptions {
  readonly methods: readonly string[];
  readonly decisions?: readonly PlanDecision[];
  readonly connectConfig?: RestClientConfig;
  readonly appPath?: string;
}

/** Characters that would make a method name something other than one plain path segment. */
const BAD_SEGMENT = /[\s/?#%\\\u0000-\u001f\u007f]/;

/** Whether a name can be a stub route: one plain, non-empty path segment (journal entries may not be). */
export function isStubMethodName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !BAD_SEGMENT.test(name);
}

function checkMethod(method: unknown, where: string): string {
  if (typeof method !== 'string' || method.length === 0) throw new Error(`${where}: a method name must be a non-empty string`);
  if (BAD_SEGMENT.test(method)) {
    throw new Error(`${where}: method name ${JSON.stringify(method)} is not a plain path segment`);
  }
  return method;
}

function checkStatus(status: unknown, where: string): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new Error(`${where}: status ${JSON.stringify(status)} is not an HTTP status (100-599)`);
  }
  return status;
}

/** Checks that a value survives the trip into a literal in every target (plain JSON, finite numbers). */
function toLiteral(value: unknown, where: string): Literal {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: ${value} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toLiteral(v, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = toLiteral(v, `${where}.${k}`);
    }
    return out;
  }
  throw new Error(`${where}: ${typeof value} is not a JSON value`);
}

function toReply(answer: AnswerSpec, where: string): Reply {
  if (answer === 'echo') return { kind: 'echo' };
  if (answer === 'forbid') return { kind: 'fixed', status: 403, body: '' };
  if (answer === null || typeof answer !== 'object') {
    throw new Error(`${where}: answer must be "echo", "forbid" or an object with a status`);
  }
  const status = checkStatus(answer.status, where);
  if ('reason' in answer && answer.reason !== undefined) {
    if (typeof answer.reason !== 'string') throw new Error(`${where}: reason must be a string`);
    return { kind: 'reason', status, reason: answer.reason };
  }
  if ('merge' in answer && answer.merge !== undefined) {
    const fields = toLiteral(answer.merge, `${where}.merge`);
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new Error(`${where}: merge must be an object`);
    }
    return { kind: 'merge', status, fields: fields as Record<string, Literal> };
  }
  const body = 'body' in answer ? answer.body : undefined;
  if (body === undefined) return { kind: 'fixed', status, body: '' };
  // Same wire form as the hook server: a string is sent as is, anything else as compact JSON.
  return { kind: 'fixed', status, body: typeof body === 'string' ? body : JSON.stringify(toLiteral(body, `${where}.body`)) };
}

function conditionText(field: string, value: Scalar): string {
  const shown = typeof value === 'string' && /^[\w@.:+-]+$/.test(value) ? value : JSON.stringify(value);
  return `${field} = ${shown}`;
}

function describeDecision(method: string, conditions: Branch['conditions'], reply: Reply): string {
  const when = conditions.length > 0 ? ` when ${conditions.map(([f, v]) => conditionText(f, v)).join(' and ')}` : '';
  switch (reply.kind) {
    case 'echo':
      return `you echoed ${method}${when}`;
    case 'reason':
      return `you declined ${method}${when} with reason ${JSON.stringify(reply.reason)}` +
        (reply.status === 403 ? '' : ` (status ${reply.status})`);
    case 'merge':
      return `you answered ${method}${when} with ${reply.status}, the body merged with ${JSON.stringify(reply.fields)}`;
    case 'fixed':
      if (reply.status === 403 && reply.body === '') return `you declined ${method}${when} (403, empty body)`;
      return `you answered ${method}${when} with ${reply.status} and ${reply.body === '' ? 'an empty body' : 'a fixed body'}`;
    case 'connect-config':
      return `you answered ${method}${when} with restClientConfig`;
  }
}

function about(method: string): string[] {
  const spec = lookupMethod(method);
  if (!spec) return [`${method}: ${explainDecline(method)}`];
  const kind = spec.certainty === 'documented' ? spec.type : `${spec.type}, ${spec.certainty}`;
  const alias = spec.name === method ? '' : ` (alias of ${spec.name})`;
  return [
    `${method}${alias} (${kind}): ${spec.description} Trigger: ${spec.trigger}.`,
    `Declining: ${explainDecline(method)}`,
  ];
}

function identFor(method: string, taken: Set<string>): string {
  const base = `on_${method.replace(/[^A-Za-z0-9_]/g, '_')}`;
  let ident = base;
  for (let i = 2; taken.has(ident); i++) ident = `${base}_${i}`;
  taken.add(ident);
  return ident;
}

export function buildPlan(options: PlanOptions): StubPlan {
  if (!options || !Array.isArray(options.methods)) throw new Error('stub options: methods must be an array of method names');
  const order: string[] = [];
  const seen = new Set<string>();
  const add = (m: string) => {
    if (!seen.has(m)) {
      seen.add(m);
      order.push(m);
    }
  };
  options.methods.forEach((m, i) => add(checkMethod(m, `methods[${i}]`)));

  const branches = new Map<string, Branch[]>();
  (options.decisions ?? []).forEach((d, i) => {
    const where = `decisions[${i}]`;
    const method = checkMethod(d?.method, where);
    const conditions: [string, Scalar][] = [];
    for (const [field, value] of Object.entries(d.when ?? {})) {
      if (field.length === 0) throw new Error(`${where}.when: field names must not be empty`);
      const ok = value === null || ['string', 'boolean'].includes(typeof value) ||
        (typeof value === 'number' && Number.isFinite(value));
      if (!ok) throw new Error(`${where}.when.${field}: must be a string, a finite number, a boolean or null`);
      conditions.push([field, value]);
    }
    const reply = toReply(d.answer, `${where}.answer`);
    const comment = [describeDecision(method, conditions, reply)];
    if (d.note !== undefined && d.note !== '') comment.push(`note: ${d.note}`);
    add(method);
    branches.set(method, [...(branches.get(method) ?? []), { conditions, reply, comment }]);
  });

  let connectConfig: RestClientConfig | undefined;
  if (options.connectConfig !== undefined) {
    const parsed = RestClientConfigSchema.safeParse(options.connectConfig);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`connectConfig.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    toLiteral(options.connectConfig, 'connectConfig');
    connectConfig = options.connectConfig;
    add('connect');
  }

  const taken = new Set<string>();
  const routes = order.map((method): Route => {
    const own = branches.get(method) ?? [];
    // Branches after an unconditional one could never run; keep the first unconditional and stop.
    const cut = own.findIndex((b) => b.conditions.length === 0);
    const kept = cut === -1 ? own : own.slice(0, cut + 1);
    const fallback: Reply | undefined =
      cut !== -1 ? undefined : method === 'connect' && connectConfig ? { kind: 'connect-config' } : { kind: 'echo' };
    return { method, ident: identFor(method, taken), about: about(method), branches: kept, fallback };
  });

  return { routes, connectConfig, appPath: options.appPath ?? '' };
}

export const ENV_LISTEN_NOTE =
  'HOST (default 127.0.0.1) and PORT (default 3000; 0 picks a free port) come from the environment. Use ' +
  'HOST=0.0.0.0 when WCS runs on another machine. The server prints "listening on http://HOST:PORT/".';

/** Header paragraphs every target starts with (commentBlock format). */
export function headerParagraphs(plan: StubPlan, targetLabel: string, runHint: string, listenNote = ENV_LISTEN_NOTE): string[] {
  const app = plan.appPath === '' ? '/' : plan.appPath.startsWith('/') ? plan.appPath : `/${plan.appPath}`;
  const handled = plan.routes.map((r) => r.method);
  return [
    `WCS REST hook backend (${targetLabel}), generated by wcs-hook-mock.`,
    '',
    'WCS sends every hook as an HTTP POST to <app URL>/<method> with a JSON body. This server routes on the last ' +
      'path segment, so any prefix works (/EchoApp/connect, /rest/connect, /connect). By default it echoes the body ' +
      'byte for byte with 200 and Content-Type: application/json, which is what WCS expects from a backend that ' +
      'accepts everything. Other HTTP methods get 405; a body that is not a JSON object gets 400.',
    '',
    'Run it:',
    `  ${runHint}`,
    listenNote,
    '',
    'Point WCS at it (WCS CLI: ssh -p 2001 admin@<wcs host>):',
    `  update app -l http://<this host>:<port>${app} defaultApp`,
    '  add app-rest-method -a defaultApp',
    'A 403 only blocks what a direct or incoming hook asks for when the connect answer set restOnError = "FAIL" ' +
      'for that method in restClientConfig; otherwise WCS only logs it.',
    '',
    handled.length > 0 ? `Handled explicitly: ${handled.join(', ')}. Every other method is echoed.` : 'Every method is echoed.',
  ];
}
