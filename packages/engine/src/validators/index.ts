// Every structural validator a rule may name with `checksum:`. Add one line per validator.
import { makeBase62Crc32Validator } from './base62-crc32.js';
import { jwtValidator } from './jwt.js';
import type { Validator } from './validator.js';

export type { Validator } from './validator.js';

const all: Validator[] = [
  makeBase62Crc32Validator('github-crc32', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  makeBase62Crc32Validator('npm-crc32', ['npm_']),
  jwtValidator,
];

export const validators: ReadonlyMap<string, Validator> = new Map(all.map((v) => [v.name, v]));
