// Filters for values that only look like secrets. Each returns the name of the reason it rejected a
// candidate, or undefined. They run after the rule's regex, entropy and checksum, and before allowlists.

export type FilterReason = 'placeholder' | 'template' | 'env-reference' | 'documented-example' | 'redacted';

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

// ${VAR} {{ x }} $(cmd) %(name)s <%= x %> #{x} {x} %VAR% @Value("${..}")  -- a reference, not a value
const TEMPLATE = /\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|%\([^)]+\)[sd]|<%=?[^%]*%>|#\{[^}]*\}|^\{[A-Za-z_][\w.-]*\}$|^%[A-Za-z_]\w*%$|^\$[A-Za-z_]\w*$|^<[^<>]+>$|^\[[A-Za-z_ -]+\]$/;

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

export function isPlaceholder(secret: string): boolean {
  return lowerIncludesAny(secret, PLACEHOLDER_WORDS) || isTrivialSequence(secret);
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

/** The first reason this candidate is not a real secret, or undefined. */
export function lookAlikeReason(secret: string): FilterReason | undefined {
  if (isDocumentedExample(secret)) return 'documented-example';
  if (isRedacted(secret)) return 'redacted';
  if (isTemplateReference(secret)) return 'template';
  if (isEnvReference(secret)) return 'env-reference';
  if (isPlaceholder(secret)) return 'placeholder';
  return undefined;
}
