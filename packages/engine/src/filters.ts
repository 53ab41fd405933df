// Filters for values that only look like secrets. Each returns the name of the reason it rejected a
// candidate, or undefined. They run after the rule's regex, entropy and checksum, and before allowlists.
// Filters that judge a value by its shape alone (UUIDs, hex digests, identifiers, words) apply only to
// generic rules: a provider format that is hex or UUID by design has already proved itself by prefix,
// length and checksum. Filters that judge by where the value sits (lockfiles, go.sum, data URIs, source
// map mappings, SOPS and Vault envelopes, public keys and certificates) apply to every rule.

export type FilterReason =
  | 'placeholder'
  | 'template'
  | 'env-reference'
  | 'documented-example'
  | 'redacted'
  | 'uuid'
  | 'hex-digest'
  | 'integrity'
  | 'go-sum'
  | 'lockfile'
  | 'data-uri'
  | 'minified-code'
  | 'source-map'
  | 'public-by-design'
  | 'public-key'
  | 'encrypted'
  | 'identifier'
  | 'code-expression'
  | 'natural-language'
  | 'password-hash'
  | 'provider-format'
  | 'non-credential-token'
  | 'file-reference';

/** Where the candidate sits. Without it only the value-shape filters run. */
export interface FilterContext {
  /** The line holding the start of the secret (for multi-line secrets, its first line). */
  line: string;
  /** Offset of the secret's first character in `line`. */
  column: number;
  /** Repo-relative POSIX path of the fragment. */
  path: string;
  /** The rule is a generic fallback (tag `generic`), not a provider format. */
  generic: boolean;
}

// Words that real keys do not contain but documentation, samples and tests do.
const PLACEHOLDER_WORDS = [
  'your_',
  'your-',
  'yourkey',
  'yourtoken',
  'yoursecret',
  'yourpassword',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'replace_me',
  'replace-me',
  'replaceme',
  'insert_',
  'insert-',
  'dummy',
  'sample',
  'foobar',
  'example',
  'fake_',
  'fake-',
  'notasecret',
  'not_a_secret',
  'not-a-secret',
  'todo',
  'fixme',
  'xxxx',
  'secret_here',
  'token_here',
  'key_here',
  'password_here',
  '_here',
  '-here',
];

const REDACTED = /(\*{3,}|•{3,}|\[redacted\]|<redacted>|\(redacted\)|redacted|\[filtered\]|\[masked\]|\[hidden\])/i;

