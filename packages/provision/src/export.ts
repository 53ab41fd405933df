import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialField } from './backends/backend.js';
import type { ProvisionRunner } from './runner.js';
import { StateKey } from './state-keys.js';

export type ExportMode = 'env' | 'file' | 'output';

/** What main handed out, saved to state so post can blank the variables and delete the files. */
export interface ExportRecord {
  env: string[];
  files: string[];
  outputs: string[];
}

export const CREDENTIALS_FILE_VARIABLE = 'KEYWARD_CREDENTIALS_FILE';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `'it''s'`-style quoting: the file can be `source`d by sh and read by dotenv parsers. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function loadExportRecord(runner: Pick<ProvisionRunner, 'getState'>): ExportRecord {
  const raw = runner.getState(StateKey.Exports);
  return raw ? (JSON.parse(raw) as ExportRecord) : { env: [], files: [], outputs: [] };
}

export function assertExportName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw new Error(`"${name}" cannot be a variable name (letters, digits and _ only)`);
}

/** Applies `rename` (keyed by field name or default export name) and checks the result is a usable name. */
export function exportNames(fields: CredentialField[], rename: Record<string, string>): Map<CredentialField, string> {
  const names = new Map<CredentialField, string>();
  for (const field of fields) {
    const name = rename[field.field] ?? rename[field.exportName] ?? field.exportName;
    assertExportName(name);
    names.set(field, name);
  }
  return names;
}

/**
 * Hands the fields to later steps. The record of what will be exported is saved to state before the first
 * write, so a crash half-way still leaves post knowing what to scrub. Values must be masked before this runs.
 */
export function exportFields(
  fields: CredentialField[],
  modes: ExportMode[],
  rename: Record<string, string>,
  runner: ProvisionRunner,
  runnerTemp: string,
): ExportRecord {
  const names = exportNames(fields, rename);
  const record = loadExportRecord(runner);
  const save = (): void => runner.saveState(StateKey.Exports, JSON.stringify(record));

  if (modes.includes('file')) {
    if (!runnerTemp) throw new Error('RUNNER_TEMP is not set, so there is nowhere private to write the file');
    const dir = mkdtempSync(join(runnerTemp, 'keyward-'));
    chmodSync(dir, 0o700);
    const path = join(dir, 'credentials.env');
    record.files.push(path);
    record.env.push(CREDENTIALS_FILE_VARIABLE);
    save();
    const body = fields.map((field) => `${names.get(field)}=${shellQuote(field.value)}\n`).join('');
    writeFileSync(path, body, { mode: 0o600 });
    chmodSync(path, 0o600); // the mode option is filtered by umask; be explicit
    runner.exportVariable(CREDENTIALS_FILE_VARIABLE, path);
    runner.setOutput('credentials-file', path);
  }
  if (modes.includes('env')) {
    record.env.push(...fields.map((field) => names.get(field) as string));
    save();
    for (const field of fields) runner.exportVariable(names.get(field) as string, field.value);
  }
  if (modes.includes('output')) {
    record.outputs.push(...fields.map((field) => names.get(field) as string));
    save();
    for (const field of fields) runner.setOutput(names.get(field) as string, field.value);
  }
  return record;
}
