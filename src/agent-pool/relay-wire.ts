/**
 * The relay's wire format, shared by both ends: the path of a relayed gateway download and its query
 * (the same parameters the CC-Gateway takes), and how the holder answers a failure so that the
 * asking replica's CC transport reads it back as the same CcError (a gateway retcode as the
 * gateway's own JSON, an HTTP status as that status).
 */
import type { RecordFileDownloadExArgs, VideoFileDownloadArgs, VideoFileType } from '../cc/types.js';
import type { CcError } from '../cc/cc-error.js';

export const RELAY_PATH = '/internal/cc-gateway';

/** "No agent session here": the asking replica tries another holder. */
export const NO_AGENT_STATUS = 421;

export type RelayedOperation =
  | { operation: 'recordfiledownloadEx'; args: RecordFileDownloadExArgs }
  | { operation: 'videofiledownload'; args: VideoFileDownloadArgs };

export function relayQuery(relayed: RelayedOperation): Record<string, string> {
  if (relayed.operation === 'recordfiledownloadEx') {
    const { callId, hwFileName, workNo } = relayed.args;
    return { callId, ...(hwFileName === undefined ? {} : { hwFileName }), ...(workNo === undefined ? {} : { workNo }) };
  }
  const { conferenceId, recordId, fileType } = relayed.args;
  return { conferenceId, ...(recordId === undefined ? {} : { recordId }), fileType: String(fileType) };
}

/** The operation a relay request asks for, or undefined when it is malformed. */
export function parseRelayRequest(operation: string, query: URLSearchParams): RelayedOperation | undefined {
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    return values.length === 1 && values[0] !== '' ? values[0] : undefined;
  };
  if (operation === 'recordfiledownloadEx') {
    const callId = single('callId');
    if (callId === undefined) return undefined;
    const hwFileName = single('hwFileName');
    const workNo = single('workNo');
    return { operation, args: { callId, ...(hwFileName === undefined ? {} : { hwFileName }), ...(workNo === undefined ? {} : { workNo }) } };
  }
  if (operation === 'videofiledownload') {
    const conferenceId = single('conferenceId');
    const fileType = single('fileType');
    if (conferenceId === undefined || fileType === undefined || !/^[012]$/.test(fileType)) return undefined;
    const recordId = single('recordId');
    return { operation, args: { conferenceId, ...(recordId === undefined ? {} : { recordId }), fileType: Number(fileType) as VideoFileType } };
  }
  return undefined;
}

/** Status and JSON body that the asking replica's transport turns back into an equivalent CcError. */
export function relayFailure(error: CcError): { status: number; body: Record<string, string> } {
  if (error.code !== undefined && /^\d{3}-\d{3}$/.test(error.code)) {
    // As the CC-Gateway itself answers: HTTP 200 with the retcode (the message is not repeated).
    return { status: 200, body: { retcode: error.code, message: '', result: '' } };
  }
  if (error.httpStatus !== undefined && error.httpStatus >= 400) return { status: error.httpStatus, body: {} };
  switch (error.kind) {
    case 'flow_control':
      return { status: 429, body: {} };
    case 'unavailable':
      return { status: 503, body: {} };
    default:
      return { status: 502, body: {} };
  }
}
