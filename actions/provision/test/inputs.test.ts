import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readMainSettings, readPostSettings, requestedRoles } from '../src/inputs.js';

const env = { RUNNER_TEMP: '/tmp/runner', GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '9', GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), 'ws-')) };
const reader = (values: Record<string, string>) => {
  const read: string[] = [];
  const fn = (name: string): string => {
    read.push(name);
    return values[name] ?? '';
  };
  return Object.assign(fn, { read });
};

describe('inputs', () => {
  test('postgres: typed settings with defaults, each input read once', () => {
    const read = reader({ backend: 'postgres', 'postgres-admin-url': 'postgresql://admin:pw@db:5432/app', 'postgres-template-role': 'app_ro', 'export-names': 'password=DB_PASS' });
    const settings = readMainSettings(read, env);
    expect(settings).toMatchObject({ backend: 'postgres', ttlMs: 3_600_000, exportModes: ['env'], rename: { password: 'DB_PASS' }, auditPath: '/tmp/runner/keyward-audit.jsonl' });
    expect(requestedRoles(settings)).toEqual(['app_ro']);
    expect(new Set(read.read).size).toBe(read.read.length);
    expect(settings.policy).toBeUndefined();
  });

  test.each([
    [{ backend: 'mysql' }, 'input "backend": must be postgres, github-app or vault'],
    [{ backend: 'postgres', ttl: '2d' }, 'input "ttl": must be between 1m and 24h'],
    [{ backend: 'postgres', export: 'env,stdout' }, 'input "export": "stdout" is not one of env, file, output'],
    [{ backend: 'postgres', 'keep-on-failure': 'later' }, 'input "keep-on-failure": "later" is not a duration'],
    [{ backend: 'postgres' }, 'input "postgres-admin-url": is required for the postgres backend'],
    [{ backend: 'vault', 'vault-addr': 'http://v', 'vault-role': 'ci', 'vault-secrets': 'a/b/c' }, 'input "vault-secrets": "a/b/c" should read "path field"'],
    [{ backend: 'vault', 'vault-addr': 'http://v', 'vault-secrets': 'a/b c', 'vault-method': 'ldap' }, 'input "vault-method": must be jwt or token'],
    [{ backend: 'github-app', 'github-app-id': 'abc', 'github-app-private-key': '-----BEGIN RSA PRIVATE KEY-----' }, 'input "github-app-id": must be a numeric app id'],
    [{ backend: 'postgres', policy: 'rules: 3' }, 'input "policy": policy from the "policy" input needs a "rules" list'],
    [{ backend: 'postgres', 'policy-file': 'missing.yml' }, 'input "policy-file": missing.yml does not exist'],
  ])('%j is refused naming the input', (values, message) => {
    expect(() => readMainSettings(reader(values), env)).toThrow(message);
  });

  test('vault and github-app settings; the policy file is read from the workspace', () => {
    writeFileSync(join(env.GITHUB_WORKSPACE, 'p.yml'), 'rules:\n  - backend: vault\n    roles: ["*"]\n');
    const vault = readMainSettings(reader({ backend: 'vault', 'vault-addr': 'http://v', 'vault-role': 'ci', 'vault-secrets': 'database/creds/ro username | U\ndatabase/creds/ro password', 'policy-file': 'p.yml' }), env);
    expect(vault.vault?.secrets).toEqual([
      { path: 'database/creds/ro', field: 'username', exportName: 'U' },
      { path: 'database/creds/ro', field: 'password', exportName: 'PASSWORD' },
    ]);
    expect(vault.policy?.rules).toHaveLength(1);
    expect(requestedRoles(vault)).toEqual(['database/creds/ro']);
    const app = readMainSettings(reader({ backend: 'github-app', 'github-app-id': '12', 'github-app-private-key': '-----BEGIN RSA PRIVATE KEY-----\n...', 'github-app-permissions': 'contents: read\nissues=write' }), env);
    expect(app.githubApp).toMatchObject({ owner: 'acme', repositories: ['widgets'], permissions: { contents: 'read', issues: 'write' } });
    expect(requestedRoles(app)).toEqual(['contents:read', 'issues:write']);
  });

  test('post settings never throw on a main-only input', () => {
    expect(readPostSettings(reader({ 'keep-on-failure': 'nonsense', ttl: 'x' }), env)).toMatchObject({ keepOnFailureMs: undefined, auditPath: '/tmp/runner/keyward-audit.jsonl' });
  });
});
