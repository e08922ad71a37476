/**
 * "Generate handler stub…": language, methods (those seen pre-selected), the decisions taken in the tree,
 * then new editors or files in a folder. The generation itself is mock-server/codegen's.
 */
import * as vscode from 'vscode';
import { generateStub, STUB_TARGETS, type GeneratedStub, type StubTarget } from '../mock-server/codegen';
import { isBlockable, METHOD_NAMES, type RestClientConfig } from '../mock-server/protocol';
import type { Exchange } from '../mock-server/hooks';
import type { HookView } from '../mock-server/view';
import { decisionsFromExchanges, exchangesForStub, methodsSeen } from './stubDecisions';

/** Non-interactive use (tests, keybindings): everything given, nothing asked. */
export interface StubRequest {
  readonly target: StubTarget;
  readonly methods?: readonly string[];
  /** Answer connect with restClientConfig setting restOnError FAIL for the chosen blockable methods. */
  readonly connectFail?: boolean;
  /** Write the files here; without it they open as new untitled editors. */
  readonly folder?: vscode.Uri;
}

export interface StubResult {
  readonly stub: GeneratedStub;
  readonly written?: vscode.Uri[];
}

function isRequest(v: unknown): v is StubRequest {
  return typeof v === 'object' && v !== null && typeof (v as StubRequest).target === 'string';
}

/** The app path most hooks came in on ("/EchoApp"), for the stub's WCS setup note. */
function commonApp(exchanges: readonly Exchange[]): string {
  const counts = new Map<string, number>();
  for (const ex of exchanges) counts.set(ex.app, (counts.get(ex.app) ?? 0) + 1);
  let best = '/EchoApp';
  let n = 0;
  for (const [app, c] of counts) if (c > n && app) [best, n] = [app, c];
  return best;
}

function connectConfigFor(methods: readonly string[]): RestClientConfig {
  const config: Record<string, { restOnError: 'FAIL' }> = {};
  for (const m of methods) if (m !== 'connect' && isBlockable(m)) config[m] = { restOnError: 'FAIL' };
  return config;
}

export async function generateStubCommand(
  d: { model: HookView; log: vscode.LogOutputChannel },
  arg?: unknown,
  selection?: unknown,
): Promise<StubResult | undefined> {
  const exchanges = exchangesForStub(d.model, arg, selection);
  const seen = methodsSeen(exchanges);
  const request = isRequest(arg) ? arg : await ask(seen);
  if (!request) return undefined;
  const methods = request.methods ?? seen;
  const decisions = decisionsFromExchanges(exchanges).filter((dec) => methods.includes(dec.method));
  let stub: GeneratedStub;
  try {
    stub = generateStub({
      target: request.target,
      methods,
      decisions,
      connectConfig: request.connectFail ? connectConfigFor(methods) : undefined,
      appPath: commonApp(exchanges),
    });
  } catch (err) {
    void vscode.window.showErrorMessage(`No stub generated: ${(err as Error).message}`);
    return undefined;
  }
  d.log.info(`stub ${stub.target}: ${methods.length} method(s), ${decisions.length} decision(s) from the tree`);

  const folder = request.folder ?? (isRequest(arg) ? undefined : await askFolder());
  if (folder === null) return undefined;
  if (!folder) {
    for (const f of stub.files) {
      const doc = await vscode.workspace.openTextDocument({
        content: f.content,
        language: f.path === stub.entry ? stub.languageId : f.path.endsWith('.json') ? 'json' : undefined,
      });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    if (!isRequest(arg)) void vscode.window.showInformationMessage(`Stub ready. Save the files, then run: ${stub.runHint}`);
    return { stub };
  }
  const written: vscode.Uri[] = [];
  for (const f of stub.files) {
    const uri = vscode.Uri.joinPath(folder, ...f.path.split('/'));
    if (!isRequest(arg) && (await exists(uri))) {
      const ok = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} exists. Overwrite it?`, { modal: true }, 'Overwrite');
      if (ok !== 'Overwrite') continue;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(f.content));
    written.push(uri);
  }
  const entry = written.find((u) => u.path.endsWith(`/${stub.entry}`));
  if (entry && !isRequest(arg)) {
    await vscode.window.showTextDocument(entry);
    void vscode.window.showInformationMessage(`Stub written. Run it from ${vscode.workspace.asRelativePath(folder)}: ${stub.runHint}`);
  }
  return { stub, written };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function ask(seen: readonly string[]): Promise<StubRequest | undefined> {
  const t = await vscode.window.showQuickPick(
    STUB_TARGETS.map((x) => ({ label: x.label, description: x.description, id: x.id })),
    { title: 'Generate handler stub: language and framework' },
  );
  if (!t) return undefined;
  const all = [...seen, ...METHOD_NAMES.filter((m) => !seen.includes(m))];
  const picks = await vscode.window.showQuickPick(
    all.map((m) => ({ label: m, description: seen.includes(m) ? 'seen' : undefined, picked: seen.includes(m) })),
    { title: 'Methods to handle explicitly (every other one is echoed)', canPickMany: true },
  );
  if (!picks) return undefined;
  const methods = picks.map((p) => p.label);
  let connectFail = false;
  if (methods.some((m) => m !== 'connect' && isBlockable(m))) {
    const c = await vscode.window.showQuickPick(
      [
        { label: 'connect: echo', description: 'declines of the other hooks only get logged by WCS', fail: false },
        { label: 'connect: echo + restClientConfig', description: 'restOnError FAIL for the chosen methods, so a 403 stops them', fail: true },
      ],
      { title: 'How should the stub answer connect?' },
    );
    if (!c) return undefined;
    connectFail = c.fail;
  }
  return { target: t.id, methods, connectFail };
}

/** undefined: open as editors; null: cancelled. */
async function askFolder(): Promise<vscode.Uri | undefined | null> {
  const where = await vscode.window.showQuickPick(
    [{ label: 'Open as new editors', folder: false }, { label: 'Write files to a folder…', folder: true }],
    { title: 'Where should the stub go?' },
  );
  if (!where) return null;
  if (!where.folder) return undefined;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Write stub here' });
  return picked?.[0] ?? null;
}
