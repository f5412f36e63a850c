/**
 * Exports generated on request (queryBillData, queryAgentOprInfoData): the file of each
 * responseId, when it becomes ready, and its callback. A file is "generated" `delayMs` after the
 * request: before that a download answers 0300011 (file does not exist), then it is served and the
 * callback goes out. Faults for tests apply to the next exports: no callback, a broken zip, a zip
 * bomb, hostile rows, a file that takes longer.
 */
import { randomUUID } from 'node:crypto';
import { generateAgentDay, formatAgentOprCsv } from './agent-opr-csv.js';
import type { CallbackSender } from './callback-sender.js';
import type { Catalog } from './catalog.js';
import { bufferSource, type ContentSource } from './content-source.js';
import { formatCallCsv, formatRecordCsv, hostileLines, localDay, recordFields, type IndexRecord } from './record-index.js';
import type { ExportFault, ExportInfo } from './types.js';
import { deflatedZip } from './zip.js';

export interface BillRequest {
  owner: string;
  beginMs: number;
  endMs: number;
  dataType: 'call' | 'record' | 'call_record';
  callBackUrl: string;
  filters: { agentId?: string; callId?: string; callerNo?: string; calleeNo?: string };
}

export interface AgentOprRequest {
  owner: string;
  beginMs: number;
  endMs: number;
  callBackUrl: string;
  agentId?: string;
}

interface BillExport extends ExportInfo {
  source: Promise<ContentSource>;
}

/** Record CSVs are split in numbered files of this many rows, as the platform splits large ones. */
const ROWS_PER_CSV = 100;

export interface ExportBookOptions {
  catalog: Catalog;
  timeZone: string;
  clock: () => number;
  delayMs: () => number;
  callbacks: CallbackSender;
}

export class ExportBook {
  private readonly bills = new Map<string, BillExport>();
  private readonly faults: Array<{ fault: ExportFault; remaining: number }> = [];
  readonly made: ExportInfo[] = [];

  constructor(private readonly options: ExportBookOptions) {}

