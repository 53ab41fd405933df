import { describe, expect, test } from 'vitest';
import { type JobClaims, evaluatePolicy, globMatch, parsePolicy } from '../src/index.js';

const policy = parsePolicy(
  `
rules:
  - backend: postgres
    roles: [app_prod_*]
    environments: [production]
    refs: [refs/heads/main]
    protected-ref: true
  - backend: postgres
    roles: [app_ci]
  - backend: vault
    roles: ["database/creds/ci-*"]
    events: [push, pull_request]
`,
  'test-policy.yml',
);

const production: JobClaims = { environment: 'production', ref: 'refs/heads/main', ref_protected: 'true', event_name: 'push', repository: 'acme/widgets' };

describe('policy', () => {
  test('production roles only in production from a protected ref', () => {
    expect(evaluatePolicy(policy, 'postgres', ['app_prod_rw'], production)).toEqual({ allowed: true });
    const staging = evaluatePolicy(policy, 'postgres', ['app_prod_rw'], { ...production, environment: 'staging' });
    expect(staging.allowed).toBe(false);
    expect(!staging.allowed && staging.reason).toMatch(/denies postgres role "app_prod_rw".*environment "staging".*requires environment in \[production\]/);
    const unprotected = evaluatePolicy(policy, 'postgres', ['app_prod_rw'], { ...production, ref: 'refs/heads/feature', ref_protected: 'false' });
    expect(!unprotected.allowed && unprotected.reason).toMatch(/ref in \[refs\/heads\/main\] and a protected ref/);
  });

  test('a role no rule names is denied; every requested role must pass', () => {
    expect(evaluatePolicy(policy, 'postgres', ['app_ci'], { event_name: 'pull_request' })).toEqual({ allowed: true });
    const denied = evaluatePolicy(policy, 'postgres', ['app_ci', 'superuser_ish'], production);
    expect(!denied.allowed && denied.reason).toMatch(/"superuser_ish".*no rule allows it/);
    expect(evaluatePolicy(policy, 'github-app', ['contents:read'], production).allowed).toBe(false);
  });

  test('rules are per backend and match events', () => {
    expect(evaluatePolicy(policy, 'vault', ['database/creds/ci-readonly'], production).allowed).toBe(true);
    expect(evaluatePolicy(policy, 'vault', ['database/creds/ci-readonly'], { ...production, event_name: 'workflow_dispatch' }).allowed).toBe(false);
  });

  test('malformed policies are refused with the rule named', () => {
    expect(() => parsePolicy('rules: nope', 'p.yml')).toThrow(/needs a "rules" list/);
    expect(() => parsePolicy('rules:\n  - backend: mysql\n    roles: [x]', 'p.yml')).toThrow(/rule 1: backend must be/);
    expect(() => parsePolicy('rules:\n  - backend: vault', 'p.yml')).toThrow(/rule 1: roles must name/);
    expect(() => parsePolicy('rules:\n  - backend: vault\n    roles: [a]\n    protected-ref: yes please', 'p.yml')).toThrow(/protected-ref/);
  });

  test('glob', () => {
    expect(globMatch('app_*', 'app_x')).toBe(true);
    expect(globMatch('app_*', 'xapp_x')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
  });
});
