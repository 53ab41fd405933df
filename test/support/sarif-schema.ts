// validateSarif(log): what the official SARIF 2.1.0 JSON schema finds wrong with a log, [] when valid.
// The schema is test/fixtures/sarif-schema-2.1.0.json (its source is in the .source.md beside it); it
// declares JSON Schema 2020-12, so the validator is ajv's 2020 build with ajv-formats for uri/date-time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// test/ has no package.json of its own: the validator's packages are devDependencies of @keyward/github.
const require = createRequire(new URL('../../packages/github/package.json', import.meta.url));

interface ValidateFunction {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null;
}
type AjvClass = new (options: object) => { compile(schema: unknown): ValidateFunction };

const defaultExport = <T>(module: unknown): T => ((module as { default?: T }).default ?? module) as T;

export const SARIF_SCHEMA_FILE = new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv2020 = defaultExport<AjvClass>(require('ajv/dist/2020'));
  const addFormats = defaultExport<(ajv: unknown) => void>(require('ajv-formats'));
  // strict: false because the schema keeps draft-style `definitions`, which 2020-12 strict mode rejects.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')));
  return compiled;
}

/** Each schema violation as "<json pointer> <message> <params>"; an empty array means valid SARIF 2.1.0. */
export function validateSarif(log: unknown): string[] {
  const validate = validator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params ?? {})}`);
}
