import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { REDACTED, StreamRedactor, generatePassword, maskingForms } from '../src/index.js';

/** Feeds `text` in pieces cut at `cuts` and returns everything the redactor let out. */
function through(redactor: StreamRedactor, input: Buffer, cuts: number[]): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(redactor.write(input.subarray(at, cut)));
    at = cut;
  }
  out.push(redactor.end());
  return Buffer.concat(out);
}

describe('StreamRedactor', () => {
  const secret = generatePassword();
  const forms = maskingForms(secret);
  const text = Buffer.from(
    `plain ${secret}\nbase64 ${Buffer.from(secret).toString('base64')}\nhex ${Buffer.from(secret).toString('hex')}\n` +
      `url ${encodeURIComponent(`a ${secret}`)}\nin base64 at offset 1: ${Buffer.from(`x${secret}`).toString('base64')}\nend\n`,
  );

  test('every masked form is replaced whole, whatever the chunking', () => {
    const whole = through(new StreamRedactor(forms), text, []).toString();
    for (const form of forms) expect(whole).not.toContain(form);
    expect(whole).toContain(`plain ${REDACTED}\n`);
    expect(whole).toMatch(/end\n$/);
    // Every cut point of the text (one cut) and byte-by-byte give the same output as one chunk.
    for (let cut = 1; cut < text.length; cut++) expect(through(new StreamRedactor(forms), text, [cut]).toString()).toBe(whole);
    const everyByte = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    expect(through(new StreamRedactor(forms), text, everyByte).toString()).toBe(whole);
  });

  test('holds back at most the longest form minus one byte, and only what could start a form', () => {
    const redactor = new StreamRedactor(forms);
    const longest = Math.max(...forms.map((f) => Buffer.byteLength(f)));
    expect(redactor.maxHeldBack).toBe(longest - 1);
    // Ordinary text that ends in no prefix of a form comes straight out.
    expect(redactor.write('hello world\n').toString()).toBe('hello world\n');
    // Half a secret is held, never emitted.
    const half = secret.slice(0, secret.length / 2);
    expect(redactor.write(`x ${half}`).toString()).toBe('x ');
    expect(redactor.write(`${secret.slice(secret.length / 2)} y`).toString()).toBe(`${REDACTED} y`);
  });

  test('bytes that are not UTF-8, and UTF-8 characters split across chunks, pass through unchanged', () => {
    const binary = randomBytes(4096);
    const secretBytes = Buffer.from(`é${secret}ü`);
    const input = Buffer.concat([binary, secretBytes, binary]);
    const out = through(new StreamRedactor(forms), input, [4096 + 1, 4096 + 5]); // cuts inside é and the secret
    expect(out.includes(Buffer.from(secret))).toBe(false);
    expect(out.subarray(0, 4096).equals(binary)).toBe(true);
    expect(out.subarray(out.length - 4096).equals(binary)).toBe(true);
    expect(out.includes(Buffer.from(`é${REDACTED}ü`))).toBe(true);
  });

  test('the whole of a longer form wins over a shorter form it starts with', () => {
    const redactor = new StreamRedactor(['abcdefgh', 'abcdefghijkl']);
    expect(Buffer.concat([redactor.write('xx abcdefghij'), redactor.write('kl yy'), redactor.end()]).toString()).toBe(`xx ${REDACTED} yy`);
  });

  test('a stream that ends inside a possible form lets the held tail out at end()', () => {
    const redactor = new StreamRedactor([secret]);
    expect(redactor.write(`tail ${secret.slice(0, 5)}`).toString()).toBe('tail ');
    expect(redactor.end().toString()).toBe(secret.slice(0, 5));
  });
});
