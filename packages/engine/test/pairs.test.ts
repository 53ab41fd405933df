// Split name/value pairs: each becomes one `NAME=value` line whose value maps back to its place.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/index.js';
import { findSplitPairs } from '../src/pairs.js';

const value = new SeededRandom('pairs.test').string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 24);

describe('findSplitPairs', () => {
  it.each([
    ['Kubernetes env', `env:\n  - name: COHERE_API_KEY\n    value: "${value}"\n`, `COHERE_API_KEY="${value}"`],
    ['Terraform helm set', `set {\n  name  = "auth.password"\n  value = "${value}"\n}\n`, `auth.password="${value}"`],
    ['ECS, one line', `[{ "name": "DB_PASSWORD", "value": "${value}" }]`, `DB_PASSWORD="${value}"`],
    ['ECS, two lines', `{\n  "name": "DB_PASSWORD",\n  "value": "${value}"\n}`, `DB_PASSWORD="${value}"`],
  ])('%s', (_kind, text, line) => {
    const [pair] = findSplitPairs(text);
    expect(pair?.text).toBe(line);
    expect(text.slice(pair!.offset, pair!.offset + pair!.text.length - pair!.valueStart)).toBe(pair!.text.slice(pair!.valueStart));
  });

  it('ignores a name with no value beside it', () => {
    expect(findSplitPairs(`- name: app\n  image: ghcr.io/acme/app:1.0\n  valueFrom:\n    secretKeyRef: {}\n`)).toEqual([]);
  });

  it('takes `name` only as a field: indentation or a `- ` before it on its line, nothing else', () => {
    expect(findSplitPairs(`hostname: db\n  value: "${value}"\n`)).toEqual([]);
    expect(findSplitPairs(`x-name: db\n  value: "${value}"\n`)).toEqual([]);
    const text = `user.name: a\n  - name: API_TOKEN\r\n    value: "${value}"\n`;
    expect(findSplitPairs(text).map((p) => p.text)).toEqual([`API_TOKEN="${value}"`]);
  });
});
