/**
 * Rules files: ordered matchers + an answer each, then a default. The same file drives the CLI, the
 * extension and CI, so a mistake in it must be reported with the file, line, column and the path of the bad
 * field, never as a zod dump.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import type { AnyHookType } from '../protocol/methods';
import type { AnswerSpec, Policy, RuleAnswer } from './types';
import { ANY_HOOK_TYPES, isBlockable } from '../protocol/methods';
import { JsonSyntaxError, parseJsonLocated, pathKey } from './jsonLocate';

export type { Policy, RuleAnswer } from './types';


const StatusSchema = z
  .number()
  .int()
  .min(100)
  .max(599)
  .describe('HTTP status to answer with. WCS accepts only 200; anything else is an "interaction error".');

/**
 * The object answer forms. One object with optional parts (rather than a union of three objects) so that a
 * wrong field is reported at its own path ("rules[1].answer.status") instead of as "no union member matched".
 */
const ObjectAnswerSchema = z
  .strictObject({
    status: StatusSchema,
    reason: z
      .string()
      .optional()
      .describe('Decline with {"status":N,"reason":"..."} as JSON; WCS shows the reason to the client.'),
    merge: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Shallow-merge these fields over the received body and send the result.'),
    body: z.unknown().optional().describe('Send this body (object/array as JSON, string as is).'),
  })
  .superRefine((a, ctx) => {
    const parts = (['reason', 'merge', 'body'] as const).filter((k) => a[k] !== undefined);
    if (parts.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [parts[1]],
        message: `use only one of reason, merge, body (found ${parts.join(' and ')})`,
      });
    }
  });

const KeywordSchema = z
  .enum(['echo', 'forbid', 'hold'])
  .describe('"echo": 200 with the received body; "forbid": 403 empty; "hold": wait for the developer.');

export const RuleAnswerSchema = z.union([KeywordSchema, ObjectAnswerSchema]);

const MethodNameSchema = z.string().min(1);

export const RuleSchema = z.strictObject({
  name: z.string().optional().describe('Shown when this rule answers a hook.'),
  method: z
    .union([MethodNameSchema, z.array(MethodNameSchema).min(1)])
    .optional()
    .describe('Hook method name(s), case-sensitive, e.g. "connect" or ["OnCallEvent", "call"].'),
  type: z.enum(ANY_HOOK_TYPES).optional().describe('Hook type from the catalog; "unknown" for names not in it.'),
  app: z
    .string()
    .optional()
    .describe('App path before the method: "/EchoApp", "EchoApp" or its last segment ("my_api" for /rest/my_api).'),
  when: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional()
    .describe('Body fields that must be equal; a dotted key ("custom.login") reaches into nested objects.'),
  answer: RuleAnswerSchema,
});

export const RulesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(RuleSchema).describe('Evaluated in order; the first matching rule answers.'),
  default: RuleAnswerSchema.optional().describe('Answer when no rule matches; without it the server policy decides.'),
});

export interface Rule {
  readonly name?: string;
  readonly method?: string | readonly string[];
  readonly type?: AnyHookType;
  readonly app?: string;
  readonly when?: Readonly<Record<string, string | number | boolean | null>>;
  readonly answer: RuleAnswer;
}

export interface RulesFile {
  readonly rules: readonly Rule[];
  readonly default?: RuleAnswer;
}

export class RulesError extends Error {
  constructor(
    message: string,
    /** Path of the bad field, e.g. `rules[1].answer.status`; '' for the file as a whole. */
    readonly path: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'RulesError';
  }
}

/** `rules[1].answer.status` from `['rules', 1, 'answer', 'status']`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function location(file: string | undefined, line?: number, column?: number): string {
  if (!file && line === undefined) return '';
  return `${file ?? '<rules>'}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: `;
}

interface FlatIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * zod reports a union failure as "Invalid input" with one issue list per member. Pick the member the
 * author evidently meant: an object for an object, a keyword for a string; otherwise the deepest issue.
 */
function flatten(issue: z.core.$ZodIssue, input: unknown, base: PropertyKey[] = []): FlatIssue {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let at: unknown = input;
    for (const p of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[p] : undefined;
    if (typeof at === 'string' && path[path.length - 1] !== 'method') {
      return { path, message: `expected "echo", "forbid", "hold" or an object {status, ...}; got "${at}"` };
    }
    const candidates = issue.errors.map((branch) => branch.map((i) => flatten(i, input, path)));
    // Prefer the branch whose first problem is deepest: it got furthest before failing.
    candidates.sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0));
    const best = candidates[0]?.[0];
    if (best) return best;
  }
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  return { path, message: issue.message };
}

/** Validates a parsed rules file. Throws RulesError naming the first bad field. */
export function parseRules(json: unknown, file?: string): RulesFile {
  return parseWithPositions(json, file, undefined);
}

function parseWithPositions(
  json: unknown,
  file: string | undefined,
  positions: ReadonlyMap<string, { line: number; column: number }> | undefined,
): RulesFile {
  const result = RulesFileSchema.safeParse(json);
  if (result.success) return result.data as RulesFile;
  const first = flatten(result.error.issues[0]!, json);
  const path = formatPath(first.path);
  // Point at the bad field itself, or at the closest enclosing value that exists (a missing field's parent).
  let pos: { line: number; column: number } | undefined;
  if (positions) {
    for (let n = first.path.length; n >= 0 && !pos; n--) pos = positions.get(pathKey(first.path.slice(0, n)));
  }
  const where = location(file, pos?.line, pos?.column);
  throw new RulesError(`${where}${path || 'rules file'}: ${first.message}`, path, file, pos?.line, pos?.column);
}

