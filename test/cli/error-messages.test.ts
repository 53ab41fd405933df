// A credential pasted into the wrong place of a config file, an ignore file or a baseline must not come
// back in the error that rejects the file (exit 2 through the real bundle; in the action, an ::error::).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom, validators } from '../../packages/engine/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'keyward-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const githubToken = validators.get('github-crc32')!.generate(new SeededRandom('error-messages'), 'ghp_');
// A password no rule knows: only its shape gives it away.
const password = new SeededRandom('error-password').string('abcdefghijklmnopqrstuvwxyz0123456789', 14);

function scanWith(files: Record<string, string>, args: string[] = []) {
  const dir = mkdtempSync(path.join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const r = spawnSync(process.execPath, [cli, 'scan', dir, '--no-progress', ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, all: r.stdout + r.stderr };
}

/** Neither the secret nor any 8 characters of it in a row. */
function expectNoPieceOf(text: string, secret: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) expect(text.includes(secret.slice(i, i + 8)), `"${text}" shows part of the secret`).toBe(false);
}

const cases: Array<[string, (secret: string) => Record<string, string>, string[]?]> = [
  ['an unknown key', (s) => ({ '.keyward.yaml': `${s}: true\n` })],
  ['a disabledRules id', (s) => ({ '.keyward.yaml': `disabledRules: [${s}]\n` })],
  ['a ruleAllowlists id', (s) => ({ '.keyward.yaml': `ruleAllowlists:\n  ${s}: { paths: ['docs/**'] }\n` })],
  ['a YAML alias name', (s) => ({ '.keyward.yaml': `disabledRules: [*${s}]\n` })],
  ['an allowlist regex that does not compile', (s) => ({ '.keyward.yaml': `allowlist:\n  regexes: ['(${s}']\n` })],
  ['a .keywardignore line', (s) => ({ '.keywardignore': `${s}\n` })],
  ['a baseline that is not JSON', (s) => ({ 'baseline.json': `${s}\n` }), ['--baseline', 'baseline.json']],
];

describe('error messages quote no secret', () => {
  for (const [where, files, args] of cases) {
    for (const [kind, secret] of [['a GitHub token', githubToken], ['a password', password]] as const) {
      it(`${kind} in ${where}: a clear exit 2 that names the file, without the secret`, () => {
        const r = scanWith(files(secret), args);
        expect(r.code, r.all).toBe(2);
        expect(r.stderr).toMatch(/\.keyward\.yaml|\.keywardignore|baseline\.json/);
        expectNoPieceOf(r.all, secret);
      });
    }
  }

  it('a misspelt key is still quoted as written', () => {
    const r = scanWith({ '.keyward.yaml': 'disabledRule: [generic-token]\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"disabledRule": unknown key');
    const id = scanWith({ '.keyward.yaml': 'disabledRules: [aws-acess-key]\n' });
    expect(id.stderr).toContain('"aws-acess-key": names no rule');
  });
});
