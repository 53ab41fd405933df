// The upload at the transport: a real Octokit talking to a local stand-in for the documented
// endpoint, which records each request. No module mocks, no network beyond 127.0.0.1.
import { buildSarif } from '@keyward/engine';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCodeScanningServer, type CodeScanningServer } from '../../../test/support/code-scanning-server.js';
import { validateSarif } from '../../../test/support/sarif-schema.js';
import { automationId, createGitHubClient, GITHUB_SARIF_LIMITS, SarifUploadError, uploadSarif, withCategory, type Logger } from '../src/index.js';
import { generatedToken, scanText } from './support.js';

let server: CodeScanningServer;
const secret = generatedToken(21);
const target = { owner: 'octo-org', repo: 'demo', commitSha: 'a'.repeat(40), ref: 'refs/heads/main', checkoutUri: 'file:///home/runner/work/demo/demo', toolName: 'keyward' };

function sarifLog() {
  return withCategory(buildSarif(scanText(`const token = "${secret}";\n`), { toolVersion: '0.1.0' }), 'keyward');
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warning: (m) => lines.push(`warning ${m}`), error: (m) => lines.push(`error ${m}`) };
}

beforeAll(async () => {
  server = await startCodeScanningServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.uploads.length = 0;
});

describe('automationId / withCategory', () => {
  it('ends the category with a slash, so GitHub reads all of it as the category', () => {
    expect(automationId('keyward')).toBe('keyward/');
    expect(automationId('secrets/keyward/')).toBe('secrets/keyward/');
    expect(() => automationId(' ')).toThrow(/must not be empty/);
    expect(sarifLog().runs.map((r) => r.automationDetails)).toEqual([{ id: 'keyward/' }]);
  });
});

describe('uploadSarif', () => {
  it('POSTs the gzip+base64 SARIF with commit, ref, checkout URI and tool name, and returns the id', async () => {
    const client = createGitHubClient({ token: 'test-token', apiUrl: server.url });
    const result = await uploadSarif(client, sarifLog(), { ...target, startedAt: '2024-01-01T00:00:00.000Z' });
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/repos/octo-org/demo/code-scanning/sarifs');
    expect(request.headers.authorization).toBe('token test-token');
    const upload = server.uploads[0]!;
    expect(upload.fields).toMatchObject({
      commit_sha: target.commitSha,
      ref: 'refs/heads/main',
      checkout_uri: target.checkoutUri,
      tool_name: 'keyward',
      started_at: '2024-01-01T00:00:00.000Z',
    });
    expect(upload.sarif.runs[0].automationDetails.id).toBe('keyward/');
    expect(upload.sarif.runs[0].results).toHaveLength(1);
    expect(validateSarif(upload.sarif)).toEqual([]);
    expect(upload.sarifText.includes(secret)).toBe(false);
    expect(result).toMatchObject({ notes: [], results: 1 });
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.url).toBe(`${server.url}/repos/octo-org/demo/code-scanning/sarifs/${result.id}`);
  });

  it('trims to the limits before sending and says what it dropped', async () => {
    const logger = recordingLogger();
    const client = createGitHubClient({ token: 't', apiUrl: server.url });
    const log = sarifLog();
    log.runs[0]!.results = [...log.runs[0]!.results!, ...log.runs[0]!.results!, ...log.runs[0]!.results!];
    const result = await uploadSarif(client, log, target, { logger, limits: { ...GITHUB_SARIF_LIMITS, maxResultsPerRun: 2 } });
    expect(server.uploads[0]!.sarif.runs[0].results).toHaveLength(2);
    expect(result.notes).toEqual(['GitHub accepts at most 2 results per run: uploaded the 2 most severe of 3.']);
    expect(logger.lines).toContain('warning GitHub accepts at most 2 results per run: uploaded the 2 most severe of 3.');
  });

  it('retries a server error and succeeds', async () => {
    server.failNext(502, 'Bad Gateway');
    const waits: number[] = [];
    const client = createGitHubClient({ token: 't', apiUrl: server.url });
    const result = await uploadSarif(client, sarifLog(), target, { sleep: async (ms) => void waits.push(ms) });
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(result.id).not.toBe('');
  });

  it('does not retry a refusal, and explains the permission it needs', async () => {
    server.failNext(403, 'Resource not accessible by integration');
    const client = createGitHubClient({ token: 't', apiUrl: server.url });
    const error = await uploadSarif(client, sarifLog(), target, { sleep: async () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SarifUploadError);
    expect((error as SarifUploadError).status).toBe(403);
    expect((error as Error).message).toMatch(/HTTP 403.*security-events: write/);
    expect(server.requests).toHaveLength(1);
  });

  it('names Advanced Security when code scanning is off for the repository', async () => {
    server.failNext(403, 'Advanced Security must be enabled for this repository to use code scanning.');
    const client = createGitHubClient({ token: 't', apiUrl: server.url });
    await expect(uploadSarif(client, sarifLog(), target)).rejects.toThrow(/upload-sarif: false/);
  });
});
