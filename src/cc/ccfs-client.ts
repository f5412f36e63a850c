/**
 * The CC-FS interfaces this subgraph uses (docs/cc-platform.md §3–§5, §8.2): JSON POSTs
 * in the `{request:{version}, msgBody}` envelope signed with auth-v2, and playVoice, which carries
 * its token in the query string and no Authorization.
 */
import { CcError, isCcError } from './cc-error.js';
import { signAuthV2 } from './auth-v2.js';
import type { HttpTransport, UpstreamRequest } from './http-transport.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { formatCcLocalTime } from './files/cc-local-format.js';
import {
  normalizeCcFileName,
  type BillDataArgs,
  type CcfsApi,
  type ExportRequestAnswer,
  type ExportWindowArgs,
  type DownloadOptions,
  type DownloadRecordArgs,
  type PlayVoiceGrant,
  type UpstreamDownload,
} from './types.js';

const CCFS_PATH = '/CCFS/resource/ccfs';
/** The platform states the lifetime but sends no expiry (cec_07_4228). */
export const PLAY_VOICE_TOKEN_TTL_MS = 30 * 60 * 1000;
/** The value the platform's own examples send (and sign). */
const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface CcfsCredentials {
  accessKey: string;
  secretKey: string;
}

export interface CcfsClientOptions {
  retry?: RetryPolicy;
  now?: () => Date;
  /** CC_TIME_ZONE: export windows go to the platform as wall-clock text of this zone. Default UTC. */
  timeZone?: string;
}

const isRetryable = (error: unknown) => isCcError(error) && error.retryable;
const isFlowControl = (error: unknown) => isCcError(error) && error.kind === 'flow_control';

export class CcfsClient implements CcfsApi {
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private readonly timeZone: string;

  constructor(
    private readonly transport: HttpTransport,
    private readonly credentials: CcfsCredentials,
    options: CcfsClientOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.now = options.now ?? (() => new Date());
    this.timeZone = options.timeZone ?? 'UTC';
  }

  /** A signed JSON POST: the body is serialized once, and those exact bytes are signed and sent. */
  private signedPost(name: string, msgBody: Record<string, string>, options: DownloadOptions = {}): UpstreamRequest {
    const path = this.transport.resolve(`${CCFS_PATH}/${name}`).pathname;
    const body = JSON.stringify({ request: { version: '2.0' }, msgBody });
    const headers: Record<string, string> = {
      host: this.transport.hostHeader(),
      'content-type': JSON_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body, 'utf8')),
    };
    headers.authorization = signAuthV2({
      accessKey: this.credentials.accessKey,
      secretKey: this.credentials.secretKey,
      method: 'POST',
      path,
      headers,
      body,
      timestamp: this.now(),
    });
    return { name, method: 'POST', path: `${CCFS_PATH}/${name}`, headers, body, signal: options.signal };
  }

  async requestPlayVoice(fileName: string): Promise<PlayVoiceGrant> {
    return withRetry(
      async () => {
        // The token was issued after this instant: counting from it, the expiry errs on the early (safe) side.
        const issuedNoEarlierThan = this.now().getTime();
        const answer = await this.transport.requestJson(
          this.signedPost('requestPlayVoice', { fileName: normalizeCcFileName(fileName) }),
        );
        const token = tokenOf(answer.body);
        if (token === undefined) {
          throw new CcError('other', 'CC-FS answered requestPlayVoice with success but no token', {
            httpStatus: answer.statusCode,
          });
        }
        return { token, expiresAt: new Date(issuedNoEarlierThan + PLAY_VOICE_TOKEN_TTL_MS) };
      },
      this.retry,
      isRetryable,
    );
  }

  playVoice(token: string, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    return this.download(() => ({
      name: 'playVoice',
      method: 'GET',
      path: `${CCFS_PATH}/playVoice`,
      query: { t: String(this.now().getTime()), version: '2.0', st: token },
      signal: options.signal,
    }), options);
  }

  downloadRecord(args: DownloadRecordArgs, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    if (!args.fileName && !args.callId) {
      return Promise.reject(new CcError('bad_parameter', 'downloadRecord needs a fileName or a callId'));
    }
    const msgBody: Record<string, string> = {};
    if (args.fileName) msgBody.fileName = normalizeCcFileName(args.fileName);
    if (args.callId) msgBody.callId = args.callId;
    if (args.ccId) msgBody.ccId = args.ccId;
    return this.download(() => this.signedPost('downloadRecord', msgBody, options), options);
  }

  downloadAgentOprInfoFile(fileName: string, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    return this.download(
      () => this.signedPost('downloadAgentOprInfoFile', { agentOprInfoFileName: fileName }, options),
      options,
    );
  }

  /**
   * queryBillData (cec_07_0814): an export of CDRs and/or the recording index for a window. Not
   * idempotent (each call starts a new export), so only flow control, which refuses before any
   * work, is retried here; the ingestion retries everything else on its own schedule.
   */
  queryBillData(args: BillDataArgs): Promise<ExportRequestAnswer> {
    return this.requestExport('queryBillData', { ...this.windowBody(args), dataType: args.dataType });
  }

  /** queryAgentOprInfoData (cec_07_0818): an export of agent operation details for a window. */
  queryAgentOprInfoData(args: ExportWindowArgs): Promise<ExportRequestAnswer> {
    return this.requestExport('queryAgentOprInfoData', this.windowBody(args));
  }

  downloadBillFile(billFileName: string, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    return this.download(() => this.signedPost('downloadBillFile', { billFileName }, options), options);
  }

  private windowBody(args: ExportWindowArgs): Record<string, string> {
    const body: Record<string, string> = {
      beginTime: formatCcLocalTime(args.begin.getTime(), this.timeZone),
      endTime: formatCcLocalTime(args.end.getTime(), this.timeZone),
      callBackURL: args.callBackUrl,
    };
    if (args.agentId !== undefined) body.agentId = args.agentId;
    return body;
  }

  private requestExport(name: string, msgBody: Record<string, string>): Promise<ExportRequestAnswer> {
    return withRetry(
      async () => {
        const answer = await this.transport.requestJson(this.signedPost(name, msgBody));
        const responseId = responseIdOf(answer.body);
        if (responseId === undefined) {
          throw new CcError('other', `CC-FS answered ${name} with success but no responseId`, { httpStatus: answer.statusCode });
        }
        return { responseId };
      },
      this.retry,
      isFlowControl,
    );
  }

  /** Downloads are retried only on flow control, which always comes before the first byte. */
  private download(build: () => UpstreamRequest, options: DownloadOptions): Promise<UpstreamDownload> {
    return withRetry(
      // Built per attempt: a fresh signature timestamp (and playVoice `t`) each time.
      () => this.transport.openDownload({ ...build(), range: options.range }),
      this.retry,
      isFlowControl,
      options.signal,
    );
  }
}

function responseIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const data = (body as { resultData?: unknown }).resultData;
  if (typeof data !== 'object' || data === null) return undefined;
  const responseId = (data as { responseId?: unknown }).responseId;
  return typeof responseId === 'string' && /^[0-9A-Fa-f-]{32,36}$/.test(responseId) ? responseId : undefined;
}

function tokenOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const data = (body as { resultData?: unknown }).resultData;
  if (typeof data !== 'object' || data === null) return undefined;
  const token = (data as { token?: unknown }).token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
