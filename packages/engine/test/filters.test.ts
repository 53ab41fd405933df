// Each look-alike filter, with the look-alikes it rejects and the real secrets it must keep. Secrets are
// generated from a seed at test time; nothing here is a real credential.
import { describe, expect, it } from 'vitest';
import { Detector, SeededRandom, type Rule } from '../src/index.js';
import { lookAlikeReason, type FilterContext } from '../src/filters.js';

const rng = new SeededRandom('filters.test');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const rand = (alphabet: string, n: number) => rng.string(alphabet, n);

/** The context of `secret` written as the value on `line` (it must occur there). */
function at(line: string, secret: string, generic: boolean, path = 'config/app.env'): FilterContext {
  const column = line.indexOf(secret);
  if (column < 0) throw new Error('secret not on line');
  return { line, column, path, generic };
}
const reason = (line: string, secret: string, generic = true, path?: string) => lookAlikeReason(secret, at(line, secret, generic, path));

describe('placeholders, templates, env lookups, documented examples, redaction', () => {
  it.each([
    ['API_KEY=your_api_key_here', 'your_api_key_here', 'placeholder'],
    ['password: changeme', 'changeme', 'placeholder'],
    [`STRIPE_KEY=sk_live_${'x'.repeat(24)}`, `sk_live_${'x'.repeat(24)}`, 'placeholder'],
    ['password: ${DB_PASSWORD}', '${DB_PASSWORD}', 'template'],
    ['token: {{ .Values.token }}', '{{ .Values.token }}', 'template'],
    ["secret: <%= ENV['SECRET'] %>", "<%= ENV['SECRET'] %>", 'template'],
    ['password: %(db_password)s', '%(db_password)s', 'template'],
    ['key = process.env.STRIPE_KEY', 'process.env.STRIPE_KEY', 'env-reference'],
    ['pw = os.getenv("PW")', 'os.getenv("PW")', 'env-reference'],
    ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE', 'documented-example'],
    ['password: ********', '********', 'redacted'],
    ['token: [REDACTED]', '[REDACTED]', 'redacted'],
  ])('%s -> %s', (line, secret, expected) => {
    expect(reason(line, secret, false)).toBe(expected);
  });

  it('keeps random values', () => {
    const token = `ghp_${rand(ALNUM, 36)}`;
    expect(reason(`GITHUB_TOKEN=${token}`, token, false)).toBeUndefined();
  });
});

describe('UUIDs, git SHAs and hex digests: generic rules only', () => {
  const uuid = `${rand(HEX, 8)}-${rand(HEX, 4)}-4${rand(HEX, 3)}-a${rand(HEX, 3)}-${rand(HEX, 12)}`;
  it('rejects a UUID under a generic rule, keeps it for a provider format and as a password', () => {
    expect(reason(`api_key_id: ${uuid}`, uuid, true)).toBe('uuid');
    expect(reason(`HEROKU_API_KEY=${uuid}`, uuid, false)).toBeUndefined();
    expect(reason(`machine api.heroku.com login a@b.c password ${uuid}`, uuid, true)).toBeUndefined();
  });

  it('rejects hex the line calls a digest or a commit', () => {
    const sha = rand(HEX, 40);
    const digest = rand(HEX, 64);
    expect(reason(`git_commit_token: ${sha}`, sha, true)).toBe('hex-digest');
    expect(reason(`token_sha256 = "${digest}"`, digest, true)).toBe('hex-digest');
    expect(reason(`checksum_secret: sha256:${digest}`, `sha256:${digest}`, true)).toBe('hex-digest');
  });

  it('keeps hex under a secret name, and hex provider formats', () => {
    const key = rand(HEX, 64);
    expect(reason(`SECRET_KEY = "${key}"`, key, true)).toBeUndefined();
    const dd = rand(HEX, 32);
    expect(reason(`DD_API_KEY_SHA=${dd}`, dd, false)).toBeUndefined();
  });
});

