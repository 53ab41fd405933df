// Shared by validators whose token carries a base64 or base64url JSON object (JWTs, Mapbox, 1Password).

export const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The JSON object a base64 or base64url part decodes to, or undefined (not base64, not JSON, not an object). */
export function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(part)) return undefined;
  try {
    // Node's base64 decoder accepts both alphabets and missing padding.
    const value: unknown = JSON.parse(Buffer.from(part, 'base64').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
