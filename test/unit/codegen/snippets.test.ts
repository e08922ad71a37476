/**
 * Snippets: the committed files are what the catalog generates (stale files fail), every hook body
 * snippet inserts the catalog's sample, the answers are valid for WCS, the handler snippets are valid
 * code in their language once VS Code has expanded them, and `$`/`\` survive snippet syntax.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { METHOD_NAMES, METHODS, REST_ON_ERROR, RestClientConfigSchema, sampleBody } from '../../../mock-server/protocol';
import { generateSnippets, renderSnippetFiles, SNIPPET_LANGUAGES, type SnippetFile } from '../../../mock-server/codegen/snippets';
import { choice, escapeSnippetText, placeholder, snippet } from '../../../mock-server/codegen/snippetSyntax';
import { needs } from '../../support/skip';
import { expandSnippet, snippetChoices } from './snippetExpand';
import { findFlaskPython, hasPhp } from './toolchains';

const SNIPPETS_DIR = join(__dirname, '..', '..', '..', 'snippets');
const files = generateSnippets();
const byPrefix = (file: SnippetFile, prefix: string) => {
  const found = Object.values(file).find((s) => s.prefix === prefix);
  assert.ok(found, `no snippet with prefix ${prefix}`);
  return found;
};

describe('codegen: snippets', () => {
  it('the committed snippets/ files are exactly what the catalog generates (run npm run gen:snippets)', () => {
    const rendered = renderSnippetFiles();
    const committed = readdirSync(SNIPPETS_DIR).filter((f) => f.endsWith('.code-snippets')).sort();
    assert.deepEqual(committed, Object.keys(rendered).sort(), 'snippets/ holds exactly the generated files');
    for (const [name, text] of Object.entries(rendered)) {
      assert.ok(readFileSync(join(SNIPPETS_DIR, name), 'utf8') === text, `snippets/${name} is stale: run npm run gen:snippets`);
    }
  });

  it('has one file per language, each entry with a prefix, a body and a description; prefixes unique per file', () => {
    assert.deepEqual(Object.keys(files).sort(), Object.keys(SNIPPET_LANGUAGES).sort());
    for (const [name, file] of Object.entries(files)) {
      const prefixes = Object.values(file).map((s) => s.prefix);
      assert.equal(new Set(prefixes).size, prefixes.length, `${name}: duplicate prefix`);
      for (const [key, s] of Object.entries(file)) {
        assert.ok(s.prefix && s.description && s.body.length > 0, `${name}: ${key}`);
        assert.doesNotThrow(() => expandSnippet(s.body), `${name}: ${key} parses as snippet syntax`);
      }
    }
  });

  describe('json', () => {
    const json = files['json.code-snippets']!;

    it('inserts the catalog sample for every hook method', () => {
      for (const m of METHODS) {
        const s = byPrefix(json, `wcs-hook-${m.name}`);
        assert.deepEqual(JSON.parse(expandSnippet(s.body)), sampleBody(m.name), m.name);
        assert.ok(s.description.includes(m.description));
      }
    });

    it('connect answer: the received body plus a restClientConfig WCS accepts, choices from the catalog', () => {
      const s = byPrefix(json, 'wcs-answer-connect');
      const answer = JSON.parse(expandSnippet(s.body));
      const { restClientConfig, ...rest } = answer;
      assert.deepEqual(rest, sampleBody('connect'));
      assert.ok(RestClientConfigSchema.safeParse(restClientConfig).success);
      assert.deepEqual(restClientConfig, {
        publishStream: { restExclude: '', clientExclude: '', restOnError: 'FAIL', restPolicy: 'NOTIFY', restOverwrite: '' },
      });
      const choices = snippetChoices(s.body);
      assert.deepEqual([...choices.get(1)!].sort(), [...METHOD_NAMES].sort(), 'every catalog method can be configured');
      assert.deepEqual([...choices.get(4)!].sort(), [...REST_ON_ERROR].sort());
      assert.deepEqual(choices.get(5), ['NOTIFY', 'OVERWRITE', 'DISABLE']);
    });

    it('reason body: exactly {"status":403,"reason":"…"}', () => {
      assert.equal(expandSnippet(byPrefix(json, 'wcs-answer-reason').body), '{"status":403,"reason":"Wrong credentials"}');
    });

    it('OVERWRITE entry: a valid restClientConfig member with restPolicy OVERWRITE', () => {
      const entry = JSON.parse(`{${expandSnippet(byPrefix(json, 'wcs-answer-overwrite').body)}}`);
      assert.ok(RestClientConfigSchema.safeParse(entry).success);
      assert.equal(entry.publishStream.restPolicy, 'OVERWRITE');
      assert.equal(entry.publishStream.restOverwrite, 'name');
    });
  });

  describe('handlers', () => {
    const PREFIXES = ['wcs-route-echo', 'wcs-route-decline', 'wcs-connect-config', 'wcs-signature'];

    it('every language has the echo, decline, connect and signature snippets', () => {
      for (const name of ['typescript', 'javascript', 'php', 'python']) {
        const prefixes = Object.values(files[`${name}.code-snippets`]!).map((s) => s.prefix).sort();
        assert.deepEqual(prefixes, [...PREFIXES].sort(), name);
      }
    });

    for (const [name, loader] of [['typescript', 'ts'], ['javascript', 'js']] as const) {
      it(`${name}: each expands to code esbuild parses, with template literals and regexes intact`, () => {
        for (const s of Object.values(files[`${name}.code-snippets`]!)) {
          const code = expandSnippet(s.body);
          assert.doesNotThrow(() => transformSync(code, { loader }), `${s.prefix}:\n${code}`);
        }
        const sig = expandSnippet(byPrefix(files[`${name}.code-snippets`]!, 'wcs-signature').body);
        assert.ok(sig.includes("`WCS ${createHmac('md5', secret).update(raw).digest('hex')}`"));
        if (name === 'typescript') {
          assert.ok(expandSnippet(byPrefix(files['typescript.code-snippets']!, 'wcs-route-echo').body).includes('app.post(/\\/publishStream\\/?$/'));
        }
      });
    }

    it('javascript: the signature check accepts the right HMAC-MD5 and refuses others', () => {
      const code = expandSnippet(byPrefix(files['javascript.code-snippets']!, 'wcs-signature').body);
      const signedByWcs = new Function('require', `${code}\nreturn signedByWcs;`)(require) as (raw: Buffer, auth: string | undefined, secret: string) => boolean;
      const raw = Buffer.from('{"nodeId" : "x"}');
      const good = `WCS ${createHmac('md5', 'k3y').update(raw).digest('hex')}`;
      assert.equal(signedByWcs(raw, good, 'k3y'), true);
      assert.equal(signedByWcs(raw, good, 'other'), false);
      assert.equal(signedByWcs(raw, undefined, 'k3y'), false);
      assert.equal(signedByWcs(Buffer.from('{"nodeId":"x"}'), good, 'k3y'), false, 'a re-serialised body does not match');
    });

    it('php: each expands to code php -l accepts, with every $variable intact', function () {
      needs(this, hasPhp(), 'php', 'apt-get install php-cli');
      for (const s of Object.values(files['php.code-snippets']!)) {
        const code = expandSnippet(s.body);
        const r = spawnSync('php', ['-l'], { input: `<?php\n${code}\n`, encoding: 'utf8' });
        assert.equal(r.status, 0, `${s.prefix}: ${r.stdout}${r.stderr}\n${code}`);
        assert.ok(code.includes("$_SERVER['"), `${s.prefix} keeps $_SERVER`);
      }
      assert.ok(expandSnippet(byPrefix(files['php.code-snippets']!, 'wcs-route-decline').body).includes("$body = json_decode($raw, true);"));
    });

    it('python: each expands to code Python parses; the signature check works', function () {
      const python = findFlaskPython() ?? 'python3';
      const probe = spawnSync(python, ['-c', 'pass']);
      needs(this, probe.status === 0, 'python3', 'apt-get install python3');
      for (const s of Object.values(files['python.code-snippets']!)) {
        const code = expandSnippet(s.body);
        const r = spawnSync(python, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
        assert.equal(r.status, 0, `${s.prefix}: ${r.stderr}\n${code}`);
      }
      const sig = expandSnippet(byPrefix(files['python.code-snippets']!, 'wcs-signature').body);
      const raw = '{"nodeId" : "x"}';
      const good = `WCS ${createHmac('md5', 'k3y').update(raw).digest('hex')}`;
      const script = `import hmac\n${sig}\nimport sys\nraw = sys.stdin.buffer.read()\nprint(signed_by_wcs(raw, ${JSON.stringify(good)}, "k3y"), signed_by_wcs(raw, ${JSON.stringify(good)}, "no"), signed_by_wcs(raw, None, "k3y"))`;
      const r = spawnSync(python, ['-c', script], { input: raw, encoding: 'utf8' });
      assert.equal(r.stdout.trim(), 'True False False', r.stderr);
    });
  });

  describe('snippet syntax', () => {
    it('any literal text survives escaping: VS Code inserts exactly it', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expandSnippet([escapeSnippetText(s)]) === s));
    });

    it('placeholder defaults and choice options survive too', () => {
      fc.assert(fc.property(fc.string(), (s) => expandSnippet(placeholder(1, s).text.split('\n')) === s));
      fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (opts) => {
        const body = [choice(1, opts).text];
        return JSON.stringify(snippetChoices(body).get(1)) === JSON.stringify(opts) && expandSnippet(body) === opts[0];
      }));
    });

    it('the tagged template escapes literal parts and keeps syntax parts', () => {
      const body = snippet`$x = '${placeholder(1, 'a}b')}'; // \\d $${choice(2, ['A', 'B'])}`;
      assert.deepEqual(body, ["\\$x = '${1:a\\}b}'; // \\\\d \\$${2|A,B|}"]);
      assert.equal(expandSnippet(body), "$x = 'a}b'; // \\d $A");
    });
  });
});