describe('lockfiles, subresource integrity and go.sum', () => {
  const sri = `sha512-${rand(B64, 86)}==`;
  it('rejects integrity hashes in lockfiles and HTML', () => {
    expect(reason(`      "integrity": "${sri}"`, sri, false, 'package-lock.json')).toBe('integrity');
    expect(reason(`  <script src="a.js" integrity="${sri}"></script>`, sri, true, 'index.html')).toBe('integrity');
    const checksum = rand(HEX, 64);
    expect(reason(`checksum = "${checksum}"`, checksum, false, 'Cargo.lock')).toBe('integrity');
  });

  it('rejects go.sum lines', () => {
    const h1 = `h1:${rand(B64, 43)}=`;
    expect(reason(`github.com/x/y v1.2.3 ${h1}`, h1.slice(3), false, 'go.sum')).toBe('go-sum');
  });

  it('keeps a credential in a lockfile URL, and integrity-looking text elsewhere', () => {
    const pw = rand(ALNUM, 20);
    expect(reason(`  resolved "https://ci:${pw}@npm.acme.dev/x/-/x-1.0.0.tgz"`, pw, true, 'yarn.lock')).toBeUndefined();
    const token = rand(B64, 40);
    expect(reason(`token = "${token}"`, token, true, 'config.toml')).toBeUndefined();
  });
});

describe('data URIs, minified bundles and source maps', () => {
  it('rejects text inside a data URI', () => {
    const payload = rand(B64, 200);
    const line = `background: url(data:image/png;base64,${payload})`;
    const inner = payload.slice(40, 80);
    expect(reason(line, inner, false, 'a.css')).toBe('data-uri');
  });

  it('rejects VLQ mappings in a source map, keeps sourcesContent', () => {
    const vlq = `${rand(ALNUM, 8)},${rand(ALNUM, 6)};${rand(ALNUM, 30)}`;
    const line = `{"version":3,"sourcesContent":["const k = \\"${'K'}\\""],"mappings":"${vlq}"}`;
    expect(reason(line, vlq.slice(16, 40), false, 'app.js.map')).toBe('source-map');
    const secret = rand(ALNUM, 40);
    const withSecret = `{"sourcesContent":["const apiKey = \\"${secret}\\";"],"mappings":"AAAA"}`;
    expect(reason(withSecret, secret, false, 'app.js.map')).toBeUndefined();
  });

  it('rejects unquoted generic values in minified code, keeps quoted literals', () => {
    const code = `${'var a=1;'.repeat(200)}login({password:e.passwordValue1,token:t})`;
    expect(reason(code, 'e.passwordValue1', true, 'dist/app.min.js')).toBe('identifier');
    const mangled = `${'var a=1;'.repeat(200)}({password:n1x,user:u})`;
    expect(reason(mangled, 'n1x', true, 'dist/app.min.js')).toBe('minified-code');
    const pw = `${rand(ALNUM, 12)}7!`;
    expect(reason(`${'var a=1;'.repeat(200)}({password:"${pw}"})`, pw, true, 'dist/app.min.js')).toBeUndefined();
  });
});