  injectFault(fault: ExportFault, times: number): void {
    this.faults.push({ fault, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  private takeFault(): ExportFault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.faults.shift();
    return head.fault;
  }

  private newFile(): { responseId: string; fileName: string; requestedAtMs: number } {
    const responseId = randomUUID();
    const requestedAtMs = this.options.clock();
    return { responseId, requestedAtMs, fileName: `${localDay(requestedAtMs, this.options.timeZone)}_${responseId.replace(/-/g, '')}.zip` };
  }

  private readyAfter(fault: ExportFault | undefined): number {
    return fault?.type === 'slowFile' ? fault.readyAfterMs : this.options.delayMs();
  }

  requestBill(request: BillRequest): string {
    const { timeZone } = this.options;
    const fault = this.takeFault();
    const { responseId, fileName, requestedAtMs } = this.newFile();
    const records = this.options.catalog.recordIndex.filter((r) => matches(r, request));
    const hostile = fault?.type === 'hostileRows' && records[0] ? hostileLines(records[0], timeZone) : undefined;
    const readyAtMs = requestedAtMs + this.readyAfter(fault);
    const info: BillExport = {
      kind: 'bill',
      fileName,
      responseId,
      owner: request.owner,
      beginMs: request.beginMs,
      endMs: request.endMs,
      requestedAtMs,
      readyAtMs,
      records: request.dataType === 'call' ? 0 : records.length,
      hostileCounts: hostile?.counts ?? {},
      fault,
      source: buildBillZip(fileName, request, records, timeZone, hostile?.lines ?? [], fault),
    };
    // A rejected build would surface on download; keep it from being an unhandled rejection meanwhile.
    info.source.catch(() => undefined);
    this.bills.set(fileName, info);
    this.made.push(summary(info));
    if (fault?.type !== 'noCallback') {
      this.options.callbacks.schedule(request.callBackUrl, { responseId, billFileName: fileName }, readyAtMs - this.options.clock());
    }
    return responseId;
  }

  async requestAgentOpr(request: AgentOprRequest): Promise<string> {
    const { catalog, timeZone } = this.options;
    const fault = this.takeFault();
    const { responseId, fileName, requestedAtMs } = this.newFile();
    const agents = request.agentId === undefined ? ['101', '102', '103', '104', '105'] : [request.agentId];
    const rows = generateAgentDay({
      seed: fileName,
      developerId: request.owner,
      accountId: '202611200001',
      startMs: request.beginMs,
      agents,
      rowsPerAgent: 12,
      callsByAgent: {},
      syntheticCallIdPrefix: String(Math.floor(request.beginMs / 1000)),
    }).filter((row) => row.beginMs < request.endMs);
    const readyAtMs = requestedAtMs + this.readyAfter(fault);
    const source = await deflatedZip([{ name: `${localDay(requestedAtMs, timeZone)}083000000001_agentOprInfo.csv`, data: Buffer.from(formatAgentOprCsv(rows, timeZone, false), 'utf8') }]);
    catalog.indexes.set(fileName, { fileName, owner: request.owner, source, readyAtMs });
    this.made.push({ kind: 'agentOpr', fileName, responseId, owner: request.owner, beginMs: request.beginMs, endMs: request.endMs, requestedAtMs, readyAtMs, records: rows.length, hostileCounts: {}, fault });
    if (fault?.type !== 'noCallback') {
      this.options.callbacks.schedule(request.callBackUrl, { responseId, agentOprInfoFileName: fileName }, readyAtMs - this.options.clock());
    }
    return responseId;
  }

  /** The bill file, when it exists and is generated by now. */
  bill(fileName: string): BillExport | undefined {
    const found = this.bills.get(fileName);
    return found && found.readyAtMs <= this.options.clock() ? found : undefined;
  }
}

function summary(info: BillExport): ExportInfo {
  const { source: _source, ...rest } = info;
  return rest;
}

function matches(record: IndexRecord, request: BillRequest): boolean {
  const { filters } = request;
  return (
    record.owner === request.owner &&
    record.beginMs >= request.beginMs &&
    record.beginMs <= request.endMs &&
    (filters.agentId === undefined || record.agentId === filters.agentId) &&
    (filters.callId === undefined || record.callId === filters.callId) &&
    (filters.callerNo === undefined || record.callerNo === filters.callerNo) &&
    (filters.calleeNo === undefined || record.calleeNo === filters.calleeNo)
  );
}

async function buildBillZip(
  fileName: string,
  request: BillRequest,
  records: readonly IndexRecord[],
  timeZone: string,
  hostile: readonly string[],
  fault: ExportFault | undefined,
): Promise<ContentSource> {
  const stamp = `${fileName.slice(0, 8)}083000000${String(records.length % 1000).padStart(3, '0')}`;
  const files: Array<{ name: string; data: Buffer }> = [];
  if (request.dataType !== 'record') files.push({ name: `${stamp}_call.csv`, data: Buffer.from(formatCallCsv(records, timeZone), 'utf8') });
  if (request.dataType !== 'call') {
    if (fault?.type === 'oversizedZip') {
      const line = records[0] ? recordFields(records[0], timeZone).join(',') + '\r\n' : 'x\r\n';
      const copies = Math.ceil((fault.inflatedBytes ?? 16 * 1024 * 1024) / line.length);
      files.push({ name: `${stamp}_record.csv`, data: Buffer.from(line.repeat(copies), 'utf8') });
    } else {
      const parts = Math.max(1, Math.ceil(records.length / ROWS_PER_CSV));
      for (let part = 0; part < parts; part++) {
        const slice = records.slice(part * ROWS_PER_CSV, (part + 1) * ROWS_PER_CSV);
        // The first file has a header row, the others not: readers must cope with both.
        const text = formatRecordCsv(slice, timeZone, part === 0, part === 0 ? hostile : []);
        files.push({ name: parts === 1 ? `${stamp}_record.csv` : `${stamp}_record_${part + 1}.csv`, data: Buffer.from(text, 'utf8') });
      }
    }
  }
  const zip = await deflatedZip(files);
  if (fault?.type !== 'brokenZip') return zip;
  const chunks: Buffer[] = [];
  for await (const chunk of zip.open()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  // Keep the local header (it still looks like a zip), scramble the compressed data after it.
  for (let i = 60; i < Math.min(bytes.length - 30, 400); i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
  return bufferSource(bytes);
}
