// File names are bytes on POSIX systems and in archives; this is how one is shown, matched and reported.

/**
 * A file name as shown and matched: its UTF-8 text, with each byte that is not valid UTF-8 written as
 * `\xNN`. File names are bytes on POSIX systems; one that is not UTF-8 is still scanned, under a name
 * that is safe to print and tells two such files apart.
 */
export function displayName(name: Buffer): string {
  const text = name.toString('utf8');
  if (!text.includes('\uFFFD')) return text;
  let out = '';
  let i = 0;
  while (i < name.length) {
    const b = name[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need >= 0;
    for (let k = 1; ok && k <= need; k++) ok = i + k < name.length && (name[i + k]! & 0xc0) === 0x80;
    const piece = ok ? name.subarray(i, i + need + 1).toString('utf8') : '';
    if (ok && !piece.includes('\uFFFD')) {
      out += piece;
      i += need + 1;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}
