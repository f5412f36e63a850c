/**
 * A faithful, in-process simulator of Huawei's CC-FS and CC-Gateway HTTP interfaces: one HTTP(S)
 * server, auth-v2 verification, playback tokens, agent sessions with rotating Guids, sample
 * recordings/videos/indexes, and knobs for tests (faults, latency, throttling, counters).
 * It shares no code with src/cc: clients are tested against it over HTTP only.
 */
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AgentSessionStore } from './agent-session-store.js';
import { Catalog, syntheticSource } from './catalog.js';
import { authenticate, downloadAgentOprInfoFile, downloadRecord, playVoice, requireJsonBody, requestPlayVoice, type CcfsContext } from './ccfs-routes.js';
import { handleControl, type ControlTarget } from './control-routes.js';
import { CallbackSender } from './callback-sender.js';
import { ExportBook } from './exports.js';
import { downloadBillFile, queryAgentOprInfoData, queryBillData, type ExportContext } from './export-routes.js';
import { corruptedReply, faultReply } from './fault-replies.js';
import { exportFaultProblem, FaultBook } from './faults.js';
import * as gateway from './gateway-routes.js';
import type { IncomingCall } from './incoming-call.js';
import { IpLock } from './ip-lock.js';
import { PlayTokens } from './play-tokens.js';
import { springError, type Reply } from './replies.js';
import { matchRoute } from './router.js';
import { sendReply } from './send-reply.js';
import {
  DOWNLOAD_ENDPOINTS,
  SIM_ENDPOINTS,
  type AddFileSpec,
  type SimAgent,
  type SimCounters,
  type SimEndpoint,
  type SimFault,
  type SimKnobs,
  type SimulatorOptions,
  type Simulator,
  type StreamClosedEvent,
} from './types.js';

export * from './types.js';
export { syntheticBytes } from './catalog.js';

export const DEFAULT_ACCESS_KEY = 'sim-ak';
/** A fixed demo secret: the simulator is for tests and demos only. */
export const DEFAULT_SECRET_KEY = 'sim-sk-0b7c1e54d2a94f3e8c6a71d5';
export const DEFAULT_FOREIGN_ACCESS_KEY = 'sim-foreign-ak';
export const DEFAULT_FOREIGN_SECRET_KEY = 'sim-foreign-sk-5e2f9a04c3b8';

const MAX_BODY_BYTES = 1024 * 1024;

function perEndpoint(): Record<SimEndpoint, number> {
  return Object.fromEntries(SIM_ENDPOINTS.map((endpoint) => [endpoint, 0])) as Record<SimEndpoint, number>;
}