/** Parses and validates the text of a rules file; syntax errors carry line and column. */
export function parseRulesText(text: string, file?: string): RulesFile {
  let located;
  try {
    located = parseJsonLocated(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const { line, column } = err.position;
      throw new RulesError(`${location(file, line, column)}invalid JSON: ${err.message}`, '', file, line, column);
    }
    throw err;
  }
  return parseWithPositions(located.value, file, located.positions);
}

/** Rules files are written by people; anything larger is not one (`--rules /dev/zero`). */
export const MAX_RULES_FILE_BYTES = 4 * 1024 * 1024;
/** A regular file of at most the cap reads in far less; past this something is wrong with the disk. */
const RULES_READ_TIMEOUT_MS = 5000;

export async function loadRulesFile(path: string): Promise<RulesFile> {
  const text = await readRulesText(path);
  return parseRulesText(text, path);
}

/**
 * Reads a rules file: regular files only (a FIFO or device would block a thread of the shared I/O pool, which
 * the journal writer and shutdown need), at most MAX_RULES_FILE_BYTES, within a time bound.
 */
async function readRulesText(path: string): Promise<string> {
  const fail = (why: string): never => {
    throw new RulesError(`${path}: cannot read rules file: ${why}`, '', path);
  };
  let fh: FileHandle | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below by fstat.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (st.isDirectory()) fail('is a directory');
    if (!st.isFile()) fail('not a regular file');
    if (st.size > MAX_RULES_FILE_BYTES) fail(`${st.size} bytes is over the ${MAX_RULES_FILE_BYTES}-byte limit for rules files`);
    const buf = Buffer.alloc(Math.min(st.size, MAX_RULES_FILE_BYTES) + 1);
    let timer: NodeJS.Timeout | undefined;
    const read = (async () => {
      let n = 0;
      for (;;) {
        const { bytesRead } = await fh!.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) return n;
        n += bytesRead;
        if (n === buf.length) return n;
      }
    })();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RulesError(`${path}: cannot read rules file: no data within ${RULES_READ_TIMEOUT_MS / 1000}s`, '', path)), RULES_READ_TIMEOUT_MS);
    });
    let n: number;
    try {
      n = await Promise.race([read, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    // The file grew while it was read.
    if (n > MAX_RULES_FILE_BYTES) fail(`over the ${MAX_RULES_FILE_BYTES}-byte limit for rules files`);
    return buf.toString('utf8', 0, n);
  } catch (err) {
    if (err instanceof RulesError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return fail(why);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** JSON Schema of rules files, for editors (the VS Code extension's jsonValidation). */
export function rulesJsonSchema(): object {
  return z.toJSONSchema(RulesFileSchema, { unrepresentable: 'any' });
}

/** Checks an answer given at run time (by the extension or CLI), with the same messages as a rules file. */
export function parseAnswerSpec(value: unknown): AnswerSpec {
  const r = RuleAnswerSchema.safeParse(value);
  if (!r.success) {
    const first = flatten(r.error.issues[0]!, value);
    throw new TypeError(`invalid answer${first.path.length ? ` at ${formatPath(first.path)}` : ''}: ${first.message}`);
  }
  if (r.data === 'hold') throw new TypeError('invalid answer: "hold" is a rule decision, not an answer');
  return r.data as AnswerSpec;
}

export interface HookFacts {
  readonly method: string;
  readonly type: AnyHookType;
  readonly app: string;
  readonly body?: unknown;
}

function fieldValue(body: unknown, key: string): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (key in b || !key.includes('.')) return b[key];
  let at: unknown = body;
  for (const part of key.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function appMatches(pattern: string, app: string): boolean {
  if (pattern === app) return true;
  const p = pattern.replace(/^\/+|\/+$/g, '');
  const a = app.replace(/^\/+/, '');
  return p === a || (p !== '' && !p.includes('/') && a.slice(a.lastIndexOf('/') + 1) === p);
}

/** Whether one rule matches a hook. Exported for tooling that explains which rule would answer. */
export function ruleMatches(rule: Rule, ex: HookFacts): boolean {
  const m = rule.method;
  if (m !== undefined && (typeof m === 'string' ? m !== ex.method : !m.includes(ex.method))) return false;
  if (rule.type !== undefined && rule.type !== ex.type) return false;
  if (rule.app !== undefined && !appMatches(rule.app, ex.app)) return false;
  if (rule.when) {
    for (const key in rule.when) if (fieldValue(ex.body, key) !== rule.when[key]) return false;
  }
  return true;
}

/** What the policy says when no rule (and no rules default) applies. */
export function policyAnswer(policy: Policy, method: string): RuleAnswer {
  if (policy === 'echo-all') return 'echo';
  if (policy === 'hold-all') return 'hold';
  return isBlockable(method) ? 'hold' : 'echo';
}

/** Rules first, then the rules file's default, then the server policy. */
export function decide(
  rules: RulesFile | undefined,
  policy: Policy,
  ex: HookFacts,
): { answer: RuleAnswer; ruleIndex?: number } {
  if (rules) {
    const list = rules.rules;
    for (let i = 0; i < list.length; i++) {
      if (ruleMatches(list[i]!, ex)) return { answer: list[i]!.answer, ruleIndex: i };
    }
    if (rules.default !== undefined) return { answer: rules.default };
  }
  return { answer: policyAnswer(policy, ex.method) };
}
