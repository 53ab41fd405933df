// How each kind of file holds a named value. Every syntax writes header, entries (one name + value, a
// planted credential, a look-alike or an ordinary setting) and footer, in the style people really use.
import type { SeededRandom } from '../../../packages/engine/src/index.js';
import type { CorpusFile, LabelInfo } from './corpus-file.js';

export interface Entry {
  /** Name words, e.g. ["aws", "secret", "access", "key"]; each syntax spells them its own way. */
  words: string[];
  value: string;
  /** Absent for ordinary settings (filler). */
  info?: LabelInfo;
  /** When only part of the value is the credential (a password inside a connection string). */
  parts?: Array<{ text: string; info?: LabelInfo }>;
}

export const upper = (w: string[]) => w.join('_').toUpperCase();
export const snake = (w: string[]) => w.join('_').toLowerCase();
export const camel = (w: string[]) => w.map((x, i) => (i === 0 ? x.toLowerCase() : cap(x))).join('');
export const pascal = (w: string[]) => w.map(cap).join('');
export const dotted = (w: string[]) => (w.length > 1 ? `${w[0]!.toLowerCase()}.${camel(w.slice(1))}` : w[0]!);
function cap(x: string): string {
  return x.charAt(0).toUpperCase() + x.slice(1).toLowerCase();
}