function newCounters(): SimCounters {
  return {
    calls: perEndpoint(),
    inFlight: perEndpoint(),
    peakInFlight: perEndpoint(),
    bytesSent: perEndpoint(),
    authFailures: 0,
    faultsApplied: 0,
    signIns: 0,
    forcedSignIns: 0,
    callbacks: { sent: 0, succeeded: 0, failed: 0 },
    lastTraceparent: {},
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'tooLarge';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? Date.now;
  const accessKey = options.accessKey ?? DEFAULT_ACCESS_KEY;
  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  const foreignAccessKey = options.foreignAccessKey ?? DEFAULT_FOREIGN_ACCESS_KEY;
  const foreignSecretKey = options.foreignSecretKey ?? DEFAULT_FOREIGN_SECRET_KEY;
  const agents: SimAgent[] =
    options.agents !== undefined && options.agents.length > 0
      ? options.agents.map((agent) => ({ ...agent }))
      : [{ agentId: options.agentId ?? '4977', password: options.agentPassword ?? 'sim-agent-pw', phone: options.agentPhone ?? '40038' }];
  if (new Set(agents.map((agent) => agent.agentId)).size !== agents.length) throw new Error('simulator agents need distinct ids');
  const credentials = { accessKey, secretKey, ...agents[0]! };
  const timeZone = options.timeZone ?? 'UTC';
  new Intl.DateTimeFormat('en-US', { timeZone }); // throws early on an unknown zone

  const catalog = await Catalog.build({ accessKey, foreignAccessKey, agentId: credentials.agentId, timeZone, nowMs: clock() });
  const initialKnobs = (): SimKnobs => ({ latencyMs: options.latencyMs ?? 0, latencyByEndpoint: {}, honourRange: options.honourRange ?? true });
  const knobs: SimKnobs = initialKnobs();
  const counters = newCounters();
  const events = new EventEmitter();
  const faults = new FaultBook();
  const ipLock = new IpLock({
    limit: options.authFailureLimit ?? 20,
    windowMs: options.authFailureWindowMs ?? 60_000,
    lockMs: options.ipLockMs ?? 60_000,
  });
  const secrets = new Map([
    [accessKey, secretKey],
    [foreignAccessKey, foreignSecretKey],
  ]);
  const ccfsCtx: CcfsContext = {
    catalog,
    tokens: new PlayTokens(options.tokenTtlMs ?? 30 * 60_000),
    ipLock,
    knobs,
    clock,
    maxClockSkewMs: options.maxClockSkewMs ?? 15 * 60_000,
    secretFor: (key) => secrets.get(key),
    onAuthFailure: () => {
      counters.authFailures += 1;
    },
  };
  const callbacks = new CallbackSender({
    keys: { accessKey: options.callbackAccessKey ?? accessKey, secretKey: options.callbackSecretKey ?? secretKey },
    retryMs: options.callbackRetryMs ?? 10 * 60_000,
    maxAttempts: options.callbackMaxAttempts ?? 5,
    clock,
    counters: counters.callbacks,
  });
  const exportCtx: ExportContext = {
    ...ccfsCtx,
    timeZone,
    exports: new ExportBook({ catalog, timeZone, clock, delayMs: () => options.exportDelayMs ?? 200, callbacks }),
  };
  const sessions = new AgentSessionStore({
    clock,
    guidMode: options.guidMode ?? 'dynamic',
    guidIntervalMs: options.guidIntervalMs ?? 60_000,
    guidTimeoutMs: options.guidTimeoutMs ?? 120_000,
    idleSignOutMs: options.idleSignOutMs ?? 120_000,
  });
  const gatewayCtx: gateway.GatewayContext = {
    catalog,
    sessions,
    knobs,
    clock,
    agentPasswords: new Map(agents.map((agent) => [agent.agentId, agent.password])),
    onSignIn: (forced) => {
      if (forced) counters.forcedSignIns += 1;
      else counters.signIns += 1;
    },
    pollWaitMs: options.pollWaitMs ?? 10_000,
  };

  async function answer(endpoint: SimEndpoint, call: IncomingCall): Promise<Reply> {
    switch (endpoint) {
      case 'playVoice':
        return playVoice(call, ccfsCtx);
      case 'requestPlayVoice':
      case 'downloadRecord':
      case 'downloadAgentOprInfoFile':
      case 'queryBillData':
      case 'queryAgentOprInfoData':
      case 'downloadBillFile': {
        const auth = authenticate(call, ccfsCtx);
        if ('status' in auth) return auth;
        const refused = requireJsonBody(call, ccfsCtx);
        if (refused) return refused;
        if (endpoint === 'requestPlayVoice') return requestPlayVoice(call, auth.accessKey, ccfsCtx);
        if (endpoint === 'downloadRecord') return downloadRecord(call, auth.accessKey, ccfsCtx);
        if (endpoint === 'queryBillData') return queryBillData(call, auth.accessKey, exportCtx);
        if (endpoint === 'queryAgentOprInfoData') return queryAgentOprInfoData(call, auth.accessKey, exportCtx);
        if (endpoint === 'downloadBillFile') return downloadBillFile(call, auth.accessKey, exportCtx);
        return downloadAgentOprInfoFile(call, auth.accessKey, ccfsCtx);
      }
      case 'login':
        return gateway.signIn(call, gatewayCtx, false);
      case 'forcelogin':
        return gateway.signIn(call, gatewayCtx, true);
      case 'agentevent':
        return gateway.pollEvent(call, gatewayCtx);
      case 'logout':
        return gateway.signOut(call, gatewayCtx);
      case 'forcelogout':
        return gateway.forceSignOut(call, gatewayCtx);
      case 'recordfiledownloadEx':
        return gateway.recordFileDownloadEx(call, gatewayCtx);
      case 'videofiledownload':
        return gateway.videoFileDownload(call, gatewayCtx);
    }
  }

  /** The life of one simulated call: count, read, wait, maybe fault, answer, stream, report. */
  async function serveEndpoint(endpoint: SimEndpoint, agentId: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.calls[endpoint] += 1;
    const traceparent = req.headers.traceparent;
    if (typeof traceparent === 'string') counters.lastTraceparent[endpoint] = traceparent;
    else delete counters.lastTraceparent[endpoint];
    counters.inFlight[endpoint] += 1;
    counters.peakInFlight[endpoint] = Math.max(counters.peakInFlight[endpoint], counters.inFlight[endpoint]);
    const gone = new AbortController();
    let bytesSent = 0;
    res.once('close', () => {
      counters.inFlight[endpoint] -= 1;
      gone.abort();
      if (DOWNLOAD_ENDPOINTS.includes(endpoint)) {
        const event: StreamClosedEvent = {
          endpoint,
          status: res.headersSent ? res.statusCode : 0,
          bytesSent,
          completed: res.writableFinished, // a cut or abandoned body never finishes
          at: Date.now(),
        };
        events.emit('streamClosed', event);
      }
    });

    const rawUrl = req.url ?? '/';
    const parsedUrl = new URL(rawUrl, 'http://simulator.invalid');
    const body = await readBody(req);
    if (body === 'tooLarge') {
      await sendReply(res, springError(413, parsedUrl.pathname, clock()), { onBytes: () => undefined });
      return;
    }
    await sleep(knobs.latencyMs + (knobs.latencyByEndpoint[endpoint] ?? 0), gone.signal);
    if (gone.signal.aborted) return;

    const fault: SimFault | undefined = faults.take(endpoint);
    if (fault) counters.faultsApplied += 1;
    if (fault?.type === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.type === 'hang') return; // the socket stays open until the client or close() ends it

    const call: IncomingCall = {
      method: req.method ?? 'GET',
      rawUrl,
      path: parsedUrl.pathname,
      query: parsedUrl.searchParams,
      headers: req.headers,
      body,
      ip: req.socket.remoteAddress ?? 'unknown',
      signal: gone.signal,
      ...(agentId === undefined ? {} : { agentId }),
    };
    const answered = (fault && faultReply(endpoint, fault, call.path, clock())) || (await answer(endpoint, call));
    const reply = fault?.type === 'corrupt' ? corruptedReply(answered) : answered;
    if (gone.signal.aborted) return;
    const truncateAfter = fault?.type === 'truncate' ? fault.afterBytes : undefined;
    await sendReply(res, reply, {
      ...(truncateAfter === undefined ? {} : { truncateAfter }),
      bytesPerSecond: () => knobs.bytesPerSecond,
      onBytes: (count) => {
        bytesSent += count;
        counters.bytesSent[endpoint] += count;
      },
    });
  }

  const controlTarget: ControlTarget = {
    state: () => ({
      url: simulator.url,
      credentials: { accessKey, agentId: credentials.agentId, phone: credentials.phone },
      samples: catalog.samples,
      counters,
      knobs,
      faults: faults.pending(),
      signedInAgents: sessions.signedInAgents(),
    }),
    inject: (endpoint, fault, times) => simulator.inject(endpoint, fault, { times }),
    injectExport: (fault, times) => simulator.injectExport(fault, { times }),
    reset: () => {
      faults.clear();
      exportCtx.exports.clearFaults();
      simulator.resetCounters();
      ipLock.reset();
      Object.assign(knobs, initialKnobs());
      delete knobs.bytesPerSecond;
    },
    setKnobs: (patch) => {
      if (patch.latencyMs !== undefined) knobs.latencyMs = patch.latencyMs;
      if (patch.latencyByEndpoint !== undefined) knobs.latencyByEndpoint = patch.latencyByEndpoint;
      if (patch.honourRange !== undefined) knobs.honourRange = patch.honourRange;
      if (patch.bytesPerSecond === null) delete knobs.bytesPerSecond;
      else if (patch.bytesPerSecond !== undefined) knobs.bytesPerSecond = patch.bytesPerSecond;
    },
    expireGuids: () => simulator.expireGuids(),
    forceSignOut: (agentId) => simulator.forceSignOut(agentId),
    rotateGuidNow: () => simulator.rotateGuidNow(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0] ?? '/';
    const route = matchRoute(req.method ?? 'GET', path);
    switch (route.kind) {
      case 'endpoint':
        return serveEndpoint(route.endpoint, route.agentId, req, res);
      case 'control':
        return handleControl(route.action, req, res, controlTarget);
      case 'methodNotAllowed':
        req.resume();
        return sendReply(res, springError(405, path, clock(), `Request method '${req.method ?? ''}' not supported`), { onBytes: () => undefined });
      case 'notFound':
        req.resume();
        return sendReply(res, springError(404, path, clock()), { onBytes: () => undefined });
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        void sendReply(res, springError(500, path, clock(), error instanceof Error ? error.message : 'error'), { onBytes: () => undefined });
      } else {
        res.destroy();
      }
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  if (options.keepAliveTimeoutMs !== undefined) {
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    server.headersTimeout = options.keepAliveTimeoutMs + 1000;
  }
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const simulator: Simulator = {
    url,
    ccfsBaseUrl: url,
    gatewayBaseUrl: url,
    credentials,
    agents,
    foreignCredentials: { accessKey: foreignAccessKey, secretKey: foreignSecretKey },
    samples: catalog.samples,
    knobs,
    counters,
    events,
    inject(endpoint, fault, injectOptions) {
      faults.inject(endpoint, fault, injectOptions?.times ?? 1);
    },
    clearFaults() {
      faults.clear();
    },
    expireGuids() {
      sessions.expireGuids();
    },
    forceSignOut(agentId) {
      sessions.forceSignOut(agentId);
    },
    rotateGuidNow() {
      sessions.requestRotation();
    },
    resetCounters() {
      for (const endpoint of SIM_ENDPOINTS) {
        counters.calls[endpoint] = 0;
        counters.bytesSent[endpoint] = 0;
        counters.peakInFlight[endpoint] = counters.inFlight[endpoint];
      }
      counters.authFailures = 0;
      counters.faultsApplied = 0;
      counters.signIns = 0;
      counters.forcedSignIns = 0;
      Object.assign(counters.callbacks, { sent: 0, succeeded: 0, failed: 0 });
      counters.lastTraceparent = {};
    },
    addFile(fileName: string, spec: AddFileSpec) {
      if (fileName === '' || !Number.isInteger(spec.size) || spec.size < 0) throw new Error('addFile needs a file name and an integer size');
      catalog.addRecording({ fileName, owner: spec.accessKey ?? accessKey, callId: spec.callId, source: syntheticSource(fileName, spec) });
      if (spec.index !== undefined) {
        if (spec.callId === undefined) throw new Error('an indexed file needs a callId');
        catalog.addIndexRecord(fileName, spec.callId, spec.accessKey ?? accessKey, spec.index);
      }
    },
    injectExport(fault, injectOptions) {
      const problem = exportFaultProblem(fault);
      if (problem) throw new Error(problem);
      exportCtx.exports.injectFault(fault, injectOptions?.times ?? 1);
    },
    exports() {
      return [...exportCtx.exports.made];
    },
    indexRecordsBetween(fromMs, toMs) {
      return catalog.recordIndex.filter((r) => r.owner === accessKey && r.beginMs >= fromMs && r.beginMs <= toMs).length;
    },
    async fileBytes(fileName: string) {
      const recording = catalog.recordings.get(fileName);
      if (!recording) throw new Error('no such recording in the simulator');
      const chunks: Buffer[] = [];
      for await (const chunk of recording.source.open() as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    isSignedIn(agentId = credentials.agentId) {
      return sessions.active(agentId) !== undefined;
    },
    async close() {
      sessions.shutdown();
      callbacks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return simulator;
}
