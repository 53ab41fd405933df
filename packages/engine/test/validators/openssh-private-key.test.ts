import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { opensshPrivateKeyValidator } from '../../src/validators/openssh-private-key.js';

describe('openssh-private-key', () => {
  it('accepts a generated key', () => {
    const key = opensshPrivateKeyValidator.generate(new SeededRandom('ssh'));
    expect(key.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA')).toBe(true);
    expect(opensshPrivateKeyValidator.validate(key)).toBe(true);
  });

  it('rejects a body without the openssh-key-v1 magic', () => {
    const body = Buffer.from('openssh-key-v2\0'.padEnd(120, 'z')).toString('base64');
    expect(opensshPrivateKeyValidator.validate(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----`)).toBe(false);
  });

  it('rejects a truncated key and a placeholder', () => {
    const key = opensshPrivateKeyValidator.generate(new SeededRandom('ssh-2'));
    const lines = key.split('\n');
    expect(opensshPrivateKeyValidator.validate([lines[0], lines[1]!.slice(0, 20), lines[lines.length - 1]].join('\n'))).toBe(false);
    expect(opensshPrivateKeyValidator.validate('-----BEGIN OPENSSH PRIVATE KEY-----\n<your key>\n-----END OPENSSH PRIVATE KEY-----')).toBe(false);
  });
});
