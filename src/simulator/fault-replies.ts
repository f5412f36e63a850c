/** What an injected fault answers, per interface family (CC-FS JSON, playVoice, CC-Gateway). */
import {
  CCFS_BINARY_TYPE,
  GATEWAY_BINARY_TYPE,
  ccfsEnvelope,
  ccfsError,
  ccfsText,
  gatewayError,
  jsonReply,
  playVoiceError,
  springError,
  type Reply,
} from './replies.js';
import { CCFS_ENDPOINTS, type SimEndpoint, type SimFault } from './types.js';

type Family = 'ccfs' | 'playVoice' | 'gateway';

function familyOf(endpoint: SimEndpoint): Family {
  if (endpoint === 'playVoice') return 'playVoice';
  return CCFS_ENDPOINTS.includes(endpoint) ? 'ccfs' : 'gateway';
}

/** resultData of CC-FS failures: null on requestPlayVoice, "" on the downloads (as the pages say). */
function resultDataOf(endpoint: SimEndpoint): '' | null {
  return endpoint === 'requestPlayVoice' ? null : '';
}

function codedReply(endpoint: SimEndpoint, code: string, desc: string | undefined): Reply {
  switch (familyOf(endpoint)) {
    case 'playVoice':
      return playVoiceError(code, desc ?? ccfsText(code));
    case 'ccfs':
      return ccfsError(code, '', resultDataOf(endpoint), desc);
    case 'gateway':
      return gatewayError(code, desc);
  }
}

/**
 * The reply replacing the real one, for the faults that replace it (not reset/hang/truncate).
 * flowControl: 0300008 on downloads, 0300009 on requestPlayVoice (a query); the gateway has no
 * documented flow-control code, so it answers 000-007 "called repeatedly" (our assumption).
 */
export function faultReply(endpoint: SimEndpoint, fault: SimFault, path: string, nowMs: number): Reply | undefined {
  switch (fault.type) {
    case 'resultCode':
      return codedReply(endpoint, fault.code, fault.desc);
    case 'http':
      return springError(fault.status, path, nowMs);
    case 'flowControl': {
      const family = familyOf(endpoint);
      if (family === 'gateway') return codedReply(endpoint, '000-007', undefined);
      return codedReply(endpoint, endpoint === 'requestPlayVoice' ? '0300009' : '0300008', undefined);
    }
    case 'jsonAsBinary': {
      const family = familyOf(endpoint);
      if (family === 'gateway') {
        const code = fault.code ?? '108-001';
        return jsonReply(200, { retcode: code, message: 'the file does not exist', result: '' }, GATEWAY_BINARY_TYPE);
      }
      if (family === 'playVoice') return playVoiceError(fault.code ?? '010107', 'Parameter token is invalid or expired.');
      const code = fault.code ?? '0300011';
      return jsonReply(200, ccfsEnvelope(code, ccfsText(code), resultDataOf(endpoint)), CCFS_BINARY_TYPE);
    }
    case 'reset':
    case 'hang':
    case 'truncate':
    case 'corrupt':
      return undefined;
  }
}

/** Neither a zip, nor CSV rows, nor JSON (the client must not take it for an error envelope). */
const CORRUPT_BYTES = Buffer.from('this is not a readable file: the simulator corrupted it on purpose\n', 'utf8');

/** Fault 'corrupt': the real reply, with a file body replaced by bytes of no known format. */
export function corruptedReply(reply: Reply): Reply {
  return Buffer.isBuffer(reply.body) ? reply : { ...reply, body: CORRUPT_BYTES };
}
