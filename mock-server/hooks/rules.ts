/**
 * Rules files: ordered matchers + an answer each, then a default. The same file drives the CLI, the
 * extension and CI, so a mistake in it must be reported with the file, line, column and the path of the bad
 * field, never as a zod dump.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as z from 'zod';
import { ANY_HOOK_TYPES, isBlockable, type AnyHookType } from '../protocol';
import { RuleAnswerSchema, type RuleAnswer } from './answer';
import { LocatedFieldError, parseJsonFile, pathKey } from '../util';
import type { Policy } from './types';
import { flattenIssue, formatPath } from './zodIssues';

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

/** One rule of a rules file, as its schema checks it. */
export type Rule = Readonly<z.output<typeof RuleSchema>>;

export interface RulesFile {
  readonly rules: readonly Rule[];
  readonly default?: RuleAnswer;
}

export class RulesError extends LocatedFieldError {
  override readonly name = 'RulesError';
}

function location(file: string | undefined, line?: number, column?: number): string {
  if (!file && line === undefined) return '';
  return `${file ?? '<rules>'}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: `;
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
  const first = flattenIssue(result.error.issues[0]!, json);
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
  const located = parseJsonFile(text, file, (line, column) => location(file, line, column), RulesError);
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

/** Rules first, then the rules file's default, then the forward target if there is one, then the server policy. */
export function decide(
  rules: RulesFile | undefined,
  policy: Policy,
  ex: HookFacts,
  forwardTarget?: string,
): { answer: RuleAnswer; ruleIndex?: number } {
  if (rules) {
    const list = rules.rules;
    for (let i = 0; i < list.length; i++) {
      if (ruleMatches(list[i]!, ex)) return { answer: list[i]!.answer, ruleIndex: i };
    }
    if (rules.default !== undefined) return { answer: rules.default };
  }
  if (forwardTarget !== undefined) return { answer: { forward: forwardTarget } };
  return { answer: policyAnswer(policy, ex.method) };
}
