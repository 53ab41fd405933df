import { spawnSync } from 'node:child_process';

/** A shell pipeline a careless later step might run on a secret held in `$X`, with the real tools. */
export interface WrappingEncoder {
  label: string;
  script: string;
}

/**
 * GNU base64 wraps at 76 columns, openssl at 64 (PEM), `xxd -p` at 60 hex digits; `echo` adds a newline the
 * encoder sees, `printf %s` does not, and a value followed by more text changes only the value's last line.
 */
export const WRAPPING_ENCODERS: WrappingEncoder[] = [
  { label: 'echo | base64', script: 'echo "$X" | base64' },
  { label: 'printf | base64', script: 'printf %s "$X" | base64' },
  { label: 'base64 <<<', script: 'base64 <<<"$X"' },
  { label: 'value then more text | base64', script: 'printf "%s;trailing text that follows the value\\n" "$X" | base64' },
  { label: 'base64 -w 64', script: 'echo "$X" | base64 -w 64' },
  { label: 'openssl base64', script: 'printf %s "$X" | openssl base64' },
  { label: 'echo | xxd -p', script: 'echo "$X" | xxd -p' },
  { label: 'printf | xxd -p', script: 'printf %s "$X" | xxd -p' },
  { label: 'xxd -p -u', script: 'printf %s "$X" | xxd -p -u' },
  { label: 'value then more text | xxd -p', script: 'printf "%s and more\\n" "$X" | xxd -p' },
];

/**
 * Whether base64, openssl and xxd are on this machine. A developer's machine may lack xxd (Debian ships it
 * apart from vim); the tests that need them are skipped there, and in CI (.ci/run installs them) their
 * absence is an error, so a green CI always ran them.
 */
export const encodersAvailable = ['base64', 'openssl', 'xxd'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
if (!encodersAvailable && process.env.CI) throw new Error('base64, openssl or xxd is missing: .ci/run installs them');

/**
 * What each pipeline prints for `secret`, keyed by label: the real tools, all run by one bash (one process per
 * call keeps the tests quick), each pipeline's output ending where the next begins.
 */
export function printWrapped(secret: string, env: Record<string, string> = {}): Map<string, string> {
  const marker = `--keyward-end-${process.pid}--`;
  const script = WRAPPING_ENCODERS.map((e) => `${e.script}; echo ${marker}`).join('\n');
  const result = spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, X: secret },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the encoders failed (are base64, openssl and xxd installed?): ${result.stderr}`);
  const outputs = result.stdout.split(`${marker}\n`);
  return new Map(WRAPPING_ENCODERS.map((e, i) => [e.label, outputs[i] ?? '']));
}
