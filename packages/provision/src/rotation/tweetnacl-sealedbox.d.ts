// tweetnacl-sealedbox-js ships no types. libsodium's crypto_box_seal / crypto_box_seal_open, on tweetnacl.
declare module 'tweetnacl-sealedbox-js' {
  export const overheadLength: number;
  export function seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array;
  export function open(sealed: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null;
}
