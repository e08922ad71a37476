/**
 * The manifest and the code must agree: a contributed command nobody registers, a menu naming a command that
 * does not exist or a `when` clause on a context key nobody sets all fail silently in VS Code.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../extension/config';
import { DEFAULT_WCS_SETTINGS } from '../../../extension/wcs/settings';
import { exchangeContextValue, present } from '../../../extension/tree/presentation';
import { HookView } from '../../../mock-server/view';
import { answered, exchange } from '../view/exchanges';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;

interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const code = sources(join(ROOT, 'extension')).map((f) => readFileSync(f, 'utf8')).join('\n');

/** Command ids the code registers: registerCommand('id', …) or a handler table entry 'id': (…) => …. */
const registered = new Set([
  ...[...code.matchAll(/registerCommand\(\s*['"]([\w.]+)['"]/g)].map((m) => m[1]),
  ...[...code.matchAll(/^\s*['"](wcsHookMock\.[\w.]+)['"]\s*:\s*(async\s*)?\(/gm)].map((m) => m[1]),
]);
const contributed: string[] = c.commands.map((x: { command: string }) => x.command);
const viewIds: string[] = Object.values(c.views as Record<string, { id: string }[]>).flat().map((v) => v.id);
const containerIds: string[] = Object.values(c.viewsContainers as Record<string, { id: string }[]>).flat().map((v) => v.id);
const contextKeys = new Set([...code.matchAll(/'setContext',\s*'([\w.]+)'/g)].map((m) => m[1]));
const allMenus = Object.entries(c.menus as Record<string, MenuEntry[]>);

/** Every context key a when clause reads, and the values it compares `view` with. */
function parseWhen(when: string): { keys: string[]; views: string[]; regexes: RegExp[] } {
  const regexes: RegExp[] = [];
  const stripped = when.replace(/=~\s*\/((?:\\\/|[^/])+)\/(\w*)/g, (_m, src: string, flags: string) => {
    regexes.push(new RegExp(src, flags));
    return '=~ REGEX';
  });
  const keys: string[] = [];
  const views: string[] = [];
  for (const term of stripped.split(/&&|\|\|/)) {
    const t = term.trim().replace(/^!/, '').replace(/^\(|\)$/g, '').trim();
    const m = /^([\w.]+)\s*(==|!=|=~)\s*(.+)$/.exec(t);
    if (m) {
      keys.push(m[1]);
      if (m[1] === 'view') views.push(m[3].trim());
    } else keys.push(t);
  }
  return { keys, views, regexes };
}

describe('extension manifest', () => {
  it('registers every contributed command and contributes every registered one', () => {
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but never registered');
    assert.deepEqual([...registered].filter((id) => !contributed.includes(id)), [], 'registered but not contributed');
    assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
  });

  it('keeps the names other tests and users rely on', () => {
    assert.deepEqual(c.viewsContainers.activitybar.map((v: { id: string; title: string }) => [v.id, v.title]), [['wcsHookMock', 'WCS Hooks']]);
    assert.deepEqual(c.views.wcsHookMock.map((v: { id: string }) => v.id), ['wcsHookMock.hooks', 'wcsHookMock.wcs']);
    const title = (id: string) => c.commands.find((x: { command: string }) => x.command === id)?.title;
    assert.equal(title('wcsHookMock.answerEcho'), 'Answer 200 (echo)');
    assert.equal(title('wcsHookMock.answerForbid'), 'Answer 403');
    assert.equal(title('wcsHookMock.answerForbidWithReason'), '403 with reason…');
    assert.equal(title('wcsHookMock.editAndAnswer'), 'Edit and answer…');
    assert.equal(title('wcsHookMock.answerWithStatus'), 'Answer with status…');
    assert.equal(title('wcsHookMock.alwaysAnswerLikeThis'), 'Always answer this method like this');
    assert.equal(title('wcsHookMock.generateStub'), 'Generate handler stub…');
  });

  it('names only real commands and submenus in menus, and every submenu is filled', () => {
    const submenus: string[] = c.submenus.map((s: { id: string }) => s.id);
    for (const [menu, entries] of allMenus) {
      for (const e of entries) {
        if (e.command) assert.ok(contributed.includes(e.command), `${menu}: unknown command ${e.command}`);
        else assert.ok(e.submenu && submenus.includes(e.submenu), `${menu}: unknown submenu ${e.submenu}`);
      }
    }
    for (const s of submenus) assert.ok(c.menus[s]?.length > 0, `submenu ${s} has no entries`);
  });

  it('has unique view ids in existing containers, and welcome content only for its views', () => {
    assert.equal(new Set(viewIds).size, viewIds.length);
    assert.equal(new Set(containerIds).size, containerIds.length);
    for (const container of Object.keys(c.views)) assert.ok(containerIds.includes(container), `views in unknown container ${container}`);
    for (const w of c.viewsWelcome) assert.ok(viewIds.includes(w.view), `welcome for unknown view ${w.view}`);
    for (const w of c.viewsWelcome) {
      for (const m of (w.contents as string).matchAll(/\(command:([\w.]+)/g)) {
        assert.ok(contributed.includes(m[1]) || m[1].startsWith('workbench.'), `welcome links unknown command ${m[1]}`);
      }
    }
  });

  it('uses only context keys that VS Code or the extension sets, and real view ids', () => {
    const builtIn = new Set(['view', 'viewItem', 'resourceScheme', 'resourceExtname', 'false', 'true']);
    const whens = [
      ...allMenus.flatMap(([, entries]) => entries.map((e) => e.when)),
      ...c.viewsWelcome.map((w: { when?: string }) => w.when),
    ].filter((w): w is string => typeof w === 'string');
    assert.ok(whens.length > 10);
    for (const w of whens) {
      const { keys, views } = parseWhen(w);
      for (const k of keys) assert.ok(builtIn.has(k) || contextKeys.has(k), `"${w}" reads ${k}, which nothing sets`);
      for (const v of views) assert.ok(viewIds.includes(v), `"${w}" names unknown view ${v}`);
    }
  });

  it('shows the inline answers exactly on held exchanges, as presentation flags them', () => {
    const inline = c.menus['view/item/context'].filter((e: MenuEntry) => e.group?.startsWith('inline') && e.when?.startsWith('view == wcsHookMock.hooks '));
    assert.deepEqual(inline.map((e: MenuEntry) => e.command).sort(), ['wcsHookMock.answerEcho', 'wcsHookMock.answerForbid']);
    const held = exchange('OnCallEvent');
    const m = new HookView();
    m.ingest(held);
    const heldCopy = present(m.children(m.roots()[0])[0], { now: 0 }).contextValue;
    for (const e of inline) {
      const [re] = parseWhen(e.when).regexes;
      assert.ok(re, `${e.command}: no viewItem regex`);
      for (const cv of [exchangeContextValue(held), heldCopy, exchangeContextValue(exchange('StreamStatusEvent'))]) {
        assert.match(cv, re, `${e.command} must show on ${cv}`);
      }
      for (const cv of [exchangeContextValue(answered(held)), exchangeContextValue({ ...held, state: 'aborted' }), 'wcsHook:session+pending']) {
        assert.doesNotMatch(cv, re, `${e.command} must not show on ${cv}`);
      }
    }
  });

  it('marks the policy in force in the policy submenu, and welcome text shows no markdown it cannot render', () => {
    const toggled = Object.fromEntries(
      (c.commands as { command: string; toggled?: string }[]).filter((x) => x.toggled).map((x) => [x.command, x.toggled]),
    );
    assert.deepEqual(toggled, {
      'wcsHookMock.policyHoldAll': 'wcsHookMock.policy == hold-all',
      'wcsHookMock.policyHoldBlockable': 'wcsHookMock.policy == hold-blockable',
      'wcsHookMock.policyEchoAll': 'wcsHookMock.policy == echo-all',
    });
    for (const w of c.viewsWelcome as { contents: string }[]) {
      // Welcome views render links only: backticks and placeholders like <port> show literally.
      assert.doesNotMatch(w.contents, /[`<>]/, w.contents);
    }
  });

  it('points at files that exist: snippets, schema, icons', () => {
    const langs = c.snippets.map((s: { language: string }) => s.language).sort();
    assert.deepEqual(langs, ['javascript', 'json', 'php', 'python', 'typescript']);
    for (const s of c.snippets) assert.ok(existsSync(join(ROOT, s.path)), `snippet file ${s.path} is missing (npm run gen:snippets)`);
    for (const j of c.jsonValidation) assert.ok(existsSync(join(ROOT, j.url)), `schema ${j.url} is missing`);
    assert.ok(c.jsonValidation.some((j: { fileMatch: string }) => j.fileMatch === '.vscode/wcs-hooks.json'));
    assert.ok(existsSync(join(ROOT, pkg.icon)));
    for (const v of c.viewsContainers.activitybar) assert.ok(existsSync(join(ROOT, v.icon)));
  });

  it('contributes exactly the settings the extension reads, each with a markdownDescription', () => {
    const props = c.configuration.properties as Record<string, { default: unknown; markdownDescription?: string }>;
    // The fake WCS's settings live under wcsHookMock.wcs.* (extension/wcs/settings.ts).
    const defaults: Record<string, unknown> = {
      ...Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [`wcsHookMock.${k}`, v])),
      ...Object.fromEntries(Object.entries(DEFAULT_WCS_SETTINGS).map(([k, v]) => [`wcsHookMock.wcs.${k}`, v])),
    };
    assert.deepEqual(Object.keys(props).sort(), Object.keys(defaults).sort());
    for (const [k, v] of Object.entries(props)) {
      assert.ok(v.markdownDescription && v.markdownDescription.length > 20, `${k} needs a markdownDescription`);
      assert.deepEqual(v.default, defaults[k], `${k} default`);
    }
  });

  it('hides item-only commands from the palette', () => {
    const hidden = c.menus.commandPalette.filter((e: MenuEntry) => e.when === 'false').map((e: MenuEntry) => e.command);
    for (const id of ['wcsHookMock.openExchange', 'wcsHookMock.copyAsCurl', 'wcsHookMock.saveAsHttp', 'wcsHookMock.replay']) {
      assert.ok(hidden.includes(id), `${id} only makes sense on a tree item`);
    }
  });
});
