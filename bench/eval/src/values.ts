// Values that are not taken from rule examples: generic credentials (passwords, connection strings) and
// the labelled look-alikes that a scanner must not report.
import { validators, type SeededRandom } from '../../../packages/engine/src/index.js';
import type { LabelInfo } from './corpus-file.js';
import type { Plant } from './plants.js';
import type { Entry } from './syntaxes.js';

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;

export function bytes(rng: SeededRandom, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

export const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
export const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function uuid(rng: SeededRandom): string {
  const h = (n: number) => rng.string(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

export const negative = (category: string): LabelInfo => ({ kind: 'negative', provider: 'negative', ruleId: 'negative', category });
export const generic = (category: string): LabelInfo => ({ kind: 'positive', provider: 'Generic', ruleId: 'generic', category });
export const planted = (p: Plant, category: string): LabelInfo => ({ kind: 'positive', provider: p.rule.provider, ruleId: p.rule.id, category });

// ---------------------------------------------------------------------------------------------------
// Generic credentials

const GENERIC_NAMES: string[][] = [
  ['db', 'password'],
  ['database', 'password'],
  ['postgres', 'password'],
  ['mysql', 'root', 'password'],
  ['redis', 'password'],
  ['smtp', 'password'],
  ['admin', 'password'],
  ['ldap', 'bind', 'password'],
  ['jwt', 'secret'],
  ['session', 'secret'],
  ['app', 'secret'],
  ['secret', 'key'],
  ['client', 'secret'],
  ['webhook', 'secret'],
  ['api', 'key'],
  ['api', 'token'],
  ['auth', 'token'],
  ['access', 'token'],
  ['private', 'token'],
  ['encryption', 'key'],
  ['signing', 'key'],
  ['master', 'key'],
];

const WORDS = ['copper', 'lantern', 'meadow', 'orbit', 'falcon', 'harbor', 'velvet', 'summit', 'cobalt', 'willow', 'ember', 'quartz'];

/** A password or secret of the shapes people and generators produce. */
export function genericSecret(rng: SeededRandom): { value: string; shape: string } {
  switch (rng.int(6)) {
    case 0: {
      const alphabet = `${ALNUM}!@#%^*_-`;
      let v = '';
      while (!/[0-9]/.test(v) || !/[A-Z]/.test(v) || !/[a-z]/.test(v)) v = rng.string(alphabet, 16 + rng.int(12));
      return { value: v, shape: 'password' };
    }
    case 1:
      return { value: rng.string(B64URL, 32 + rng.int(12)), shape: 'token' };
    case 2:
      return { value: rng.string(HEX, rng.pick([32, 64])), shape: 'hex' };
    case 3:
      return { value: rng.string('abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)', 50), shape: 'django' };
    case 4:
      return { value: rng.string(B64, 43) + '=', shape: 'base64' };
    default: {
      const w = rng.pick(WORDS);
      return { value: `${w.charAt(0).toUpperCase()}${w.slice(1)}${rng.pick(['!', '#', '$', '.'])}${rng.string('0123456789', 4)}${rng.pick(WORDS)}`, shape: 'human' };
    }
  }
}

export function genericEntry(rng: SeededRandom): Entry {
  const { value, shape } = genericSecret(rng);
  // People choose memorable passwords; generated secrets and keys are random.
  const names = shape === 'human' ? GENERIC_NAMES.filter((w) => w.includes('password')) : GENERIC_NAMES;
  return { words: rng.pick(names), value, info: generic(`plain:${shape}`) };
}

/** A connection string whose password is the credential: only the password is labelled. */
export function connectionStringEntry(rng: SeededRandom): Entry {
  let pw = rng.string(`${ALNUM}`, 18 + rng.int(10));
  let pwText = pw;
  const category = 'connection-string:percent';
  if (rng.int(3) === 0) {
    // Passwords with reserved characters appear percent-encoded in URLs.
    const i = 4 + rng.int(8);
    pw = `${pw.slice(0, i)}${rng.pick(['@', '#', '/', ':', '?'])}${pw.slice(i)}`;
    pwText = encodeURIComponent(pw);
  }
  const host = rng.pick(['db.internal', 'prod-db-1.c9xk2.eu-west-1.rds.amazonaws.com', '10.0.4.17']);
  const forms: Array<[string[], string, string]> = [
    [['database', 'url'], 'postgres://billing_app:', `@${host}:5432/billing`],
    [['mongodb', 'uri'], 'mongodb+srv://svc-reader:', '@cluster0.x1y2z.mongodb.net/app?retryWrites=true&w=majority'],
    [['redis', 'url'], 'redis://default:', `@${host}:6379/0`],
    [['amqp', 'url'], 'amqp://worker:', `@${host}:5672/%2F`],
    [['mysql', 'dsn'], 'mysql://root:', `@${host}:3306/shop`],
    [['jdbc', 'url'], `jdbc:postgresql://${host}:5432/app?user=app&password=`, '&ssl=true'],
    [['connection', 'string'], `Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=app;User ID=app;Password=`, ';Encrypt=True;'],
    [['git', 'remote'], 'https://deploy:', '@git.internal.acme.dev/platform/infra.git'],
  ];
  const [words, before, after] = rng.pick(forms);
  // ADO.NET and JDBC values are not URLs: their passwords are not percent-encoded.
  const isUrl = !before.startsWith('Server=') && !before.startsWith('jdbc:');
  const text = isUrl ? pwText : pw.replace(/[;&?#]/g, '');
  const info = generic(isUrl && text.includes('%') ? category : 'connection-string');
  return { words, value: `${before}${text}${after}`, parts: [{ text: before }, { text, info }, { text: after }] };
}

// ---------------------------------------------------------------------------------------------------
// Look-alikes that fit in any syntax as `name = value`

type NegativeMaker = (rng: SeededRandom) => Omit<Entry, 'info'> & { category: string };

export const VALUE_NEGATIVES: NegativeMaker[] = [
  // placeholders
  (r) => ({ words: ['stripe', 'secret', 'key'], value: `sk_live_${'x'.repeat(24 + r.int(10))}`, category: 'placeholder' }),
  (r) => ({ words: ['api', 'key'], value: r.pick(['your_api_key_here', 'YOUR_API_KEY', '<your-api-key>', 'insert-api-key-here', 'REPLACE_ME']), category: 'placeholder' }),
  (r) => ({ words: ['db', 'password'], value: r.pick(['changeme', 'change-me-please', 'password', 'secret', 'TODO', '<password>']), category: 'placeholder' }),
  (r) => ({ words: ['github', 'token'], value: `ghp_${r.pick(['X', 'x', '0'])}`.padEnd(40, r.pick(['X', 'x', '0'])), category: 'placeholder' }),
  (r) => ({ words: ['aws', 'secret', 'access', 'key'], value: r.pick(['<your-secret-access-key>', 'YOUR_SECRET_ACCESS_KEY', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']), category: 'placeholder' }),
  (r) => ({ words: ['openai', 'api', 'key'], value: r.pick(['sk-...', 'sk-your-key-here', 'sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX']), category: 'placeholder' }),
  (r) => ({ words: ['slack', 'bot', 'token'], value: r.pick(['xoxb-your-bot-token', 'xoxb-0000000000-0000000000000-XXXXXXXXXXXXXXXXXXXXXXXX']), category: 'placeholder' }),
  (r) => ({ words: ['jwt', 'secret'], value: r.pick(['dummy-secret-for-tests', 'example-jwt-secret', 'sample_secret_value', 'abcdefghijklmnopqrstuvwxyz']), category: 'placeholder' }),
  // template variables
  (r) => ({ words: ['db', 'password'], value: r.pick(['${DB_PASSWORD}', '${env:DB_PASSWORD}', '{{ .Values.db.password }}', '{{ db_password }}', '%(db_password)s', "<%= ENV['DB_PASSWORD'] %>", "#{ENV['DB_PASSWORD']}", '$DB_PASSWORD', '%DB_PASSWORD%', '${{ secrets.DB_PASSWORD }}', '$(cat /run/secrets/db_password)', '${var.db_password}', '{{DB_PASSWORD}}']), category: 'template' }),
  (r) => ({ words: ['stripe', 'secret', 'key'], value: r.pick(['${STRIPE_SECRET_KEY}', '{{ stripe_secret_key }}', '${{ secrets.STRIPE_SECRET_KEY }}', '{{ .Values.stripe.secretKey }}']), category: 'template' }),
  (r) => ({ words: ['client', 'secret'], value: r.pick(['${sm://projects/acme/secrets/client-secret}', '${vault:secret/data/app#client_secret}', '${ssm:/prod/app/client_secret}', '{{ vault "secret/app" "client_secret" }}']), category: 'template' }),
  // documented examples
  (r) => ({ words: ['aws', 'access', 'key', 'id'], value: r.pick(['AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE']), category: 'documented-example' }),
  (r) => ({ words: ['aws', 'secret', 'access', 'key'], value: r.pick(['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY']), category: 'documented-example' }),
  () => ({ words: ['stripe', 'api', 'key'], value: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', category: 'documented-example' }),
  // redacted
  (r) => ({ words: ['db', 'password'], value: r.pick(['********', '[REDACTED]', '<redacted>', '***REMOVED***', '[FILTERED]', '••••••••']), category: 'redacted' }),
  (r) => ({ words: ['stripe', 'secret', 'key'], value: `sk_live_${'*'.repeat(20 + r.int(8))}${r.string(ALNUM, 4)}`, category: 'redacted' }),
  (r) => ({ words: ['github', 'token'], value: `ghp_${'*'.repeat(32)}${r.string(ALNUM, 4)}`, category: 'redacted' }),
  (r) => ({ words: ['api', 'token'], value: `${r.string(ALNUM, 4)}${'*'.repeat(28)}`, category: 'redacted' }),
  // UUIDs under names that are not secrets, and one that looks like one
  (r) => ({ words: r.pick([['request', 'id'], ['tenant', 'id'], ['subscription', 'id'], ['correlation', 'id'], ['api', 'key', 'id'], ['client', 'id'], ['token', 'id'], ['secret', 'version']]), value: uuid(r), category: 'uuid' }),
  // git SHAs and hex digests
  (r) => ({ words: r.pick([['git', 'commit'], ['git', 'sha'], ['revision'], ['source', 'version'], ['release', 'sha']]), value: r.string(HEX, 40), category: 'git-sha' }),
  (r) => ({ words: r.pick([['sha256'], ['checksum'], ['artifact', 'sha256'], ['binary', 'checksum'], ['content', 'hash'], ['etag'], ['token', 'hash'], ['password', 'sha256']]), value: r.string(HEX, r.pick([32, 40, 64])), category: 'hex-digest' }),
  (r) => ({ words: ['image', 'digest'], value: `sha256:${r.string(HEX, 64)}`, category: 'hex-digest' }),
  // public by design
  (r) => ({ words: ['stripe', 'publishable', 'key'], value: `pk_${r.pick(['live', 'test'])}_${r.string(ALNUM, 99)}`, category: 'public-by-design' }),
  (r) => ({ words: ['next', 'public', 'stripe', 'key'], value: `pk_live_${r.string(ALNUM, 24)}`, category: 'public-by-design' }),
  (r) => ({ words: ['mapbox', 'access', 'token'], value: `pk.${b64url(JSON.stringify({ u: r.pick(['acme', 'mapsteam']), a: r.string('abcdefghijklmnopqrstuvwxyz0123456789', 25) }))}.${r.string(B64URL, 22)}`, category: 'public-by-design' }),
  (r) => ({ words: ['sentry', 'dsn'], value: `https://${r.string(HEX, 32)}@o${r.string('0123456789', 6)}.ingest.sentry.io/${r.string('0123456789', 7)}`, category: 'public-by-design' }),
  (r) => ({ words: ['recaptcha', 'site', 'key'], value: `6L${r.string(B64URL, 38)}`, category: 'public-by-design' }),
  (r) => ({ words: ['supabase', 'anon', 'key'], value: jwtLike(r, { iss: 'supabase', ref: r.string('abcdefghijklmnopqrstuvwxyz', 20), role: 'anon', iat: 1700000000, exp: 2015576000 }), category: 'public-by-design' }),
  (r) => ({ words: ['posthog', 'project', 'key'], value: `phc_${r.string(ALNUM, 43)}`, category: 'public-by-design' }),
  // public keys
  (r) => ({ words: ['ssh', 'public', 'key'], value: sshPublicKey(r), category: 'public-key' }),
  (r) => ({ words: ['public', 'key'], value: b64(spkiEd25519(r)), category: 'public-key' }),
  (r) => ({ words: ['signing', 'public', 'key'], value: b64(spkiRsa(r)), category: 'public-key' }),
  (r) => ({ words: ['sops', 'age', 'recipients'], value: `age1${r.string('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}`, category: 'public-key' }),
  // encrypted
  (r) => ({ words: ['db', 'password'], value: sopsValue(r), category: 'encrypted' }),
  (r) => ({ words: ['api', 'key'], value: sopsValue(r), category: 'encrypted' }),
  // identifiers and names of things
  (r) => ({ words: r.pick([['secret', 'key', 'name'], ['password', 'env', 'var'], ['token', 'env'], ['api', 'key', 'variable']]), value: r.pick(['SECRET_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'STRIPE_SECRET_KEY_NAME', 'API_KEY_HEADER']), category: 'identifier' }),
  (r) => ({ words: r.pick([['secret', 'name'], ['password', 'secret', 'ref'], ['token', 'secret']]), value: r.pick(['billing-db-credentials', 'stripe-api-key', 'prod/app/db-password', 'github-app-private-key']), category: 'identifier' }),
  (r) => ({ words: r.pick([['token', 'header'], ['api', 'key', 'header'], ['auth', 'token', 'param']]), value: r.pick(['X-Auth-Token', 'X-Api-Key', 'Authorization', 'access_token', 'apiKey']), category: 'identifier' }),
  (r) => ({ words: r.pick([['password', 'field'], ['secret', 'key', 'getter'], ['token', 'provider']]), value: r.pick(['getApiKey', 'getPassword', 'loadSecretKey', 'tokenProvider', 'passwordInput', 'SECRET_KEY_NAME', 'resolveClientSecret']), category: 'identifier' }),
  // data URIs under secret-looking names
  (r) => ({ words: r.pick([['token', 'icon'], ['secret', 'badge'], ['key', 'image']]), value: `data:image/png;base64,${b64(bytes(r, 180 + r.int(200)))}`, category: 'data-uri' }),
  // plain English and i18n text
  (r) => ({ words: r.pick([['password', 'hint'], ['password', 'label'], ['token', 'expired', 'message'], ['api', 'key', 'description']]), value: r.pick(['Must contain at least twelve characters', 'Password', 'Your session token has expired', 'The key you created in the dashboard', 'Passwort vergessen?', 'Mot de passe', 'Contraseña', 'パスワード']), category: 'plain-english' }),
];

export function jwtLike(rng: SeededRandom, payload: object): string {
  return `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${b64url(bytes(rng, 32))}`;
}

function sshString(b: Buffer | string): Buffer {
  const body = Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

export function sshPublicKey(rng: SeededRandom): string {
  if (rng.int(2) === 0) {
    return `ssh-ed25519 ${b64(Buffer.concat([sshString('ssh-ed25519'), sshString(bytes(rng, 32))]))} deploy@ci`;
  }
  const n = bytes(rng, 257);
  n[0] = 0;
  n[1] = n[1]! | 0x80;
  return `ssh-rsa ${b64(Buffer.concat([sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1])), sshString(n)]))} ops@bastion`;
}

export function spkiEd25519(rng: SeededRandom): Buffer {
  return Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes(rng, 32)]);
}

export function spkiRsa(rng: SeededRandom): Buffer {
  const n = bytes(rng, 256);
  n[0] = n[0]! | 0x80;
  return Buffer.concat([
    Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex'),
    n,
    Buffer.from('0203010001', 'hex'),
  ]);
}

/** Enough of an X.509 certificate's DER for every scanner-visible property: the outer structure. */
export function certificateDer(rng: SeededRandom): Buffer {
  const body = bytes(rng, 700);
  const tbsLen = body.length + 5;
  const total = tbsLen + 4 + 15 + 261;
  return Buffer.concat([
    Buffer.from([0x30, 0x82, total >> 8, total & 0xff, 0x30, 0x82, tbsLen >> 8, tbsLen & 0xff, 0xa0, 0x03, 0x02, 0x01, 0x02]),
    body.subarray(0, body.length - 3),
    Buffer.from('300d06092a864886f70d01010b0500', 'hex'),
    Buffer.from([0x03, 0x82, 0x01, 0x01, 0x00]),
    bytes(rng, 256),
  ]);
}

export function pem(label: string, der: Buffer): string {
  const body = b64(der).replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export function sopsValue(rng: SeededRandom): string {
  return `ENC[AES256_GCM,data:${b64(bytes(rng, 12 + rng.int(30)))},iv:${b64(bytes(rng, 32))},tag:${b64(bytes(rng, 16))},type:str]`;
}

/** The plant with one character changed so that its checksum no longer holds, if the rule has one. */
export function checksumFailure(rng: SeededRandom, p: Plant): string | undefined {
  const validator = p.rule.checksum ? validators.get(p.rule.checksum) : undefined;
  if (!validator || p.verbatim) return undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = p.secret.length - 1 - rng.int(Math.min(6, p.secret.length - 1));
    const c = p.secret[i]!;
    const alphabet = /[0-9]/.test(c) ? '0123456789' : /[a-z]/.test(c) ? 'abcdefghijklmnopqrstuvwxyz' : /[A-Z]/.test(c) ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : undefined;
    if (!alphabet) continue;
    const replacement = alphabet[(alphabet.indexOf(c) + 1 + rng.int(alphabet.length - 1)) % alphabet.length]!;
    const broken = p.secret.slice(0, i) + replacement + p.secret.slice(i + 1);
    if (!validator.validate(broken)) return broken;
  }
  return undefined;
}
