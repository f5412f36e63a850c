import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import yazl from 'yazl';
import { parseAgentOperationIndexZip, isAgentOprInfoCsv } from '../../../src/cc/files/index-parser.js';
import { AGENT_OPR_INFO_COLUMNS, toAgentOperationRow } from '../../../src/cc/files/agent-operation-row.js';
import { createAgentOperationStore } from '../../../src/data/agent-operations-store.js';
import { CcError } from '../../../src/cc/cc-error.js';
import type { CcfsApi, UpstreamDownload } from '../../../src/cc/types.js';
import { silentLogger } from '../../../src/observability/logger.js';

function zipOf(entries: { name: string; data: string | Buffer; stream?: boolean }[]): Readable {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    // A stream entry has no sizes in its local header (a data descriptor follows), as streaming zippers write.
    if (entry.stream) zip.addReadStream(Readable.from([data]), entry.name);
    else zip.addBuffer(data, entry.name);
  }
  zip.end();
  return Readable.from(zip.outputStream);
}

const HEADER = AGENT_OPR_INFO_COLUMNS.join(',');
// 21 columns: id, developer_id, account_id, agent_id, service_no, skill_id, call_id, begin_time, end_time,
// op_type, op_object, op_cause, media_type, vdn_id, cc_id, agent_type, phone_no, callIn_out, location_id,
// logon_sn, skillInfo_sn
const ROW_A = 'a1,dev,acc,101,,1,,2026-11-20 08:30:00,2026-11-20 08:30:00,1,,0,,1,1,4,10.1.0.101,,0,700001,';
const ROW_B = 'a2,dev,acc,101,,1,1763627400-101,2026-11-20 08:31:00,2026-11-20 08:33:00,4,"138,0000",0,5,1,1,4,7101,1,0,700001,900000';
const ROW_C = 'a3,dev,acc,102,,2,,2026-11-20 08:35:00,,26,,2,,1,1,4,,,0,700002,900001';

describe('toAgentOperationRow', () => {
  it('maps the 21 columns', () => {
    const row = toAgentOperationRow(ROW_B.replace('"138,0000"', '1380000').split(','), 'Asia/Shanghai');
    expect(row).toEqual({
      id: 'a2',
      developerId: 'dev',
      accountId: 'acc',
      agentId: '101',
      skillId: '1',
      callId: '1763627400-101',
      beginTime: new Date('2026-11-20T00:31:00Z'),
      endTime: new Date('2026-11-20T00:33:00Z'),
      opType: 4,
      opObject: '1380000',
      opCause: '0',
      mediaType: '5',
      vdnId: '1',
      ccId: '1',
      agentType: '4',
      phoneNo: '7101',
      callInOut: '1',
      locationId: '0',
      logonSn: '700001',
      skillInfoSn: '900000',
    });
  });

  it('tolerates short rows and odd op types, and skips rows without id', () => {
    const short = toAgentOperationRow(['x9', 'dev', 'acc', '103'], 'UTC');
    expect(short).toMatchObject({ id: 'x9', agentId: '103', callId: null, beginTime: null, opType: -1, skillInfoSn: null });
    expect(toAgentOperationRow(['x10', '', '', '', '', '', '', '', '', 'busy'], 'UTC')?.opType).toBe(-1);
    expect(toAgentOperationRow(['', 'dev'], 'UTC')).toBeUndefined();
  });
});

