// Every structural validator a rule may name with `checksum:`. Add one line per validator.
import { makeBase62Crc32Validator } from './base62-crc32.js';
import { jwtValidator } from './jwt.js';
import { discordBotTokenValidator } from './discord-bot-token.js';
import { elasticApiKeyValidator } from './elastic-api-key.js';
import { grafanaCloudTokenValidator } from './grafana-cloud-token.js';
import { grafanaServiceAccountValidator } from './grafana-sa-crc32.js';
import { sentryOrgTokenValidator } from './sentry-org-token.js';
import { ageBech32Validator } from './age-bech32.js';
import { base64UserPassValidator } from './base64-userpass.js';
import { opensshPrivateKeyValidator } from './openssh-private-key.js';
import { pemPrivateKeyValidator } from './pem-private-key.js';
import { pgpPrivateKeyValidator } from './pgp-private-key.js';
import { pypiMacaroonValidator } from './pypi-macaroon.js';
import { onePasswordServiceAccountValidator } from './onepassword-service-account.js';
import { mapboxTokenValidator } from './mapbox-token.js';
import { upstashQstashTokenValidator } from './upstash-qstash-token.js';
import { curve25519KeyValidator } from './curve25519-key.js';
import type { Validator } from './validator.js';

export type { Validator } from './validator.js';

const all: Validator[] = [
  makeBase62Crc32Validator('github-crc32', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  makeBase62Crc32Validator('npm-crc32', ['npm_']),
  jwtValidator,
  discordBotTokenValidator,
  elasticApiKeyValidator,
  grafanaCloudTokenValidator,
  grafanaServiceAccountValidator,
  sentryOrgTokenValidator,
  ageBech32Validator,
  base64UserPassValidator,
  opensshPrivateKeyValidator,
  pemPrivateKeyValidator,
  pgpPrivateKeyValidator,
  pypiMacaroonValidator,
  onePasswordServiceAccountValidator,
  mapboxTokenValidator,
  upstashQstashTokenValidator,
  curve25519KeyValidator,
];

export const validators: ReadonlyMap<string, Validator> = new Map(all.map((v) => [v.name, v]));
