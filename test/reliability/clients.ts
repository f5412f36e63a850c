/**
 * The suite's own HTTP clients (node:http with an agent the suite owns, so that it can count and
 * close its sockets): a GraphQL client, and a downloader that tells a complete transfer from a
 * broken one and never mistakes either for the other.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';

export interface GraphQLResult<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body ended normally and its length matches Content-Length (when there is one). */
  complete: boolean;
  /** The transfer broke (socket reset, premature close). */
  broken: boolean;
}

export function createAgent(maxSockets = 256): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function postGraphQL<TData = Record<string, unknown>>(
  agent: http.Agent,
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<TData>> {
  const payload = Buffer.from(JSON.stringify({ query, variables }));
  return new Promise((resolve, reject) => {
    const request = http.request(
      graphqlUrl,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, ...(JSON.parse(text) as Omit<GraphQLResult<TData>, 'status'>) });
          } catch {
            reject(new Error(`GraphQL answered ${response.statusCode} with a body that is not JSON`));
          }
        });
      },
    );
    request.once('error', reject);
    request.end(payload);
  });
}

export function download(agent: http.Agent, url: string, options: { method?: 'GET' | 'HEAD'; headers?: http.OutgoingHttpHeaders } = {}): Promise<Download> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', agent, headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (broken: boolean): void => {
        if (settled) return;
        settled = true;
        const body = Buffer.concat(chunks);
        const declared = response.headers['content-length'];
        const lengthOk = declared === undefined || options.method === 'HEAD' || Number(declared) === body.length;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, complete: !broken && lengthOk, broken });
      };
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => finish(false));
      response.once('aborted', () => finish(true));
      response.once('error', () => finish(true));
      response.once('close', () => finish(!response.complete));
    });
    request.once('error', reject);
    request.end();
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