describe('parseAgentOperationIndexZip', () => {
  const options = { timeZone: 'UTC', maxUncompressedBytes: 1024 * 1024 };

  it('reads a CSV with a header row', async () => {
    const parsed = await parseAgentOperationIndexZip(zipOf([{ name: '20261120083000123456_agentOprInfo.csv', data: [HEADER, ROW_A, ROW_B, ROW_C].join('\r\n') + '\r\n' }]), options);
    expect(parsed.csvEntries).toBe(1);
    expect(parsed.rows.map((row) => row.id)).toEqual(['a1', 'a2', 'a3']);
    expect(parsed.rows[1]?.opObject).toBe('138,0000');
    expect(parsed.rows[2]?.endTime).toBeNull();
  });

  it('reads CSVs without a header row, split over numbered entries, in zip order, skipping other entries', async () => {
    const parsed = await parseAgentOperationIndexZip(
      zipOf([
        { name: 'readme.txt', data: 'not a csv' },
        { name: 'x_agentOprInfo_1.csv', data: `${ROW_A}\n${ROW_B}\n`, stream: true },
        { name: 'x_call.csv', data: 'call,rows\n' },
        { name: 'dir/x_agentOprInfo_2.csv', data: `\uFEFF${ROW_C}\n\n` },
      ]),
      options,
    );
    expect(parsed.csvEntries).toBe(2);
    expect(parsed.rows.map((row) => row.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('counts records without id as skipped', async () => {
    const parsed = await parseAgentOperationIndexZip(zipOf([{ name: 'a_agentOprInfo.csv', data: `${ROW_A}\n,dev,acc\n` }]), options);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.skippedRecords).toBe(1);
  });

  it('refuses a zip that inflates past the budget', async () => {
    const big = `${ROW_B}\n`.repeat(2000);
    await expect(parseAgentOperationIndexZip(zipOf([{ name: 'a_agentOprInfo.csv', data: big }]), { ...options, maxUncompressedBytes: 10_000 })).rejects.toThrow(
      /inflates to more than/,
    );
  });

  it('rejects bytes that are not a zip', async () => {
    await expect(parseAgentOperationIndexZip(Readable.from([Buffer.from('{"resultCode":"0300011"}')]), options)).rejects.toThrow();
  });

  it('recognises agentOprInfo entries by name', () => {
    expect(isAgentOprInfoCsv('20261121083000654321_agentOprInfo_2.csv')).toBe(true);
    expect(isAgentOprInfoCsv('a/b/x_AGENTOPRINFO.CSV')).toBe(true);
    expect(isAgentOprInfoCsv('x_agentSkillInfo.csv')).toBe(false);
    expect(isAgentOprInfoCsv('agentOprInfo.csv/readme.txt')).toBe(false);
  });
});

describe('the agent operation store', () => {
  /** A CC-FS whose agentOprInfo download delivers `body` completely. */
  function ccfsDelivering(body: () => Readable): CcfsApi {
    const unused = (): never => {
      throw new Error('not used');
    };
    return {
      requestPlayVoice: unused,
      playVoice: unused,
      downloadRecord: unused,
      queryBillData: unused,
      queryAgentOprInfoData: unused,
      downloadBillFile: unused,
      downloadAgentOprInfoFile: async (): Promise<UpstreamDownload> => ({
        stream: body(),
        statusCode: 200,
        headers: {},
        contentLength: undefined,
        contentRange: undefined,
        head: Buffer.alloc(0),
      }),
    };
  }

  async function failureOf(body: () => Readable, maxUncompressedBytes?: number): Promise<CcError> {
    const store = createAgentOperationStore({
      ccfs: ccfsDelivering(body),
      timeZone: 'UTC',
      logger: silentLogger,
      ...(maxUncompressedBytes === undefined ? {} : { maxUncompressedBytes }),
    });
    const error = await store.rows('20261120_x.zip').then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof CcError)) throw new Error(`expected a CcError, got ${String(error)}`);
    return error;
  }

  it('reports a delivered file it cannot read as unreadable, not as a platform error', async () => {
    const notAZip = await failureOf(() => Readable.from([Buffer.from('this is not a zip file at all\n')]));
    const brokenCsv = await failureOf(() => zipOf([{ name: 'a_agentOprInfo.csv', data: `${ROW_A}\n"a2,dev,acc,101\n` }]));
    const tooLarge = await failureOf(() => zipOf([{ name: 'a_agentOprInfo.csv', data: `${ROW_B}\n`.repeat(2000) }]), 10_000);
    for (const error of [notAZip, brokenCsv, tooLarge]) {
      expect(error.kind).toBe('unreadable_file');
      expect(error.retryable).toBe(false);
    }
  });
});
