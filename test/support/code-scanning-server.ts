// A local stand-in for GitHub's code-scanning upload endpoint, POST /repos/{owner}/{repo}/code-scanning/sarifs
// (https://docs.github.com/en/rest/code-scanning/code-scanning#upload-an-analysis-as-sarif-data).
// It answers 202 {id, url} as GitHub does, records every request, and decodes the upload (base64 -> gunzip).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SarifUpload {
  owner: string;
  repo: string;
  request: RecordedRequest;
  /** The JSON body as sent. */
  fields: Record<string, unknown>;
  /** The SARIF text after base64 -> gunzip, and parsed. */
  sarifText: string;
  sarif: any;
}

export interface CodeScanningServer {
  /** e.g. http://127.0.0.1:43123 (use as GITHUB_API_URL). */
  url: string;
  requests: RecordedRequest[];
  uploads: SarifUpload[];
  /** Answer the next uploads with this status (and a GitHub-shaped error body) instead of 202. */
  failNext(status: number, message: string, times?: number): void;
  close(): Promise<void>;
}

const ROUTE = /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/sarifs$/;

export async function startCodeScanningServer(): Promise<CodeScanningServer> {
  const requests: RecordedRequest[] = [];
  const uploads: SarifUpload[] = [];
  const failures: Array<{ status: number; message: string }> = [];
  let next = 1;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const match = ROUTE.exec(request.url.split('?')[0]!);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (!match || request.method !== 'POST') return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      const failure = failures.shift();
      if (failure) return send(failure.status, { message: failure.message, documentation_url: 'https://docs.github.com/rest/code-scanning' });
      let fields: Record<string, unknown>;
      let sarifText: string;
      try {
        fields = JSON.parse(request.body) as Record<string, unknown>;
        sarifText = gunzipSync(Buffer.from(String(fields.sarif), 'base64')).toString('utf8');
      } catch (error) {
        return send(400, { message: `Invalid request: ${(error as Error).message}` });
      }
      for (const required of ['commit_sha', 'ref', 'sarif']) {
        if (typeof fields[required] !== 'string') return send(422, { message: `Invalid request: "${required}" is required` });
      }
      const id = `47177e22-5596-11eb-80a1-c1e54ef945c${next++}`;
      uploads.push({ owner: match[1]!, repo: match[2]!, request, fields, sarifText, sarif: JSON.parse(sarifText) });
      const host = `http://${req.headers.host}`;
      send(202, { id, url: `${host}/repos/${match[1]}/${match[2]}/code-scanning/sarifs/${id}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    uploads,
    failNext(status, message, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, message });
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
