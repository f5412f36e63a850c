/**
 * CC-Gateway: agent sign-in / forced sign-in, event long-poll (the heartbeat, which carries rotated
 * Guids in `Set-GUID`), sign-out, and the recording/video downloads (docs/cc-platform.md §6, §7).
 */
import type { Catalog } from './catalog.js';
import type { AgentSession, AgentSessionStore } from './agent-session-store.js';
import { singleHeader, type IncomingCall } from './incoming-call.js';
import { GATEWAY_BINARY_TYPE, fileReply, gatewayError, gatewayReply, type Reply } from './replies.js';
import type { SimKnobs } from './types.js';

export interface GatewayContext {
  catalog: Catalog;
  sessions: AgentSessionStore;
  knobs: SimKnobs;
  clock: () => number;
  /** The service agents that may sign in, by id. */
  agentPasswords: ReadonlyMap<string, string>;
  /** Counts successful sign-ins (forced or not). */
  onSignIn: (forced: boolean) => void;
  pollWaitMs: number;
}

function validAgentId(agentId: string | undefined): agentId is string {
  return agentId !== undefined && /^\d{3,6}$/.test(agentId) && Number(agentId) >= 101 && Number(agentId) <= 999999;
}

function setGuidHeader(guid: string): string {
  return `JSESSIONID=${guid}`;
}

/** Sign-in events per initial status (cec_07_1202): 3 busy, 4 idle (default), 5 after-call work. */
function signInEvents(agentId: string, status: number): Array<{ eventType: string; workNo: string; content: null }> {
  const types = ['AgentOther_InService', 'AgentState_Ready'];
  if (status === 3) types.push('AgentState_SetNotReady_Success');
  if (status === 5) types.push('AgentState_Work');
  return types.map((eventType) => ({ eventType, workNo: agentId, content: null }));
}

/** PUT onlineagent/{agentid} (force = PUT …/forcelogin). */
export function signIn(call: IncomingCall, ctx: GatewayContext, force: boolean): Reply {
  if (!validAgentId(call.agentId)) return gatewayError('000-002');
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(call.body.toString('utf8') || 'null');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return gatewayError('100-001');
    body = parsed as Record<string, unknown>;
  } catch {
    return gatewayError('100-001');
  }
  const password = body['password'];
  const phone = body['phonenum'];
  const statusRaw = body['status'] ?? 4;
  const status = Number(statusRaw);
  if (typeof password !== 'string' || password.length > 32) return gatewayError('100-001');
  if (phone !== undefined && (typeof phone !== 'string' || phone.length > 24)) return gatewayError('100-001');
  if (![3, 4, 5].includes(status)) return gatewayError('100-001');
  if (ctx.agentPasswords.get(call.agentId) !== password) return gatewayError('100-004');
  if (!force && ctx.sessions.active(call.agentId)) return gatewayError('100-002');

  const session = ctx.sessions.signIn(call.agentId);
  ctx.onSignIn(force);
  for (const event of signInEvents(call.agentId, status)) ctx.sessions.pushEvent(session, event);
  const reply = gatewayReply('0', '', {
    result: {
      vdnid: 1,
      workno: call.agentId,
      mediatype: 'TTF',
      loginTime: String(session.loginTime),
      isForceChange: 'false',
      serverName: 'AgentGateway',
      timeRemaining: '9',
    },
  });
  reply.headers['Set-GUID'] = setGuidHeader(ctx.sessions.currentGuid(session));
  return reply;
}

function authorized(call: IncomingCall, ctx: GatewayContext): AgentSession | Reply {
  if (!validAgentId(call.agentId)) return gatewayError('000-002');
  const verdict = ctx.sessions.authorize(call.agentId, singleHeader(call.headers, 'guid'));
  return verdict.ok ? verdict.session : gatewayError(verdict.retcode);
}

function isReply(value: AgentSession | Reply): value is Reply {
  return 'status' in value && 'body' in value;
}

/** GET agentevent/{agentid}: answers at once when an event is queued, else after pollWaitMs. */
export async function pollEvent(call: IncomingCall, ctx: GatewayContext): Promise<Reply> {
  const session = authorized(call, ctx);
  if (isReply(session)) return session;
  ctx.sessions.pollStarted(session);
  try {
    await ctx.sessions.waitForEvent(session, ctx.pollWaitMs, call.signal);
  } finally {
    ctx.sessions.pollFinished(session);
  }
  if (session.ended) return gatewayError('100-006');
  const event = session.events.shift() ?? null;
  const reply = gatewayReply('0', '', { event });
  const rotated = ctx.sessions.rotateIfDue(session);
  if (rotated !== undefined) reply.headers['Set-GUID'] = setGuidHeader(rotated);
  return reply;
}

/** DELETE onlineagent/{agentid}/logout (needs the Guid). */
export function signOut(call: IncomingCall, ctx: GatewayContext): Reply {
  const session = authorized(call, ctx);
  if (isReply(session)) return session;
  ctx.sessions.signOut(session.agentId);
  return gatewayReply('0', '');
}

/** DELETE onlineagent/{agentid}/forcelogout: no Guid needed (our assumption: it exists for a lost session). */
export function forceSignOut(call: IncomingCall, ctx: GatewayContext): Reply {
  if (!validAgentId(call.agentId)) return gatewayError('000-002');
  return ctx.sessions.signOut(call.agentId) ? gatewayReply('0', '') : gatewayError('100-006');
}

/** GET recordfile/{agentid}/recordfiledownloadEx?callId=&hwFileName=&workNo= */
export function recordFileDownloadEx(call: IncomingCall, ctx: GatewayContext): Reply {
  const session = authorized(call, ctx);
  if (isReply(session)) return session;
  const callId = call.query.get('callId') ?? '';
  const hwFileName = call.query.get('hwFileName') ?? '';
  const workNo = call.query.get('workNo');
  if (callId === '' || callId.length > 25) return gatewayError('000-002');
  if (workNo !== null && workNo !== '') {
    if (!validAgentId(workNo)) return gatewayError('000-002');
    if (workNo === session.agentId) return gatewayError('000-005');
  }
  // 108-001 for an unknown file is our assumption: the 108 table is not public.
  const source = hwFileName === '' ? ctx.catalog.gatewayAudio.get(callId) : ctx.catalog.gatewayVideos.get(`${callId}\n${hwFileName}`);
  if (!source) return gatewayError('108-001');
  return fileReply(source, GATEWAY_BINARY_TYPE, singleHeader(call.headers, 'range'), ctx.knobs.honourRange);
}

/** GET recordfile/{agentid}/videofiledownload?conferenceId=&recordId=&fileType=0|1|2 */
export function videoFileDownload(call: IncomingCall, ctx: GatewayContext): Reply {
  const session = authorized(call, ctx);
  if (isReply(session)) return session;
  const conferenceId = call.query.get('conferenceId') ?? '';
  const recordId = call.query.get('recordId') ?? '';
  const fileType = call.query.get('fileType') ?? '';
  if (conferenceId === '' || !/^[012]$/.test(fileType)) return gatewayError('000-002');
  const records = ctx.catalog.conferences.get(conferenceId);
  // Without recordId the first recording of the conference is served (docs/cc-platform.md §7.2).
  const variants = records && (recordId === '' ? records.values().next().value : records.get(recordId));
  const source = variants?.[Number(fileType)];
  if (!source) return gatewayError('108-001');
  return fileReply(source, GATEWAY_BINARY_TYPE, singleHeader(call.headers, 'range'), ctx.knobs.honourRange);
}