export const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);
const shellEscape = (s: string) => s.replace(/(["\\$`])/g, '\\$1');
const singleQuoted = (s: string) => s.replace(/(['\\])/g, '\\$1');
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
function yamlScalar(s: string): { open: string; text: string; close: string } {
  if (/^[A-Za-z0-9_./+=-][^:#]*$/.test(s) && !/^(true|false|null|yes|no|~)$/i.test(s) && !/\s$/.test(s)) return { open: '', text: s, close: '' };
  return { open: '"', text: jsonEscape(s), close: '"' };
}

/** Append the entry's value, escaped for the syntax, labelled when it is planted. */
export function value(f: CorpusFile, e: Entry, escape: (s: string) => string = (s) => s): void {
  for (const part of e.parts ?? [{ text: e.value, ...(e.info ? { info: e.info } : {}) }]) {
    const text = escape(part.text);
    if (part.info) f.mark(text, part.info);
    else f.put(text);
  }
}

export interface Syntax {
  /** Syntax name, used as the file type in the figures. */
  type: string;
  /** File paths to pick from; `{n}` is replaced by a counter. */
  paths: string[];
  header: string;
  footer: string;
  entry(f: CorpusFile, e: Entry, rng: SeededRandom): void;
  /** Values cannot hold newlines here (every syntax but block-capable YAML). */
  singleLineOnly?: boolean;
}

const yamlEntry = (indent: string) => (f: CorpusFile, e: Entry) => {
  const s = yamlScalar(e.value);
  f.put(`${indent}${snake(e.words)}: ${s.open}`);
  value(f, e, s.open ? jsonEscape : undefined);
  f.put(`${s.close}\n`);
};

export const SYNTAXES: Syntax[] = [
  {
    type: 'env',
    paths: ['.env', '.env.production', 'services/api/.env.local', 'deploy/{n}.env'],
    header: '# Local settings for the API service\nNODE_ENV=production\n',
    footer: 'LOG_LEVEL=info\n',
    entry(f, e, rng) {
      const quoted = rng.int(3) === 0;
      f.put(`${upper(e.words)}=${quoted ? '"' : ''}`);
      value(f, e);
      f.put(`${quoted ? '"' : ''}\n`);
    },
  },
  {
    type: 'yaml',
    paths: ['config/application.yml', 'config/{n}.yaml', 'helm/values-{n}.yaml', 'docker-compose.{n}.yml'],
    header: 'service:\n  name: billing\n  replicas: 2\nsettings:\n',
    footer: '  timeout_seconds: 30\n',
    entry: yamlEntry('  '),
  },
  {
    type: 'json',
    paths: ['config/settings.json', 'appsettings.{n}.json', 'src/config/{n}.json'],
    header: '{\n  "name": "billing",\n',
    footer: '  "version": 3\n}\n',
    entry(f, e) {
      f.put(`  "${camel(e.words)}": "`);
      value(f, e, jsonEscape);
      f.put('",\n');
    },
  },
  {
    type: 'toml',
    paths: ['config.toml', 'config/{n}.toml', 'pyproject.{n}.toml'],
    header: '[service]\nname = "billing"\nport = 8080\n\n[credentials]\n',
    footer: 'region = "eu-west-1"\n',
    entry(f, e) {
      f.put(`${snake(e.words)} = "`);
      value(f, e, jsonEscape);
      f.put('"\n');
    },
  },
  {
    type: 'ini',
    paths: ['settings.ini', 'config/{n}.cfg', 'setup.{n}.cfg'],
    header: '[default]\nregion = eu-west-1\n\n[service]\n',
    footer: 'retries = 3\n',
    entry(f, e) {
      f.put(`${snake(e.words)} = `);
      value(f, e);
      f.put('\n');
    },
  },
  {
    type: 'properties',
    paths: ['src/main/resources/application.properties', 'src/main/resources/application-{n}.properties'],
    header: '# Spring configuration\nserver.port=8080\n',
    footer: 'logging.level.root=INFO\n',
    entry(f, e) {
      f.put(`${dotted(e.words)}=`);
      value(f, e);
      f.put('\n');
    },
  },
  {
    type: 'xml',
    paths: ['Web.config', 'src/App/App.{n}.config', 'settings-{n}.xml'],
    header: '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n',
    footer: '    <add key="Environment" value="Production" />\n  </appSettings>\n</configuration>\n',
    entry(f, e, rng) {
      if (rng.int(2) === 0) {
        f.put(`    <add key="${pascal(e.words)}" value="`);
        value(f, e, xmlEscape);
        f.put('" />\n');
      } else {
        f.put(`    <${camel(e.words)}>`);
        value(f, e, xmlEscape);
        f.put(`</${camel(e.words)}>\n`);
      }
    },
  },
  {
    type: 'shell',
    paths: ['scripts/deploy.sh', 'scripts/{n}.sh', 'ci/setup-{n}.bash'],
    header: '#!/usr/bin/env bash\nset -euo pipefail\n\n',
    footer: '\nexec node dist/server.js\n',
    entry(f, e) {
      f.put(`export ${upper(e.words)}="`);
      value(f, e, shellEscape);
      f.put('"\n');
    },
  },
  {
    type: 'hcl',
    paths: ['infra/main.tf', 'infra/{n}.tfvars', 'infra/modules/{n}/main.tf'],
    header: 'locals {\n  environment = "production"\n',
    footer: '}\n',
    entry(f, e) {
      f.put(`  ${snake(e.words)} = "`);
      value(f, e, jsonEscape);
      f.put('"\n');
    },
  },
  {
    type: 'python',
    paths: ['app/settings.py', 'app/{n}_config.py', 'scripts/{n}.py'],
    header: '"""Settings for the billing service."""\nimport os\n\nDEBUG = False\n',
    footer: 'ALLOWED_HOSTS = ["billing.internal"]\n',
    entry(f, e, rng) {
      const q = rng.int(2) === 0 ? '"' : "'";
      f.put(`${upper(e.words)} = ${q}`);
      value(f, e, q === '"' ? jsonEscape : singleQuoted);
      f.put(`${q}\n`);
    },
  },
  {
    type: 'javascript',
    paths: ['src/config.js', 'src/{n}.mjs', 'lib/{n}.cjs'],
    header: "'use strict';\n\n",
    footer: 'export const region = "eu-west-1";\n',
    entry(f, e, rng) {
      const q = rng.int(2) === 0 ? '"' : "'";
      f.put(`export const ${camel(e.words)} = ${q}`);
      value(f, e, q === '"' ? jsonEscape : singleQuoted);
      f.put(`${q};\n`);
    },
  },
  {
    type: 'typescript',
    paths: ['src/config.ts', 'src/services/{n}.ts'],
    header: 'export const config = {\n  region: "eu-west-1",\n',
    footer: '} as const;\n',
    entry(f, e) {
      f.put(`  ${camel(e.words)}: "`);
      value(f, e, jsonEscape);
      f.put('",\n');
    },
  },
  {
    type: 'go',
    paths: ['internal/config/config.go', 'internal/{n}/settings.go'],
    header: 'package config\n\nconst (\n',
    footer: ')\n',
    entry(f, e) {
      f.put(`\t${camel(e.words)} = "`);
      value(f, e, jsonEscape);
      f.put('"\n');
    },
  },
  {
    type: 'java',
    paths: ['src/main/java/com/acme/Settings.java', 'src/main/java/com/acme/{n}/Config.java'],
    header: 'package com.acme;\n\npublic final class Settings {\n',
    footer: '    private Settings() {}\n}\n',
    entry(f, e) {
      f.put(`    public static final String ${upper(e.words)} = "`);
      value(f, e, jsonEscape);
      f.put('";\n');
    },
  },
  {
    type: 'csharp',
    paths: ['src/Acme/Settings.cs', 'src/Acme/{n}/Config.cs'],
    header: 'namespace Acme;\n\npublic static class Settings\n{\n',
    footer: '}\n',
    entry(f, e) {
      f.put(`    public const string ${pascal(e.words)} = "`);
      value(f, e, jsonEscape);
      f.put('";\n');
    },
  },
  {
    type: 'ruby',
    paths: ['config/initializers/settings.rb', 'lib/{n}.rb'],
    header: '# frozen_string_literal: true\n\nmodule Settings\n',
    footer: 'end\n',
    entry(f, e, rng) {
      if (rng.int(2) === 0) {
        f.put(`  ${upper(e.words)} = '`);
        value(f, e, singleQuoted);
        f.put("'\n");
      } else {
        f.put(`  config.${snake(e.words)} = "`);
        value(f, e, jsonEscape);
        f.put('"\n');
      }
    },
  },
  {
    type: 'php',
    paths: ['config/services.php', 'config/{n}.php'],
    header: "<?php\n\nreturn [\n    'driver' => 'smtp',\n",
    footer: '];\n',
    entry(f, e) {
      f.put(`    '${snake(e.words)}' => '`);
      value(f, e, singleQuoted);
      f.put("',\n");
    },
  },
  {
    type: 'dockerfile',
    paths: ['Dockerfile', 'docker/{n}.Dockerfile'],
    header: 'FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n',
    footer: 'COPY . .\nEXPOSE 8080\nCMD ["node", "server.js"]\n',
    entry(f, e, rng) {
      f.put(`${rng.int(3) === 0 ? 'ARG' : 'ENV'} ${upper(e.words)}=`);
      value(f, e);
      f.put('\n');
    },
  },
  {
    type: 'kubernetes',
    paths: ['k8s/secret-{n}.yaml'],
    header: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\n  namespace: billing\ntype: Opaque\nstringData:\n',
    footer: '',
    entry(f, e) {
      f.put(`  ${upper(e.words)}: "`);
      value(f, e, jsonEscape);
      f.put('"\n');
    },
  },
  {
    type: 'kubernetes',
    paths: ['k8s/deployment-{n}.yaml'],
    header:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: billing\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/billing:1.4.2\n          env:\n',
    footer: '',
    entry(f, e) {
      f.put(`            - name: ${upper(e.words)}\n              value: "`);
      value(f, e, jsonEscape);
      f.put('"\n');
    },
  },
  {
    type: 'markdown',
    paths: ['docs/setup-{n}.md', 'README.{n}.md'],
    header: '# Running the service\n\nSet these before starting it:\n\n```bash\n',
    footer: '```\n\nThen run `make dev`.\n',
    entry(f, e) {
      f.put(`export ${upper(e.words)}=`);
      value(f, e);
      f.put('\n');
    },
  },
];

/** Ordinary settings between the interesting lines. */
export const FILLER: Array<Omit<Entry, 'info'>> = [
  { words: ['server', 'port'], value: '8080' },
  { words: ['log', 'level'], value: 'info' },
  { words: ['region'], value: 'us-east-1' },
  { words: ['timeout', 'ms'], value: '3000' },
  { words: ['api', 'base', 'url'], value: 'https://api.internal.example.net/v2' },
  { words: ['feature', 'flags'], value: 'beta,search' },
  { words: ['cache', 'ttl'], value: '300' },
  { words: ['max', 'connections'], value: '25' },
  { words: ['service', 'name'], value: 'billing-worker' },
  { words: ['enable', 'metrics'], value: 'true' },
  { words: ['database', 'host'], value: 'db.internal' },
  { words: ['bucket', 'name'], value: 'acme-billing-artifacts' },
  { words: ['queue', 'url'], value: 'https://sqs.us-east-1.amazonaws.com/123456789012/billing-events' },
  { words: ['smtp', 'user'], value: 'mailer@acme.dev' },
  { words: ['default', 'locale'], value: 'en-GB' },
];
