/** Maps a method and raw path to a simulated endpoint (or the control surface). */
import type { SimEndpoint } from './types.js';

export type Route =
  | { kind: 'endpoint'; endpoint: SimEndpoint; agentId?: string }
  | { kind: 'control'; action: string }
  | { kind: 'methodNotAllowed'; allowed: string }
  | { kind: 'notFound' };

interface RouteRule {
  method: string;
  pattern: RegExp;
  endpoint: SimEndpoint;
}

const CCFS = '/CCFS/resource/ccfs';
const GW = '/agentgateway/resource';
const AGENT = '([^/]+)';

const RULES: readonly RouteRule[] = [
  { method: 'POST', pattern: new RegExp(`^${CCFS}/requestPlayVoice$`), endpoint: 'requestPlayVoice' },
  { method: 'GET', pattern: new RegExp(`^${CCFS}/playVoice$`), endpoint: 'playVoice' },
  { method: 'POST', pattern: new RegExp(`^${CCFS}/downloadRecord$`), endpoint: 'downloadRecord' },
  { method: 'POST', pattern: new RegExp(`^${CCFS}/downloadAgentOprInfoFile$`), endpoint: 'downloadAgentOprInfoFile' },
  { method: 'POST', pattern: new RegExp(`^${CCFS}/queryBillData$`), endpoint: 'queryBillData' },
  { method: 'POST', pattern: new RegExp(`^${CCFS}/queryAgentOprInfoData$`), endpoint: 'queryAgentOprInfoData' },
  { method: 'POST', pattern: new RegExp(`^${CCFS}/downloadBillFile$`), endpoint: 'downloadBillFile' },
  { method: 'PUT', pattern: new RegExp(`^${GW}/onlineagent/${AGENT}$`), endpoint: 'login' },
  { method: 'PUT', pattern: new RegExp(`^${GW}/onlineagent/${AGENT}/forcelogin$`), endpoint: 'forcelogin' },
  { method: 'GET', pattern: new RegExp(`^${GW}/agentevent/${AGENT}$`), endpoint: 'agentevent' },
  { method: 'DELETE', pattern: new RegExp(`^${GW}/onlineagent/${AGENT}/logout$`), endpoint: 'logout' },
  { method: 'DELETE', pattern: new RegExp(`^${GW}/onlineagent/${AGENT}/forcelogout$`), endpoint: 'forcelogout' },
  { method: 'GET', pattern: new RegExp(`^${GW}/recordfile/${AGENT}/recordfiledownloadEx$`), endpoint: 'recordfiledownloadEx' },
  { method: 'GET', pattern: new RegExp(`^${GW}/recordfile/${AGENT}/videofiledownload$`), endpoint: 'videofiledownload' },
];

export const CONTROL_PREFIX = '/__simulator/';

export function matchRoute(method: string, path: string): Route {
  if (path.startsWith(CONTROL_PREFIX)) return { kind: 'control', action: path.slice(CONTROL_PREFIX.length) };
  const allowed: string[] = [];
  for (const rule of RULES) {
    const match = rule.pattern.exec(path);
    if (!match) continue;
    if (rule.method !== method) {
      allowed.push(rule.method);
      continue;
    }
    return match[1] === undefined ? { kind: 'endpoint', endpoint: rule.endpoint } : { kind: 'endpoint', endpoint: rule.endpoint, agentId: match[1] };
  }
  return allowed.length > 0 ? { kind: 'methodNotAllowed', allowed: allowed.join(', ') } : { kind: 'notFound' };
}
