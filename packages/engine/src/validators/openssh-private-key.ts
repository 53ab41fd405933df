// OpenSSH's own private key format (PROTOCOL.key in openssh-portable): an armored block whose base64 body
// starts with the magic "openssh-key-v1\0", then the cipher, KDF and KDF options as SSH strings and a
// 32-bit key count.
import { decodeBase64Strict, parseArmor, wrapPem } from './pem-private-key.js';
import type { Validator } from './validator.js';

const BEGIN = /-----BEGIN (OPENSSH PRIVATE KEY)-----/;
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

function sshString(value: Uint8Array | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

export function isOpensshPrivateKey(text: string): boolean {
  const block = parseArmor(text, BEGIN);
  const body = block && decodeBase64Strict(block.base64);
  if (!body || body.length < MAGIC.length + 16 || !body.subarray(0, MAGIC.length).equals(MAGIC)) return false;
  // cipher name, KDF name, KDF options: three SSH strings, then the number of keys
  let offset = MAGIC.length;
  for (let i = 0; i < 3; i++) {
    if (offset + 4 > body.length) return false;
    offset += 4 + body.readUInt32BE(offset);
  }
  if (offset + 4 > body.length) return false;
  const keys = body.readUInt32BE(offset);
  return keys >= 1 && keys <= 64;
}

export const opensshPrivateKeyValidator: Validator = {
  name: 'openssh-private-key',
  validate: isOpensshPrivateKey,
  /** An unencrypted ed25519-shaped key whose key material is random bytes. */
  generate(rng) {
    const random = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
    const publicKey = Buffer.concat([sshString('ssh-ed25519'), sshString(random(32))]);
    const check = random(4);
    const privatePart = Buffer.concat([
      Buffer.from(check),
      Buffer.from(check),
      sshString('ssh-ed25519'),
      sshString(random(32)),
      sshString(random(64)),
      sshString('fixture@keyward'),
    ]);
    const padded = Buffer.concat([privatePart, Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, (8 - (privatePart.length % 8)) % 8))]);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(1);
    const body = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), count, sshString(publicKey), sshString(padded)]);
    return wrapPem('OPENSSH PRIVATE KEY', body);
  },
};
