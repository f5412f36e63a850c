/**
 * CC-FS exports (docs/cc-platform.md §8–9): queryBillData and queryAgentOprInfoData answer a
 * responseId at once and generate the file later (exports.ts), downloadBillFile serves it.
 * Checks answer the §5 result codes with HTTP 200. Our choices where the documents are silent:
 * a window longer than 3 days or one that ends before it begins ⇒ 0300013 / 0300004 (see README).
 */
import { checkText, INDEX_NAME, isCalendarDate, readEnvelope, type Checked, type CcfsContext } from './ccfs-routes.js';
import type { ExportBook } from './exports.js';
import type { IncomingCall } from './incoming-call.js';
import { parseLocalTime } from './record-index.js';
import { singleHeader } from './incoming-call.js';
import { CCFS_BINARY_TYPE, ccfsEnvelope, ccfsError, fileReply, jsonReply, springError, type Reply } from './replies.js';

export interface ExportContext extends CcfsContext {
  exports: ExportBook;
  timeZone: string;
}

const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

interface Window {
  beginMs: number;
  endMs: number;
  callBackUrl: string;
  optional: Record<string, string | undefined>;
}

function readWindow(body: Record<string, unknown>, optionalFields: Record<string, number>, ctx: ExportContext): Checked<Window> {
  const times: number[] = [];
  for (const name of ['beginTime', 'endTime']) {
    const checked = checkText(body, name, { required: true, max: 19, pattern: LOCAL_TIME }, null);
    if ('reply' in checked) return checked;
    const ms = parseLocalTime(checked.value ?? '', ctx.timeZone);
    if (ms === undefined) return { reply: ccfsError('0300004', name) };
    times.push(ms);
  }
  const [beginMs = 0, endMs = 0] = times;
  if (beginMs > endMs) return { reply: ccfsError('0300013') };
  if (endMs - beginMs > THREE_DAYS_MS) return { reply: ccfsError('0300004', 'endTime', null, 'The time range cannot exceed 3 days.') };
  const url = checkText(body, 'callBackURL', { required: true, max: 1024, pattern: /^https?:\/\/[^\s]+$/i }, null);
  if ('reply' in url) return url;
  const optional: Record<string, string | undefined> = {};
  for (const [name, max] of Object.entries(optionalFields)) {
    const checked = checkText(body, name, { required: false, max }, null);
    if ('reply' in checked) return checked;
    optional[name] = checked.value;
  }
  return { value: { beginMs, endMs, callBackUrl: url.value ?? '', optional } };
}

export function queryBillData(call: IncomingCall, accessKey: string, ctx: ExportContext): Reply {
  const envelope = readEnvelope(call, null, ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const dataType = checkText(envelope.value, 'dataType', { required: true, max: 11, pattern: /^(call|record|call_record)$/ }, null);
  if ('reply' in dataType) return dataType.reply;
  const window = readWindow(envelope.value, { accountId: 20, agentId: 20, callId: 25, callerNo: 24, calleeNo: 24 }, ctx);
  if ('reply' in window) return window.reply;
  const { optional } = window.value;
  const responseId = ctx.exports.requestBill({
    owner: accessKey,
    beginMs: window.value.beginMs,
    endMs: window.value.endMs,
    dataType: dataType.value as 'call' | 'record' | 'call_record',
    callBackUrl: window.value.callBackUrl,
    filters: {
      ...(optional.agentId === undefined ? {} : { agentId: optional.agentId }),
      ...(optional.callId === undefined ? {} : { callId: optional.callId }),
      ...(optional.callerNo === undefined ? {} : { callerNo: optional.callerNo }),
      ...(optional.calleeNo === undefined ? {} : { calleeNo: optional.calleeNo }),
    },
  });
  return jsonReply(200, ccfsEnvelope('0', 'success', { responseId }));
}

export async function queryAgentOprInfoData(call: IncomingCall, accessKey: string, ctx: ExportContext): Promise<Reply> {
  const envelope = readEnvelope(call, null, ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const window = readWindow(envelope.value, { accountId: 20, agentId: 20 }, ctx);
  if ('reply' in window) return window.reply;
  const agentId = window.value.optional.agentId;
  const responseId = await ctx.exports.requestAgentOpr({
    owner: accessKey,
    beginMs: window.value.beginMs,
    endMs: window.value.endMs,
    callBackUrl: window.value.callBackUrl,
    ...(agentId === undefined ? {} : { agentId }),
  });
  return jsonReply(200, ccfsEnvelope('0', 'success', { responseId }));
}

export async function downloadBillFile(call: IncomingCall, accessKey: string, ctx: ExportContext): Promise<Reply> {
  const envelope = readEnvelope(call, '', ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const checked = checkText(envelope.value, 'billFileName', { required: true, max: 49, min: 14, pattern: INDEX_NAME }, '');
  if ('reply' in checked) return checked.reply;
  const fileName = checked.value ?? '';
  if (!isCalendarDate(fileName.slice(0, 8))) return ccfsError('0300010', '', '', 'The date in the value of billFileName is in an incorrect format.');
  const bill = ctx.exports.bill(fileName);
  if (!bill) return ccfsError('0300011', '', '');
  if (bill.owner !== accessKey) return springError(401, call.path, ctx.clock());
  return fileReply(await bill.source, CCFS_BINARY_TYPE, singleHeader(call.headers, 'range'), ctx.knobs.honourRange);
}