describe('public by design', () => {
  it.each([
    ['Stripe publishable key', `STRIPE_PUBLISHABLE_KEY=pk_live_${rand(ALNUM, 24)}`, (l: string) => l.split('=')[1]!],
    ['Mapbox public token', `MAPBOX_TOKEN=pk.eyJ1Ijoi${rand(ALNUM, 40)}.${rand(ALNUM, 22)}`, (l: string) => l.split('=')[1]!],
    ['Firebase web config', `firebase:{apiKey:"AIza${rand(ALNUM, 35)}",authDomain:"x.firebaseapp.com"}`, (l: string) => l.match(/AIza\w+/)![0]],
  ])('rejects a %s', (_name, line, pick) => {
    expect(reason(line, pick(line), false)).toBe('public-by-design');
  });

  it('rejects the public key of a Sentry DSN, keeps secret keys beside it', () => {
    const pub = rand(HEX, 32);
    expect(reason(`SENTRY_DSN=https://${pub}@o123456.ingest.sentry.io/1234567`, pub, true)).toBe('public-by-design');
    const sk = `sk_live_${rand(ALNUM, 24)}`;
    expect(reason(`STRIPE_SECRET_KEY=${sk}`, sk, false)).toBeUndefined();
    const mapboxSecret = `sk.eyJ1Ijoi${rand(ALNUM, 40)}.${rand(ALNUM, 22)}`;
    expect(reason(`MAPBOX_TOKEN=${mapboxSecret}`, mapboxSecret, false)).toBeUndefined();
  });

  it('rejects a JWT whose role is anon (Supabase anon key), keeps a service-role JWT', () => {
    const jwt = (role: string) =>
      `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"iss":"supabase","role":"${role}"}`).toString('base64url')}.${rand(ALNUM, 43)}`;
    const anon = jwt('anon');
    expect(reason(`SUPABASE_ANON_KEY=${anon}`, anon, false)).toBe('public-by-design');
    const service = jwt('service_role');
    expect(reason(`SUPABASE_SERVICE_KEY=${service}`, service, false)).toBeUndefined();
  });
});

describe('public keys and certificates', () => {
  const spkiRsa = Buffer.concat([Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex'), Buffer.alloc(261, 7)]).toString('base64');
  const pkcs8 = Buffer.concat([Buffer.from('308204be020100300d06092a864886f70d0101010500048204a8', 'hex'), Buffer.alloc(300, 9)]).toString('base64');
  it('rejects SSH public keys, age recipients and base64 SubjectPublicKeyInfo', () => {
    const ssh = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rand(B64, 43)} ci@host`;
    expect(reason(`deploy_key: ${ssh}`, ssh, false)).toBe('public-key');
    const age = `age1${rand('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}`;
    expect(reason(`recipient: ${age}`, age, false)).toBe('public-key');
    expect(reason(`signing_key: ${spkiRsa}`, spkiRsa, true)).toBe('public-key');
  });

  it('rejects text inside a one-line certificate, keeps private key DER', () => {
    const body = rand(B64, 64);
    const line = `"ca": "-----BEGIN CERTIFICATE-----\\n${body}\\n-----END CERTIFICATE-----"`;
    expect(reason(line, body, false)).toBe('public-key');
    expect(reason(`private_key: ${pkcs8}`, pkcs8, true)).toBeUndefined();
  });
});

describe('encrypted values', () => {
  it.each([
    ['SOPS', `password: ENC[AES256_GCM,data:${rand(B64, 20)},iv:${rand(B64, 43)}=,tag:${rand(B64, 22)}==,type:str]`],
    ['SealedSecret', `  password: AgB${rand(B64, 500)}==`],
  ])('rejects %s ciphertext', (_name, line) => {
    const secret = line.slice(line.indexOf(': ') + 2);
    expect(reason(line, secret, true)).toBe('encrypted');
  });

  it('rejects a value inside an ENC[...] envelope and on an Ansible Vault line', () => {
    const data = rand(B64, 30);
    expect(reason(`api_token: ENC[AES256_GCM,data:${data},type:str]`, data, false)).toBe('encrypted');
    expect(reason('password: !vault | $ANSIBLE_VAULT;1.1;AES256', '$ANSIBLE_VAULT;1.1;AES256', true)).toBe('encrypted');
  });
});

describe('identifiers in code, i18n strings and plain English (generic rules only)', () => {
  it.each(['getApiKey', 'SECRET_KEY_NAME', 'password_field', 'billing-db-credentials', 'this.apiKey', 'user.password', 'PasswordInput'])(
    'rejects the identifier %s',
    (name) => {
      expect(reason(`secret = ${name}`, name, true, 'src/a.ts')).toBe('identifier');
      expect(reason(`secret = ${name}`, name, false, 'src/a.ts')).toBeUndefined();
    },
  );

  it.each([
    ['Passwort-vergessen', 'src/a.ts'],
    ['API-Schlüssel', 'src/a.ts'],
    ['Mot-de-passe', 'src/a.ts'],
    ['Clé', 'src/locales/fr.json'],
  ])('rejects the word %s', (word, path) => {
    expect(reason(`"password": "${word}"`, word, true, path)).toBe('natural-language');
  });

  it('keeps generated passwords and tokens', () => {
    for (let i = 0; i < 50; i++) {
      const pw = `${rand(ALNUM, 14)}${rand('0123456789', 2)}!`;
      expect(reason(`DB_PASSWORD=${pw}`, pw, true)).toBeUndefined();
      const tok = rand(`${ALNUM}-_`, 40);
      expect(reason(`api_token: ${tok}`, tok, true, 'src/locales/en.yml')).toBeUndefined();
    }
  });
});

