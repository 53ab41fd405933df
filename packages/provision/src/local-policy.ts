import { parse as parseYaml } from 'yaml';
import { globMatch } from './policy.js';

/**
 * What a policy file marks production, for `keyward run`: a developer's machine never gets a production
 * credential. The same file the action reads may carry it next to its `rules`:
 * ```yaml
 * production:
 *   - backend: postgres
 *     roles: [app_prod_*]        # optional: without it the whole backend is production
 *     development: app_dev       # named in the refusal, so the developer knows what to ask for instead
 * ```
 */
export interface ProductionMark {
  backend: string;
  roles?: string[];
  development?: string;
}

export class ProductionRefusedError extends Error {
  override name = 'ProductionRefusedError';
}

export function parseProductionMarks(text: string, source: string): ProductionMark[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new Error(`policy ${source} is not valid YAML: ${(error as Error).message}`);
  }
  const list = (document as { production?: unknown } | null)?.production;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`policy ${source}: "production" must be a list`);
  return list.map((raw, index) => {
    const where = `policy ${source}, production entry ${index + 1}`;
    if (!raw || typeof raw !== 'object') throw new Error(`${where} is not a mapping`);
    const entry = raw as Record<string, unknown>;
    if (typeof entry.backend !== 'string' || !entry.backend) throw new Error(`${where}: backend is required`);
    const roles = entry.roles === undefined ? undefined : Array.isArray(entry.roles) ? entry.roles.map(String) : [String(entry.roles)];
    if (entry.development !== undefined && typeof entry.development !== 'string') throw new Error(`${where}: development must be a string`);
    return { backend: entry.backend, roles, development: entry.development as string | undefined };
  });
}

/** True in a CI job: GitHub Actions and most other CI systems set CI. */
export const isCi = (env: Record<string, string | undefined>): boolean => Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';

/** Throws when `backend`/`role` is marked production and this is not CI. */
export function refuseProductionOutsideCi(
  marks: ProductionMark[],
  backend: string,
  role: string,
  env: Record<string, string | undefined>,
  source: string,
): void {
  if (isCi(env)) return;
  const mark = marks.find((m) => (m.backend === '*' || m.backend === backend) && (!m.roles || m.roles.some((p) => globMatch(p, role))));
  if (!mark) return;
  const what = mark.roles ? `${backend} role "${role}"` : `the ${backend} backend`;
  const instead = mark.development
    ? `use the development alternative "${mark.development}" (for example --role ${mark.development})`
    : 'ask for a development role; the policy names none';
  throw new ProductionRefusedError(`policy ${source} marks ${what} as production, which keyward run refuses outside CI: ${instead}`);
}