// ${VAR} {{ x }} $(cmd) %(name)s <%= x %> #{x} {x} %VAR% @Value("${..}")  -- a reference, not a value.
// Generic rules stop a value before a closing bracket, so an unclosed `${` or `{{` (`ghp_${rand(`) counts too.
const TEMPLATE = /\$\{|\{\{|^(?:\$\(|#\{|<%|%\()|\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|%\([^)]+\)[sd]|<%=?[^%]*%>|#\{[^}]*\}|^\{[A-Za-z_][\w.-]*\}$|^%[A-Za-z_]\w*%$|^\$[A-Za-z_]\w*$|^\$(?!ANSIBLE_VAULT)[A-Z_][A-Z0-9_]*(?![A-Za-z0-9])|@@[A-Za-z_][\w.-]*@@|^<[^<>]+>$|^\[[A-Za-z_ -]+\]$/;

const ENV_REFERENCE =
  /process\.env\b|import\.meta\.env\b|os\.getenv\b|os\.environ\b|getenv\(|System\.getenv|Environment\.GetEnvironmentVariable|ENV\[|ENV\.fetch|env\(['"]|\$env:|secrets\.[A-Za-z_]|vars\.[A-Za-z_]/;

// Keys that providers print in their own documentation. AWS marks every documented key with EXAMPLE.
const DOCUMENTED_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'ASIAIOSFODNN7EXAMPLE',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'xoxb-not-a-real-token-this-will-not-work',
  'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe',
]);

function lowerIncludesAny(text: string, words: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return words.some((w) => lower.includes(w));
}

/** A value made of one repeated character, or a straight run such as 123456789 or abcdefgh. */
function isTrivialSequence(secret: string): boolean {
  const body = secret.replace(/[^A-Za-z0-9]/g, '');
  if (body.length < 6) return false;
  if (/^(.)\1+$/.test(body)) return true;
  let ascending = 0;
  for (let i = 1; i < body.length; i++) if (body.charCodeAt(i) === body.charCodeAt(i - 1) + 1) ascending++;
  return ascending >= body.length - 2;
}

// `<PASSWORD>`, `<your key>`, `<user>:<pass>@`: a slot for a value, wherever it sits in the candidate.
const ANGLE_SLOT = /<[A-Za-z][\w .-]*>/;
// `1a2b3c4d…` and `a1B2c3D4…`: counting letters and digits in turn, the look of a made-up value.
const COUNTING_RUN = /(?:1a2b3c|a1b2c3)/i;
// `VERYLONGSECRET…`, `MYSECRETTOKEN`: a capital phrase that names what it stands for.
const SHOUTED_NAME = /^(?:VERY|MY|YOUR|SOME|THE|LONG|SUPER|TOP|TEST)+(?:SECRET|TOKEN|PASSWORD|PASSWD|APIKEY|KEY)/;

/** The value with look-alike digits and symbols read as letters: `P@ssw0rd` -> `password`. */
function deLeet(text: string): string {
  return text.toLowerCase().replace(/[0@4$5!1|3]/g, (c) => ({ '0': 'o', '@': 'a', '4': 'a', $: 's', '5': 's', '!': 'i', '1': 'i', '|': 'l', '3': 'e' })[c]!);
}

export function isPlaceholder(secret: string): boolean {
  return (
    lowerIncludesAny(secret, PLACEHOLDER_WORDS) ||
    isTrivialSequence(secret) ||
    /(?:\.{3}|…)$/.test(secret) || // truncated in documentation: `9cbaf023786cd7...`
    ANGLE_SLOT.test(secret) ||
    COUNTING_RUN.test(secret) ||
    SHOUTED_NAME.test(secret)
  );
}

/**
 * A value that spells out the word it stands for (`newRootPassword123`, `TestPa$$w0rd!`,
 * `github-oauth2-client-secret`): generated credentials do not contain the words password or secret.
 * Generic rules only; a provider format proved itself by prefix and length.
 */
export function spellsItsOwnKind(secret: string): boolean {
  const plain = deLeet(secret);
  return /pas+w(?:o|a)?r?d|passwd|secret/.test(plain);
}

export function isTemplateReference(secret: string): boolean {
  return TEMPLATE.test(secret);
}

export function isEnvReference(secret: string): boolean {
  return ENV_REFERENCE.test(secret);
}

export function isDocumentedExample(secret: string): boolean {
  return DOCUMENTED_EXAMPLES.has(secret) || /EXAMPLE/.test(secret);
}

export function isRedacted(secret: string): boolean {
  return REDACTED.test(secret);
}

// ---------------------------------------------------------------------------------------------------
// Shapes that are identifiers, digests and words (generic rules only)

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(secret: string): boolean {
  return UUID.test(secret);
}

// What a hex value is when the line names it: a digest, a commit, a content hash.
const DIGEST_CONTEXT = /sha-?(?:1|224|256|384|512)?\b|sha\d*sum|md5|digest|checksum|hash|fingerprint|etag|commit|revision|\brev\b|integrity|crc32|git[_.-]?(?:head|ref)/i;
const DIGEST_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);

/**
 * A git SHA or content digest: hex of a digest's length where the line calls it one (`sha256:`,
 * `checksum =`, `commit:`), or hex carrying an algorithm prefix (`sha256:…`, `md5-…`). A hex secret
 * under a secret's name (`SECRET_KEY = <64 hex>`, as `secrets.token_hex()` makes) is not a digest.
 */
export function isHexDigest(secret: string, line = ''): boolean {
  if (/^(?:sha(?:1|224|256|384|512)|md5|blake2b?|h1)[:-][0-9a-fA-F]{32,}$/i.test(secret)) return true;
  if (!/^[0-9a-fA-F]+$/.test(secret) || !DIGEST_LENGTHS.has(secret.length)) return false;
  return DIGEST_CONTEXT.test(line);
}

/**
 * Code, not a value: a member chain (`user.password`, `this.apiKey`), or a name built only of words
 * (`getApiKey`, `SECRET_KEY_NAME`, `password_field`, `billing-db-credentials`). Real secrets carry digits
 * or a random mix of cases; names are words joined by a convention.
 */
export function isCodeIdentifier(secret: string): boolean {
  if (/^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+(?:\(\))?$/.test(secret) && !/\d{3,}/.test(secret)) return true;
  if (/^[a-z][a-z]+(?:[A-Z][a-z]+)+$/.test(secret)) return true; // camelCase words
  if (/^(?:[A-Z][a-z]+){2,}$/.test(secret)) return true; // PascalCase words
  if (/^[A-Z]{2,}(?:_[A-Z]{2,})+$/.test(secret)) return true; // CONSTANT_CASE words
  if (/^[a-z]{2,}(?:[_-][a-z]{2,})+$/.test(secret)) return true; // snake_case / kebab-case words
  return false;
}

const CODE_PATH = /\.(?:[cm]?[jt]sx?|vue|svelte|py|go|java|kts?|scala|groovy|cs|fs|vb|rb|php|rs|swift|dart|c|cc|cpp|h|hpp|m|mm|lua|pl|ex|exs|sh|bash|zsh|ps1)$/i;
const CODE_PUNCTUATION = /[(){}[\]<>;,]/;

/**
 * Code, not a literal, for a generic rule's value (which may hold brackets, for Django keys):
 * a call or subscript (`hash(salt1` of `hash(salt1)`, `keys[idx_1`), or, in a source file, a value
 * holding brackets or `;,` that no quotes enclose (`function(e){this.token=e`, `e.password,remember:1`).
 * Random secrets with brackets also hold `!@#%^&=`, which arguments do not.
 */
export function isCodeExpression(secret: string, line = '', column = 0, path = ''): boolean {
  if (/^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*[([][\w$.()[\]{},:+*/-]*$/.test(secret)) return true;
  if (!CODE_PUNCTUATION.test(secret) || !CODE_PATH.test(path)) return false;
  let open = column - 1;
  while (open >= 0 && CODE_PUNCTUATION.test(line[open]!)) open--;
  const quote = line[open];
  return !(quote === '"' || quote === "'" || quote === '`') || line[column + secret.length] !== quote;
}

// Folders and files that hold translations rather than configuration.
const I18N_PATH = /(?:^|\/)(?:locales?|i18n|l10n|lang|languages|translations?|messages)(?:\/|$)|(?:^|\/)messages[_.-][\w-]*\.properties$|\.(?:po|pot|xliff|xlf|resx|strings|arb)$/i;

/**
 * A word or phrase of a human language: letters (any script) with the punctuation prose uses and no
 * digits. Generic rules already require a mix of letters and non-letters, so what reaches here is
 * `Mot-de-passe`, `API-Schlüssel`, `Passwort:`, or any digit-free text in a translation file.
 */
export function isNaturalLanguage(secret: string, path = ''): boolean {
  if (/\d/.test(secret)) return false;
  if (/^[\p{L}][\p{L}\p{M}'’-]*[\p{L}\p{M}][?!.:…]?$/u.test(secret) && /[^\x00-\x7f]/.test(secret)) return true;
  if (/^[\p{Lu}]?[\p{Ll}\p{M}]+(?:[-'’][\p{L}\p{M}]+)*[?!.:…]?$/u.test(secret) && secret.length <= 24) return true;
  return I18N_PATH.test(path) && !/[A-Z].*[A-Z].*[a-z].*\d|[+/=]{2}/.test(secret) && /^[\p{L}\p{M}\s'’.,:;!?…-]+$/u.test(secret);
}

// ---------------------------------------------------------------------------------------------------
// What a generic rule's value is when it is not a secret (issue 12): names, references, hashes, formats

/** The name a value is assigned to on `line` (`X_TOKEN` of `X_TOKEN = "…"`, `token` of `?token=…`), or ''. */
export function assignedName(line: string, column: number): string {
  const before = line.slice(0, column).replace(/[\s"'`({\[<;,]*$/, '');
  const op = /(?:\s+value=|\s*(?::=|=>|[:=>]))$/.exec(before);
  if (!op) return '';
  const head = before.slice(0, op.index).replace(/["'`\]]+$/, '');
  return /[\w$.-]+$/.exec(head)?.[0] ?? '';
}

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A constant whose value is its own name or a header name: `X_AWS_EC2_METADATA_TOKEN = "x-aws-ec2-metadata-token"`. */
export function isOwnName(secret: string, name: string): boolean {
  if (!name) return false;
  const value = squash(secret);
  const key = squash(name.replace(/^.*[.$]/, ''));
  return value.length >= 6 && (value === key || key.endsWith(value) || value.endsWith(key));
}

// Tokens that authorise nothing: pagination cursors, CSRF form tokens, cluster ids, idempotency keys.
const NON_CREDENTIAL_TOKEN =
  /(?:continuation|next(?:forward|backward)?|prev(?:ious)?|page|pagination|cursor|sync|marker|csrf|xsrf|authenticity|anti[_.-]?forgery|request[_.-]?verification|cancellation|idempotency|client[_.-]?request|initial[_.-]?cluster|device)[_.-]?token$/i;

/** Under a name for a token that is no credential (`ContinuationToken`, `authenticity_token`, `nextPageToken`). */
export function isNonCredentialTokenName(name: string): boolean {
  return NON_CREDENTIAL_TOKEN.test(name);
}

// Names in code: `@user.password`, `:custom_token`, `ActionController::Base.x`, `*resp.NextToken`,
// `this.props::getPassword`, `XToken$1` (a bundler's rename), `.Values.auth.password` (a Go template field).
const CODE_NAME = /^(?:@@?|:|\*|&|\.)?[A-Za-z_][\w]*(?:(?:::|\.|->)[A-Za-z_][\w]*)*(?:\$\d+|::)?[?!]?$/;
// PascalCase words with version-like parts: `SignatureV4SignWithCredentials`, `S3ClientConfig`.
const PASCAL_WITH_PARTS = /^(?:[A-Z][a-z]{2,}|[A-Z]{1,3}\d{1,2}|V\d+)+$/;
// Names joined by dashes, dots or underscores, with digits at word ends: `airflow-cluster1-fernet-key`.
const JOINED_WORDS = /^[a-z]+\d*(?:[_.-](?:[a-z]+\d*|\d{1,3})){2,}$/i;

/** A piece of a name: letters (a digit or two at the end), in one case or with a capital per word, never `eyJzdWIiOiIx`. */
function isWordySegment(segment: string): boolean {
  if (/^\d{1,2}$/.test(segment)) return true; // the `1` of a bundler's `XToken$1`
  if (!/^[A-Za-z_]+\d{0,2}$/.test(segment)) return false;
  const letters = segment.replace(/[^A-Za-z]/g, '');
  const capitals = letters.replace(/[^A-Z]/g, '').length;
  return capitals === letters.length || capitals <= Math.ceil(letters.length / 4);
}

/** A name, not a value: code references, bundler renames, template fields, joined words with digits. */
export function isNameNotValue(secret: string): boolean {
  if (CODE_NAME.test(secret) && (/[@:*&.$]|->/.test(secret) || /^[A-Za-z_]+$/.test(secret))) {
    if (secret.split(/::|->|[.@:*&$]/).filter(Boolean).every(isWordySegment)) return true;
  }
  if (PASCAL_WITH_PARTS.test(secret) && (secret.match(/[A-Z][a-z]{2,}/g)?.length ?? 0) >= 3) return true;
  if (JOINED_WORDS.test(secret) && (secret.match(/[a-z]{3,}/gi)?.length ?? 0) >= 2 && secret.split(/[_.-]/).every((w) => /^(?:[a-z]+\d{0,2}|\d{1,3})$/i.test(w))) return true;
  if (/(?:^|[._-])%[sd](?:[._-]|$)/.test(secret) && /^[\w.%-]+$/.test(secret)) return true; // a format string: `management.endpoint.%s.access`
  if (/^[a-z_]+(?:\/[a-z_]+)+#[a-z_]+$/.test(secret)) return true; // a Rails route target: `active_storage/disk#update`
  if (/^--?[a-z][\w-]*=?$/.test(secret)) return true; // the next command-line flag: `--docker-password= --docker-email=`
  if (/^@[\w.-]+(?::\d+)?(?:\/\S*)?$/.test(secret)) return true; // the host part after a `<password>` slot: `@hostname:6379`
  if (/\/aws4_request$/.test(secret)) return true; // a SigV4 credential scope: `AKID/20171025/us-west-2/dynamodb/aws4_request`
  return false;
}

// Key files named by path or by a resource prefix: `classpath:ssl/server.key`, `/etc/ssl/private/app.key`.
const KEY_FILE = /^(?:(?:classpath\*?|file|jar|resource|res|vfs):)?[\w.@~${}\/\\-]*\.(?:pem|key|crt|cer|der|p8|p12|pfx|jks|jceks|keystore|truststore|ppk|gpg|asc|kdbx|json|ya?ml|txt|env)$/i;

/** A reference to a key file rather than its content. */
export function isFileReference(secret: string): boolean {
  return KEY_FILE.test(secret) && (/[:/\\]/.test(secret) || /^[\w.-]+$/.test(secret));
}

/**
 * A password hash or encrypted password: bcrypt/scrypt/argon2 modular crypt (`$2a$10$…`, with an
 * htpasswd `user:` or a Spring `{bcrypt}` tag), Jupyter's `sha1:salt:hash`, Maven's `{…=}` ciphertext.
 */
export function isPasswordHash(secret: string, line = ''): boolean {
  if (/^(?:[\w.-]+:)?(?:\{[a-z0-9-]+\}?)?\$(?:2[abxy]?|5|6|argon2i?d?|scrypt|pbkdf2[\w-]*|apr1|y|gy|7)\$/i.test(secret)) return true;
  if (/^(?:bcrypt|noop|pbkdf2|scrypt|sha256|argon2)\}/.test(secret)) return true;
  if (/^(?:sha(?:1|256|512)|md5|pbkdf2[\w-]*|argon2\w*):[0-9a-f$:]{8,}$/i.test(secret)) return true;
  return /<password>\{[A-Za-z0-9+/=]+\}<\/password>/.test(line); // Maven settings-security encryption
}

// Providers' prefixes and the formats their documentation gives. A generic hit that starts with a prefix but
// fails the format is a truncated or made-up example (`ghp_xxx`, `sk_live_123`), not an unknown secret.
const PROVIDER_FORMATS: Array<[RegExp, RegExp]> = [
  [/^gh[pou]_/, /^gh[pou]_[A-Za-z0-9]{36}$/],
  [/^gh[sr]_/, /^gh[sr]_[A-Za-z0-9_]{36,}$/], // installation and refresh tokens may be longer // https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
  [/^github_pat_/, /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/],
  [/^glpat-/, /^glpat-[A-Za-z0-9_.-]{20,}$/], // https://docs.gitlab.com/ee/security/token_overview.html
  [/^xox[abposr]-/, /^xox[abposr]-(?:\d+-)+[A-Za-z0-9-]{10,}$/], // https://api.slack.com/authentication/token-types
  [/^(?:sk|rk)_(?:live|test)_/, /^(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,}$/], // https://docs.stripe.com/keys
  [/^(?:AKIA|ASIA)/, /^(?:AKIA|ASIA)[A-Z2-7]{16}$/], // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
  [/^AIza/, /^AIza[0-9A-Za-z_-]{35}$/], // https://cloud.google.com/docs/authentication/api-keys
  [/^npm_/, /^npm_[A-Za-z0-9]{36}$/], // https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/
  [/^SG\./, /^SG\.[\w-]{22}\.[\w-]{43}$/], // https://docs.sendgrid.com/ui/account-and-settings/api-keys
  [/^shp(?:at|ca|pa|ss)_/, /^shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}$/], // https://shopify.dev/docs/apps/auth
  [/^do[opr]_v1_/, /^do[opr]_v1_[a-f0-9]{64}$/], // https://docs.digitalocean.com/reference/api/create-personal-access-token/
  [/^sk-ant-/, /^sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}$/], // https://docs.anthropic.com/en/api/getting-started
];

/** A value with a known provider's prefix that fails that provider's documented format. */
export function failsProviderFormat(secret: string): boolean {
  return PROVIDER_FORMATS.some(([prefix, format]) => prefix.test(secret) && !format.test(secret));
}

/** A key=value list the rule read as one value (`--set a.password=x,b.user=y`, `?secret=x&user=y`): its first item. */
export function firstListItem(secret: string): string | undefined {
  const m = /^([^,&]*)[,&][A-Za-z_][\w.-]*=/.exec(secret);
  return m ? m[1] : undefined;
}

/** A base64 value whose text is itself a look-alike: `cGFzc3dvcmQ=` is "password", `ZXhhbXBsZS1hcHAtc2VjcmV0` "example-app-secret". */
export function decodesToLookAlike(secret: string): boolean {
  if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(secret) || secret.length % 4 !== 0) return false;
  const text = Buffer.from(secret, 'base64').toString('latin1').replace(/\n$/, '');
  if (!/^[\x20-\x7e]+$/.test(text)) return false;
  return (
    isPlaceholder(text) ||
    spellsItsOwnKind(text) ||
    /^[A-Za-z]+$/.test(text) ||
    /^[a-z]+:\/\/[^@\s]+$/.test(text) || // a URL without credentials: `tcp://127.0.0.1:5705`
    /^[A-Za-z]+[^A-Za-z0-9]?\d{1,4}$/.test(text) || // a word and a number: `sCaleio123`
    isNameNotValue(text) ||
    /^[\w.-]+:[A-Za-z]+$/.test(text) // `user:word`: a Docker auth of made-up names
  );
}

/** A regular expression, not a value: `(?i)`, `.*`, `\d{20}`, classes. */
export function isRegexSource(secret: string): boolean {
  return /\(\?[imsx]+\)|\.\*|\\[dws][{+*]|\[[A-Za-z0-9]-[A-Za-z0-9]+\][{+*]/.test(secret);
}

/** Inside an AWS ARN (`arn:aws:secretsmanager:…:secret:name-a1b2c3`): a resource name. */
export function isInArn(secret: string, line: string, column: number): boolean {
  if (/^arn:aws[\w-]*:/.test(secret)) return true;
  return line.includes('arn:aws') && within(spanOf(line, /arn:aws[\w-]*:[\w*-]*:[\w*-]*:[\w*${}:-]*:[^\s"',]*/g), column);
}

// ---------------------------------------------------------------------------------------------------
// Where the value sits (every rule)

const LOCKFILE = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lock|Cargo\.lock|poetry\.lock|Pipfile\.lock|pdm\.lock|uv\.lock|composer\.lock|Gemfile\.lock|packages\.lock\.json|flake\.lock|mix\.lock|pubspec\.lock|Podfile\.lock|gradle\.lockfile|go\.sum)$/;
const SRI = /^(?:sha(?:1|256|384|512))-[A-Za-z0-9+/]{20,}={0,2}$/;

/** A subresource-integrity or lockfile hash: `sha512-…`, or a hash field of a lockfile. */
export function isIntegrityHash(secret: string, line = '', path = ''): boolean {
  if (SRI.test(secret)) return true;
  if (/\bintegrity\b/i.test(line) && spanOf(line, /\bsha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}/g).some(([s, e]) => s <= line.indexOf(secret) && line.indexOf(secret) < e)) {
    return true;
  }
  return LOCKFILE.test(path) && /\b(?:integrity|checksum|shasum|hash|content-hash|reference|resolved|sha\d*)\b/i.test(line) && !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(line);
}

/** A go.sum line: `module version[/go.mod] h1:<base64>=`. */
export function isGoSumLine(line: string, path: string): boolean {
  return /(?:^|\/)go\.sum$/.test(path) && /^\S+ v\S+ h1:[A-Za-z0-9+/]{43}=\s*$/.test(line);
}

/** Lockfiles list packages, versions and hashes; a generic rule's hit there is one of those unless it is a URL credential. */
export function isLockfileLine(line: string, path: string): boolean {
  return LOCKFILE.test(path) && !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(line);
}

function spanOf(line: string, re: RegExp): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of line.matchAll(re)) out.push([m.index!, m.index! + m[0].length]);
  return out;
}

function within(spans: Array<[number, number]>, column: number): boolean {
  return spans.some(([s, e]) => s <= column && column < e);
}

/** Inside a `data:<type>;base64,<payload>` URI. Decoding looks inside text payloads on its own. */
export function isInDataUri(line: string, column: number): boolean {
  if (!line.includes('data:')) return false;
  return within(spanOf(line, /data:[\w.+-]+\/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,[A-Za-z0-9+/]*={0,2}/g), column);
}

/** Inside a source map's `"mappings"` (base64 VLQ, letters and digits by construction). */
export function isInSourceMapMappings(line: string, column: number, path: string): boolean {
  if (!/\.map$/.test(path) && !line.includes('"mappings"')) return false;
  return within(spanOf(line, /"mappings"\s*:\s*"[A-Za-z0-9+/,;]*"/g), column);
}

const MINIFIED_PATH = /\.min\.(?:js|mjs|cjs|css)$|(?:^|\/)(?:dist|build|public|static|assets|vendor)\/.*\.(?:js|mjs|cjs)$|[.-](?:bundle|chunk)\.[\w.-]*js$/;

/**
 * Minified code: a generic rule's unquoted value there is an expression (`password:e.password`,
 * `token:t`), never a literal; quoted literals are still judged like any other value.
 */
export function isMinifiedCode(line: string, column: number, path: string): boolean {
  const minified =
    MINIFIED_PATH.test(path) ||
    (line.length >= 1000 && /\.(?:js|mjs|cjs|css|html?|map)$/.test(path)) ||
    // a minified script under any name (test fixtures such as `foo.zoo`): long, and dense with code punctuation
    (line.length >= 1000 && (line.match(/[;{}(]/g)?.length ?? 0) > line.length / 25 && /function\s*\(|=>/.test(line));
  if (!minified) return false;
  const before = line[column - 1];
  return before !== '"' && before !== "'" && before !== '`';
}

// Public by design: shipped to browsers and apps, safe to publish.
//   Stripe publishable keys, Mapbox public tokens, PostHog project keys, JWTs with the `anon` role
//   (Supabase), Firebase client config API keys, and the public key of a Sentry DSN.
export function isPublicByDesign(secret: string, line = '', column = 0): boolean {
  if (/^pk_(?:live|test)_[A-Za-z0-9]{20,}$/.test(secret)) return true;
  if (/^pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(secret)) return true;
  if (/^phc_[A-Za-z0-9]{30,}$/.test(secret)) return true;
  if (/^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(secret)) {
    const payload = decodeBase64Url(secret.split('.')[1]!);
    if (payload && /"role"\s*:\s*"anon"/.test(payload)) return true;
  }
  if (/^AIza[0-9A-Za-z_-]{35}$/.test(secret)) {
    const around = line.slice(Math.max(0, column - 300), column + secret.length + 300);
    if (/firebase|authDomain|messagingSenderId|storageBucket|current_key/i.test(around)) return true;
  }
  // Codecov's badge and graph URLs carry a token that only reads the badge: https://docs.codecov.com/docs/status-badges
  if (/codecov\.io\/[^\s)"']*[?&]token=$/.test(line.slice(0, column))) return true;
  // Algolia DocSearch's search-only key is published in every site's front end: https://docsearch.algolia.com/docs/api
  if (/^[0-9a-f]{32}$/.test(secret)) {
    const around = line.slice(Math.max(0, column - 300), column + secret.length + 300);
    if (/docsearch|indexName|search[_-]?(?:only[_-]?)?(?:api[_-]?)?key/i.test(around) && !/admin|write/i.test(around)) return true;
  }
  // https://<public key>@o123.ingest.sentry.io/456: the DSN's key only lets clients send events.
  if (/sentry/i.test(line)) {
    const dsn = spanOf(line, /https?:\/\/[0-9a-f]{32}(?::[0-9a-f]{32})?@[\w.-]*sentry[\w.-]*(?::\d+)?\/\d+/g);
    if (within(dsn, column) && !line.slice(column, column + secret.length + 1).includes(':')) return true;
    if (within(dsn, column) && /^[0-9a-f]{32}$/.test(secret) && line[column - 1] === '/') return true;
  }
  return false;
}

function decodeBase64Url(text: string): string | undefined {
  try {
    return Buffer.from(text, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

const PUBLIC_PEM = /-----BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE|TRUSTED CERTIFICATE|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|X509 CRL|PGP PUBLIC KEY BLOCK|SSH2 PUBLIC KEY)-----/;

/**
 * A public key or certificate: OpenSSH public keys, age recipients, PEM blocks of public material,
 * and base64 DER whose structure is a SubjectPublicKeyInfo or a certificate (a SEQUENCE opening with a
 * SEQUENCE; private keys open with an INTEGER version).
 */
export function isPublicKeyMaterial(secret: string, line = '', column = 0): boolean {
  if (/^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s/.test(secret)) return true;
  if (/^AAAA(?:B3NzaC1yc2E|C3NzaC1lZDI1NTE5|E2VjZHNhLXNoYTItbmlzdHA|B3NzaC1kc3M)/.test(secret)) return true;
  if (/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/.test(secret)) return true;
  if (PUBLIC_PEM.test(secret) && !/PRIVATE KEY/.test(secret)) return true;
  if (derIsPublic(secret)) return true;
  // Inside a one-line (JSON-escaped) PEM block of public material.
  const begin = line.lastIndexOf('-----BEGIN ', column);
  if (begin >= 0 && PUBLIC_PEM.test(line.slice(begin, begin + 50))) {
    const end = line.indexOf('-----END ', begin);
    if (end < 0 || end >= column) return true;
  }
  return false;
}

function derIsPublic(secret: string): boolean {
  if (!/^MI[A-Za-z0-9+/]{60,}={0,2}$|^M[C-F][A-Za-z0-9+/]{40,}={0,2}$/.test(secret)) return false;
  const der = Buffer.from(secret.slice(0, 16), 'base64');
  if (der[0] !== 0x30) return false;
  const lengthBytes = der[1]! & 0x80 ? der[1]! & 0x7f : 0;
  return der[2 + lengthBytes] === 0x30;
}

/**
 * An encrypted value: SOPS `ENC[AES256_GCM,…]`, Ansible Vault, age- or PGP-armoured messages,
 * Bitnami SealedSecrets (`AgB…` ciphertext). Encrypted is what a secret in git should be.
 */
export function isEncryptedValue(secret: string, line = '', column = 0): boolean {
  if (/^ENC\[[A-Z0-9_]+,/.test(secret) || secret.includes('$ANSIBLE_VAULT') || /^!vault\b/.test(secret)) return true;
  if (/-----BEGIN (?:AGE ENCRYPTED FILE|PGP MESSAGE)-----/.test(secret)) return true;
  if (/^Ag[A-D][A-Za-z0-9+/]{300,}={0,2}$/.test(secret)) return true;
  if (line.includes('ENC[') && within(spanOf(line, /ENC\[[A-Z0-9_]+,[^\]]*\]/g), column)) return true;
  return /\$ANSIBLE_VAULT;\d/.test(line);
}

/** The first reason this candidate is not a real secret, or undefined. */
export function lookAlikeReason(secret: string, context?: FilterContext): FilterReason | undefined {
  if (isDocumentedExample(secret)) return 'documented-example';
  if (isRedacted(secret)) return 'redacted';
  if (isTemplateReference(secret)) return 'template';
  if (isEnvReference(secret)) return 'env-reference';
  if (isPlaceholder(secret)) return 'placeholder';
  const line = context?.line ?? '';
  const column = context?.column ?? 0;
  const path = context?.path ?? '';
  if (isEncryptedValue(secret, line, column)) return 'encrypted';
  if (isPublicByDesign(secret, line, column)) return 'public-by-design';
  if (isPublicKeyMaterial(secret, line, column)) return 'public-key';
  if (isIntegrityHash(secret, line, path)) return 'integrity';
  if (context) {
    if (isGoSumLine(line, path)) return 'go-sum';
    if (isInDataUri(line, column)) return 'data-uri';
    if (isInSourceMapMappings(line, column, path)) return 'source-map';
  }
  if (!context?.generic) return undefined;
  // A UUID given as a password (Heroku API keys in .netrc) is a credential; under any other name, an id.
  if (isUuid(secret) && !/password\b/i.test(line)) return 'uuid';
  if (isHexDigest(secret, line)) return 'hex-digest';
  if (isLockfileLine(line, path)) return 'lockfile';
  if (isCodeIdentifier(secret)) return 'identifier';
  if (isCodeExpression(secret, line, column, path)) return 'code-expression';
  if (line.slice(Math.max(0, column - 2), column) === '{{') return 'template';
  if (isNaturalLanguage(secret, path)) return 'natural-language';
  if (isPasswordHash(secret, line)) return 'password-hash';
  if (failsProviderFormat(secret)) return 'provider-format';
  if (isFileReference(secret)) return 'file-reference';
  if (isNameNotValue(secret) || isRegexSource(secret) || isInArn(secret, line, column)) return 'identifier';
  const name = context ? assignedName(line, column) : '';
  if (isOwnName(secret, name)) return 'identifier';
  if (isNonCredentialTokenName(name)) return 'non-credential-token';
  if (spellsItsOwnKind(secret) || decodesToLookAlike(secret)) return 'placeholder';
  const head = firstListItem(secret);
  if (head !== undefined && (head.length < 8 || /^[A-Za-z]+$/.test(head) || lookAlikeReason(head, context) !== undefined)) return 'placeholder';
  if (isMinifiedCode(line, column, path)) return 'minified-code';
  return undefined;
}