describe('checksum failures (in the detector)', () => {
  const base: Omit<Rule, 'id' | 'pattern' | 'keywords' | 'tags'> = {
    provider: 'Test',
    description: 'test',
    severity: 'high',
    precision: 'high',
    docs: 'https://example.test',
    scope: 'line',
    caseInsensitive: false,
    skipFilters: false,
    examples: { match: ['x'], noMatch: ['x'] },
    origin: 'test',
  };
  const provider: Rule = { ...base, id: 'test-token', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], tags: [], checksum: 'github-crc32' };
  const generic: Rule = { ...base, id: 'test-generic-token', pattern: 'token\\s*=\\s*(?P<secret>\\S+)', keywords: ['token'], tags: ['generic'] };

  it('drops a generic hit on a value that failed a provider checksum', () => {
    const detector = new Detector([provider, generic]);
    const broken = `ghp_${rand(ALNUM, 36)}`;
    expect(detector.detect({ text: `token = ${broken}`, path: 'a.env' })).toEqual([]);
    const other = `${rand(ALNUM, 30)}9`;
    expect(detector.detect({ text: `token = ${other}`, path: 'a.env' }).map((f) => f.ruleId)).toEqual(['test-generic-token']);
  });
});

// Issue 12, section 3: what generic rules read as a value in real code, and must not report.
describe('generic rules: names, references, hashes and made-up values found in real code', () => {
  it.each([
    // template and variable references
    ['{{- $password := .Values.auth.password }}', '.Values.auth.password', 'identifier'],
    ['{{- range $pullSecret := .Values.image.pullSecrets }}', '.Values.image.pullSecrets', 'identifier'],
    ['--set ghostPassword=$APP_PASSWORD,ghostHost=$APP_HOST', '$APP_PASSWORD,ghostHost=$APP_HOST', 'template'],
    ['password=@@DB_PASSWORD@@', '@@DB_PASSWORD@@', 'template'],
    ['INFLUXDB_ADMIN_TOKEN="$(<INFLUXDB_ADMIN_TOKEN_FILE)"', '$(<INFLUXDB_ADMIN_TOKEN_FILE', 'template'],
    ["User.find_by(\"password = '#{params[:password]}'\")", '#{params[:password]', 'template'],
    ['String accessKey = "management.endpoint.%s.access".formatted(id);', 'management.endpoint.%s.access', 'identifier'],
    // paths and classpath references to key files
    ['private-key: "classpath:ssl/server.key"', 'classpath:ssl/server.key', 'file-reference'],
    ['private-key: "file:/some/directory/application.key"', 'file:/some/directory/application.key', 'file-reference'],
    // identifiers: bundler renames, member chains in Ruby, Go and Java, header-name constants
    ['type SemicolonToken = SemicolonToken$1;', 'SemicolonToken$1', 'identifier'],
    ['exports.SignatureV4SignWithCredentials = SignatureV4SignWithCredentials;', 'SignatureV4SignWithCredentials', 'identifier'],
    ['User.authenticate_by(token: @user.token, password: @user.password)', '@user.password', 'identifier'],
    ['ActionController::Base.request_forgery_protection_token = :custom_authenticity_token', ':custom_authenticity_token', 'identifier'],
    ['nextToken = *resp.NextForwardToken', '*resp.NextForwardToken', 'identifier'],
    ['Supplier<CharSequence> getPassword = this.properties::getPassword;', 'this.properties::getPassword', 'identifier'],
    ['const X_AWS_EC2_METADATA_TOKEN = "x-aws-ec2-metadata-token";', 'x-aws-ec2-metadata-token', 'identifier'],
    ['# - Secret: airflow-cluster1-fernet-key', 'airflow-cluster1-fernet-key', 'identifier'],
    ['put "/disk/:encoded_token" => "active_storage/disk#update"', 'active_storage/disk#update', 'identifier'],
    ['- "API_KEY=(?i).*api(-|_)key( *=+ *).*"', '(?i).*api(-|_)key(', 'code-expression'],
    ['"encryptionKey": "arn:aws:kms:us-east-1:123456789012:alias/aws/s3",', 'arn:aws:kms:us-east-1:123456789012:alias/aws/s3', 'identifier'],
    ['"ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDbSecret-x7y8z9",', 'MyDbSecret-x7y8z9', 'identifier'],
    // tokens that authorise nothing
    [`ContinuationToken: "${'1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcRO'}",`, '1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcRO', 'non-credential-token'],
    ['<input type="hidden" name="authenticity_token" value="Lz6ILqUEs2CGdDa-oz38TqcqQORavGnbGk">', 'Lz6ILqUEs2CGdDa-oz38TqcqQORavGnbGk', 'non-credential-token'],
    // public by design
    ['[![codecov](https://codecov.io/gh/acme/lib/graph/badge.svg?token=JTuDzWoTRn)](https://codecov.io/gh/acme/lib)', 'JTuDzWoTRn)](https://codecov.io/gh/acme/lib', 'public-by-design'],
    ["docsearch: { appId: 'ML0LEBN7FQ', indexName: 'vuejs', apiKey: '21cf9df0734770a2448a9da64a700c22' }", '21cf9df0734770a2448a9da64a700c22', 'public-by-design'],
    // password hashes and encrypted passwords
    ['htpasswd: registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrOpTHdwhid4ktBJmLD00bYgqkkGOvll3m', 'registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrOpTHdwhid4ktBJmLD00bYgqkkGOvll3m', 'password-hash'],
    ['String password = "{bcrypt}$2a$10$sCBi9fy9814vUPf2ZRbtp.fR5/VgRk2iBFZ";', 'bcrypt}$2a$10$sCBi9fy9814vUPf2ZRbtp.fR5/VgRk2iBFZ', 'password-hash'],
    ["password: 'sha1:aae8550c0a44:9507d45e087d5ee481a5ce9f4f16f37a0867318c'", 'sha1:aae8550c0a44:9507d45e087d5ee481a5ce9f4f16f37a0867318c', 'password-hash'],
    ['<password>{Ur5BpeQGlYUHhXsHahO/HbMBcPSFSUtN5gbWuFFPYGw=}</password>', 'Ur5BpeQGlYUHhXsHahO/HbMBcPSFSUtN5gbWuFFPYGw=', 'password-hash'],
    // a provider's prefix without the provider's format
    [`token = "ghp_${'x1Y2'.repeat(3)}"`, `ghp_${'x1Y2'.repeat(3)}`, 'provider-format'],
    [`api_key: sk_live_${'4eC39Hq'}`, 'sk_live_4eC39Hq', 'provider-format'],
    // made-up values that say what they are
    ['rootPassword: "newRootPassword123"', 'newRootPassword123', 'placeholder'],
    ["@initial_password = 'TestPa$$w0rd!'", 'TestPa$$w0rd!', 'placeholder'],
    ['--from-literal=clientSecret="github-oauth2-client-secret"', 'github-oauth2-client-secret', 'identifier'],
    ['clientSecret: "VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0",', 'VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0', 'placeholder'],
    ['String deviceToken = "1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p";', '1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p', 'placeholder'],
    ['token = "9cbaf023786cd7..."', '9cbaf023786cd7...', 'placeholder'],
    ['url: postgres://<USERNAME>:<PASSWORD>@<HOST>:5432/db', '<PASSWORD>@<HOST>:5432/db', 'placeholder'],
    ['password: cGFzc3dvcmQ=', 'cGFzc3dvcmQ=', 'placeholder'],
    ['secret: ZXhhbXBsZS1hcHAtc2VjcmV0', 'ZXhhbXBsZS1hcHAtc2VjcmV0', 'placeholder'],
    ['apiPassword: c3RvcmFnZW9z', 'c3RvcmFnZW9z', 'placeholder'],
    ['## redis: network=tcp,addr=:6379,password=macaron,db=0,pool_size=100', 'macaron,db=0,pool_size=100', 'code-expression'],
    ['"QUERY_STRING" => "secret=bd4f21f&genuine=%5BFILTERED%5D",', 'bd4f21f&genuine=%5BFILTERED%5D', 'placeholder'],
  ])('%s', (line, secret, expected) => {
    expect(reason(line, secret, true, 'src/app.rb')).toBe(expected);
  });

  it('keeps random values in the same places', () => {
    const value = () => `${rand(ALNUM, 14)}${rand('0123456789', 2)}${rand(ALNUM, 14)}`;
    const b64 = Buffer.from(rng.string(ALNUM, 24)).toString('base64');
    for (const [line, secret] of [
      ...[value()].map((v) => [`rootPassword: "${v}"`, v]),
      ...[value()].map((v) => [`const API_TOKEN = process.env.API_TOKEN || "${v}";`, v]),
      ...[value()].map((v) => [`accessToken: "${v}",`, v]),
      ...[value()].map((v) => [`--set auth.password=${v},auth.user=app`, `${v},auth.user=app`]),
      ...[value()].map((v) => [`X_API_TOKEN = "${v}"`, v]),
      [`password: ${b64}`, b64],
      ...[`ghp_${rand(ALNUM, 36)}`].map((v) => [`token = "${v}"`, v]),
      ...[`${rand(HEX, 32)}`].map((v) => [`apiKey: '${v}'`, v]),
    ] as Array<[string, string]>) {
      expect(reason(line, secret, true, 'charts/app/templates/NOTES.txt'), line).toBeUndefined();
    }
  });

  it('judges a key=value list by its first item', () => {
    const notes = 'charts/app/templates/NOTES.txt';
    expect(reason('--set auth.password=hunter,auth.username=my-user', 'hunter,auth.username=my-user', true, notes)).toBe('placeholder');
    expect(reason('?user=app&secret=bd4f21f&mode=x', 'bd4f21f&mode=x', true, notes)).toBe('placeholder');
  });

  it('judges shapes only for generic rules', () => {
    expect(reason('rootPassword: "newRootPassword123"', 'newRootPassword123', false)).toBeUndefined();
    expect(reason('password: cGFzc3dvcmQ=', 'cGFzc3dvcmQ=', false)).toBeUndefined();
  });
});

describe('generic rules: more names seen in real code', () => {
  it.each([
    ['encryption_key = get_random_aes_256_gcm_key', 'get_random_aes_256_gcm_key'],
    ['let credentials = serde_wasm_bindgen::from_value::<AwsCredentials>(x)', 'serde_wasm_bindgen::from_value::'],
    ['"Resource": "arn:aws:secretsmanager:*:*:secret:br-studio/*",', 'br-studio/*'],
    ['--docker-password=<DOCKER_PASSWORD> --docker-email=', '--docker-email='],
    ['# eg redis://:<password>@hostname:6379', '@hostname:6379'],
    ['Authorization: AWS4-HMAC-SHA256 Credential=ACCESS-KEY/20171025/us-west-2/dynamodb/aws4_request, SignedHeaders=host', 'ACCESS-KEY/20171025/us-west-2/dynamodb/aws4_request'],
    ["iv_secretstring = '{\"api_key\":\"test-api-key-456\"}'", 'test-api-key-456'],
  ])('%s', (line, secret) => {
    expect(reason(line, secret, true, 'README.md')).toBe('identifier');
  });
});
