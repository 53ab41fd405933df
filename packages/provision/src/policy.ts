import { decodeJwt } from 'jose';
import { parse as parseYaml } from 'yaml';
import type { BackendName } from './ledger.js';

/** The OIDC claims the policy looks at (GitHub's documented claim names). */
export interface JobClaims {
  environment?: string;
  ref?: string;
  ref_protected?: string | boolean;
  event_name?: string;
  repository?: string;
}

/**
 * One allowance. A request passes when every role it asks for is matched by some rule whose conditions all
 * hold. "Roles" means: PostgreSQL template roles, Vault secret paths, GitHub App `permission:level` pairs.
 */
export interface PolicyRule {
  backend: BackendName | '*';
  roles: string[];
  environments?: string[];
  refs?: string[];
  protectedRef?: boolean;
  events?: string[];
  repositories?: string[];
}

export interface Policy {
  source: string;
  rules: PolicyRule[];
}

export type PolicyDecision = { allowed: true; rule?: number } | { allowed: false; reason: string };

export class PolicyDeniedError extends Error {
  override name = 'PolicyDeniedError';
}

const BACKENDS = new Set(['postgres', 'github-app', 'vault', '*']);

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) throw new Error(`${where} must be a list of strings`);
  return list.map(String);
}

/**
 * Parses a policy (YAML or JSON):
 * ```yaml
 * rules:
 *   - backend: postgres
 *     roles: [app_prod_*]
 *     environments: [production]
 *     refs: [refs/heads/main]
 *     protected-ref: true
 * ```
 */
export function parsePolicy(text: string, source: string): Policy {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new Error(`policy ${source} is not valid YAML: ${(error as Error).message}`);
  }
  const rules = (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new Error(`policy ${source} needs a "rules" list`);
  return {
    source,
    rules: rules.map((raw, index) => {
      const where = `policy ${source}, rule ${index + 1}`;
      if (!raw || typeof raw !== 'object') throw new Error(`${where} is not a mapping`);
      const rule = raw as Record<string, unknown>;
      const backend = String(rule.backend ?? '');
      if (!BACKENDS.has(backend)) throw new Error(`${where}: backend must be postgres, github-app, vault or *`);
      const roles = stringList(rule.roles, `${where}: roles`);
      if (!roles?.length) throw new Error(`${where}: roles must name at least one role (or "*")`);
      const protectedRef = rule['protected-ref'];
      if (protectedRef !== undefined && typeof protectedRef !== 'boolean') throw new Error(`${where}: protected-ref must be true or false`);
      return {
        backend: backend as PolicyRule['backend'],
        roles,
        environments: stringList(rule.environments, `${where}: environments`),
        refs: stringList(rule.refs, `${where}: refs`),
        protectedRef,
        events: stringList(rule.events, `${where}: events`),
        repositories: stringList(rule.repositories, `${where}: repositories`),
      };
    }),
  };
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

const anyMatch = (patterns: string[] | undefined, value: string | undefined): boolean =>
  patterns === undefined || (value !== undefined && patterns.some((p) => globMatch(p, value)));

function conditionsFailed(rule: PolicyRule, claims: JobClaims): string[] {
  const failed: string[] = [];
  if (!anyMatch(rule.environments, claims.environment)) failed.push(`environment in [${rule.environments?.join(', ')}]`);
  if (!anyMatch(rule.refs, claims.ref)) failed.push(`ref in [${rule.refs?.join(', ')}]`);
  if (rule.protectedRef === true && String(claims.ref_protected) !== 'true') failed.push('a protected ref');
  if (!anyMatch(rule.events, claims.event_name)) failed.push(`event in [${rule.events?.join(', ')}]`);
  if (!anyMatch(rule.repositories, claims.repository)) failed.push(`repository in [${rule.repositories?.join(', ')}]`);
  return failed;
}

export function describeClaims(claims: JobClaims): string {
  return (
    `environment ${claims.environment ? `"${claims.environment}"` : '(none)'}, ref ${claims.ref ?? '(none)'} ` +
    `(${String(claims.ref_protected) === 'true' ? 'protected' : 'unprotected'}), event ${claims.event_name ?? '(none)'}, ` +
    `repository ${claims.repository ?? '(none)'}`
  );
}

export function evaluatePolicy(policy: Policy, backend: BackendName, roles: string[], claims: JobClaims): PolicyDecision {
  if (roles.length === 0) roles = ['*'];
  for (const role of roles) {
    const candidates = policy.rules.filter(
      (rule) => (rule.backend === '*' || rule.backend === backend) && rule.roles.some((p) => globMatch(p, role)),
    );
    if (candidates.some((rule) => conditionsFailed(rule, claims).length === 0)) continue;
    const why = candidates.length
      ? `it requires ${candidates.map((rule) => conditionsFailed(rule, claims).join(' and ')).join(', or ')}`
      : 'no rule allows it';
    return {
      allowed: false,
      reason: `policy ${policy.source} denies ${backend} role "${role}" to this job (${describeClaims(claims)}): ${why}`,
    };
  }
  return { allowed: true };
}

/** Reads the claims out of the job's OIDC token. */
export function claimsFromIdToken(idToken: string): JobClaims {
  // No signature check: the token came straight from the runner's own token endpoint, which this process must
  // trust anyway (whoever can tamper with it can tamper with this process). Servers that accept it (Vault) verify.
  const payload = decodeJwt(idToken);
  const pick = (name: string): string | undefined => (typeof payload[name] === 'string' ? (payload[name] as string) : undefined);
  return {
    environment: pick('environment'),
    ref: pick('ref'),
    ref_protected: typeof payload.ref_protected === 'boolean' ? payload.ref_protected : pick('ref_protected'),
    event_name: pick('event_name'),
    repository: pick('repository'),
  };
}
