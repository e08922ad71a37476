/**
 * Turns what the developer did in the tree into what a handler stub should do: the methods seen, and each
 * answer they gave that is not the default echo, as a decision conditioned on the field that told that hook
 * apart (the callee of a call, the stream name, the message recipient). No `vscode` import.
 */
import { CallSchema, MessageSchema, StreamSchema, lookupMethod } from '../mock-server/protocol';
import type { AnswerSpec, Exchange } from '../mock-server/hooks';
import type { StubDecision } from '../mock-server/codegen';
import type { ModelNode } from '../mock-server/view';

type Scalar = string | number | boolean | null;

/** The body field that identifies "which one" for a method, by the catalog schema its body follows. */
export function decisionKeyField(method: string): string | undefined {
  const schema = lookupMethod(method)?.schema;
  if (schema === CallSchema) return 'callee';
  if (schema === StreamSchema) return 'name';
  if (schema === MessageSchema) return 'to';
  return undefined;
}

/** Distinct methods in arrival order. */
export function methodsSeen(exchanges: Iterable<Exchange>): string[] {
  const seen = new Set<string>();
  for (const ex of exchanges) seen.add(ex.method);
  return [...seen];
}

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function whenFor(ex: Exchange): Record<string, Scalar> | undefined {
  const field = decisionKeyField(ex.method);
  const body = ex.body;
  if (!field || body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const v = (body as Record<string, unknown>)[field];
  return isScalar(v) ? { [field]: v } : undefined;
}

function sameAnswer(a: AnswerSpec, b: AnswerSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The developer's own answers (not rules', timeouts' or shutdown's), except plain echoes, which is what a
 * stub does anyway. For the same method and condition the latest answer wins; the order of first
 * appearance is kept so the stub reads like the session did.
 */
export function decisionsFromExchanges(exchanges: Iterable<Exchange>): StubDecision[] {
  const byKey = new Map<string, StubDecision>();
  for (const ex of exchanges) {
    const a = ex.answer;
    if (ex.state !== 'answered' || !a || a.by !== 'developer') continue;
    const when = whenFor(ex);
    const key = JSON.stringify([ex.method, when ?? null]);
    if (a.spec === 'echo') {
      // A later echo for the same hook undoes an earlier decline.
      byKey.delete(key);
      continue;
    }
    const prev = byKey.get(key);
    if (prev && sameAnswer(prev.answer, a.spec)) continue;
    if (prev) byKey.delete(key);
    byKey.set(key, { method: ex.method, ...(when ? { when } : {}), answer: a.spec });
  }
  return [...byKey.values()];
}

/**
 * The exchanges a stub is generated from: from an item menu VS Code passes the clicked node and the
 * selection, so every selected node counts (each exchange once: a held copy and its tree node are the
 * same one); from the view title or the palette (no node), everything the view holds.
 */
export function exchangesForStub(
  view: { exchangesUnder(node: ModelNode): Exchange[]; all(): Exchange[] },
  arg: unknown,
  selection: unknown,
): Exchange[] {
  const isNode = (v: unknown): v is ModelNode =>
    typeof v === 'object' && v !== null && typeof (v as ModelNode).kind === 'string' && typeof (v as ModelNode).id === 'string';
  const nodes = Array.isArray(selection) && selection.some(isNode) ? selection.filter(isNode) : isNode(arg) ? [arg] : [];
  if (nodes.length === 0) return view.all();
  const out = new Set<Exchange>();
  for (const n of nodes) for (const ex of view.exchangesUnder(n)) out.add(ex);
  return [...out].sort((a, b) => a.receivedAt - b.receivedAt);
}
