/**
 * The apps file of `wcs-hook-mock wcs --apps FILE`: JSON in the shape of AppsConfigSchema (wcs/apps.ts), so a
 * file and `installWcsMock({apps})` read alike. A mistake is reported as `file:line:column: path: problem`,
 * the way the rules file reports it, using the same position-keeping parser. Node only (reads files); it
 * lives with the CLI because the WCS mock itself stands on the protocol alone.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { LocatedFieldError, formatPath, parseJsonFile, pathKey, type TextPosition } from '../util';
import { AppsConfigSchema, type AppsConfig, type UnknownAppMode, type WcsAppConfig } from '../wcs';

export class AppsFileError extends LocatedFieldError {
  override readonly name = 'AppsFileError';
}

function where(file: string | undefined, pos: Pick<TextPosition, 'line' | 'column'> | undefined): string {
  if (!file && !pos) return '';
  return `${file ?? '<apps>'}${pos ? `:${pos.line}:${pos.column}` : ''}: `;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  // A wrong `methods` fails both union members; say what is accepted rather than zod's "Invalid input".
  if (issue.code === 'invalid_union') {
    const deepest = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest && deepest.path.length > 0) return describeIssue({ ...deepest, path: [...issue.path, ...deepest.path] } as z.core.$ZodIssue);
    return 'expected "all" or a list of hook method names';
  }
  return issue.message;
}

function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  if (issue.code === 'invalid_union') {
    const deepest = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest && deepest.path.length > 0) return [...issue.path, ...deepest.path];
  }
  return [...issue.path];
}

/** What `WcsEngineOptions` takes from an apps file. */
export interface AppsOptions {
  apps: Record<string, WcsAppConfig>;
  unknownApps?: UnknownAppMode;
}

/** Parses and validates the text of an apps file. Throws AppsFileError naming the first bad field. */
export function parseAppsText(text: string, file?: string): AppsOptions {
  const located = parseJsonFile(text, file, (line, column) => where(file, { line, column }), AppsFileError);
  const r = AppsConfigSchema.safeParse(located.value);
  if (r.success) return toOptions(r.data);
  const issue = r.error.issues[0]!;
  const path = issuePath(issue);
  // Point at the bad field itself, or at the closest enclosing value that exists (a missing field's parent).
  let pos: TextPosition | undefined;
  for (let n = path.length; n >= 0 && !pos; n--) pos = located.positions.get(pathKey(path.slice(0, n)));
  const p = formatPath(path);
  throw new AppsFileError(`${where(file, pos)}${p || 'apps file'}: ${describeIssue(issue)}`, p, file, pos?.line, pos?.column);
}

function toOptions(cfg: AppsConfig): AppsOptions {
  return { apps: cfg.apps as Record<string, WcsAppConfig>, ...(cfg.unknownApps ? { unknownApps: cfg.unknownApps } : {}) };
}

export async function loadAppsFile(path: string): Promise<AppsOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new AppsFileError(`${path}: cannot read apps file: ${why}`, '', path);
  }
  return parseAppsText(text, path);
}
