/**
 * The recording index zip reader: 18 columns with or without a header, numbered entries, CC local
 * time → UTC, backslashes → slashes, hostile lines skipped and counted (the next line still reads),
 * zip bombs refused (declared or streamed), non-zips and cut zips rejected (never a hang).
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import yazl from 'yazl';
import { readRecordingIndexZip, isRecordIndexCsv, type RecordingIndexReadOptions } from '../../../src/cc/files/recording-index-reader.js';
import { RECORDING_INDEX_COLUMNS, toRecordingIndexRow, type RecordingIndexRow } from '../../../src/cc/files/recording-index-row.js';
import { parseCsvLine } from '../../../src/cc/files/csv-lines.js';
import { IndexTooLargeError, NotAZipError, ZipIntegrityError } from '../../../src/cc/files/zip-entries.js';

async function zipBytes(entries: { name: string; data: string | Buffer; stream?: boolean; compress?: boolean }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    if (entry.stream) zip.addReadStream(Readable.from([data]), entry.name, { compress: entry.compress ?? true });
    else zip.addBuffer(data, entry.name, { compress: entry.compress ?? true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A line of the 18 columns (developer … current_skill_id). */
function line(callId: string, original: string, begin = '2026-11-20 08:30:00', extra: Partial<Record<string, string>> = {}): string {
  const values: Record<string, string> = {
    developer: 'dev',
    account_id: 'acc',
    cc_id: '1',
    agent_id: '101',
    call_id: callId,
    caller_no: '13800000000',
    callee_no: '4000',
    call_begin: begin,
    call_end: '2026-11-20 08:35:00',
    file_name: '/10/1/record/100/20261120/101/1.wav',
    task_status: '0',
    task_result: 'success',
    original_file_name: original,
    vdn_id: '10',
    call_type: '7',
    media_type: '1',
    user_wanted_skill_id: '2',
    current_skill_id: '3',
    ...extra,
  };
  return RECORDING_INDEX_COLUMNS.map((column) => values[column]).join(',');
}

const options: RecordingIndexReadOptions = { timeZone: 'Asia/Shanghai', maxUncompressedBytes: 1024 * 1024, batchSize: 2 };

async function readAll(zip: Buffer, overrides: Partial<RecordingIndexReadOptions> = {}) {
  const batches: RecordingIndexRow[][] = [];
  const stats = await readRecordingIndexZip(Readable.from([zip]), { ...options, ...overrides }, async (rows) => {
    batches.push(rows);
  });
  return { stats, batches, rows: batches.flat() };
}

describe('parseCsvLine', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,', ['a', '', '']],
    ['"a,1","b""q",c', ['a,1', 'b"q', 'c']],
    ['""', ['']],
  ])('%s', (text, fields) => expect(parseCsvLine(text)).toEqual(fields));

  it.each(['"unclosed,b', '"a"x,b', 'a"b,c', '"a""'])('refuses broken quoting: %s', (text) => expect(parseCsvLine(text)).toBe('broken_quoting'));
});

describe('toRecordingIndexRow', () => {
  it('maps the columns, local time to UTC and backslashes to slashes', () => {
    const row = toRecordingIndexRow(parseCsvLine(line('1621413752-2011', 'X:\\17\\0\\20180903\\15470\\2043295.V3')) as string[], 'Asia/Shanghai');
    expect(row).toEqual({
      callId: '1621413752-2011',
      fileName: 'X:/17/0/20180903/15470/2043295.V3',
      agentId: '101',
      callerNo: '13800000000',
      calleeNo: '4000',
      beginMs: Date.UTC(2026, 10, 20, 0, 30, 0),
      endMs: Date.UTC(2026, 10, 20, 0, 35, 0),
      callType: 7,
      mediaType: '1',
      ccId: '1',
      vdnId: '10',
      skillId: '3',
    });
  });

  it.each([
    ['column_count', line('1-1', 'Y:/a.V3') + ',extra'],
    ['bad_date', line('1-1', 'Y:/a.V3', '2026-13-40 25:00:00')],
    ['field_too_long', line('1-1', 'Y:/a.V3', undefined, { caller_no: 'x'.repeat(10 * 1024) })],
    ['missing_id', line('', 'Y:/a.V3')],
    ['bad_value', line('1-1', 'Y:/../etc/passwd')],
    ['bad_value', line('1-1', 'Y:/a.V3', undefined, { call_type: 'inbound' })],
  ])('skips %s', (reason, text) => expect(toRecordingIndexRow(parseCsvLine(text) as string[], 'UTC')).toBe(reason));
});

describe('readRecordingIndexZip', () => {
  it('reads numbered record CSVs with and without a header, in batches, and ignores other entries', async () => {
    const header = RECORDING_INDEX_COLUMNS.join(',');
    const zip = await zipBytes([
      { name: '20261120083000123456_record_1.csv', data: `\uFEFF${header}\r\n${line('1-1', 'Y:\\a\\1.V3')}\r\n${line('1-2', 'Y:\\a\\2.V3')}\r\n` },
      { name: '20261120083000123456_call_1.csv', data: 'not,a,record\n' },
      { name: '20261120083000123456_record_2.csv', data: `${line('1-3', 'Y:/a/3.V3')}\n\n${line('1-4', 'Y:/a/4.V3')}`, stream: true },
    ]);
    const { stats, batches, rows } = await readAll(zip);
    expect(stats.csvEntries).toBe(2);
    expect(stats.rows).toBe(4);
    expect(Object.values(stats.skipped).every((n) => n === 0)).toBe(true);
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    expect(rows.map((r) => r.fileName)).toEqual(['Y:/a/1.V3', 'Y:/a/2.V3', 'Y:/a/3.V3', 'Y:/a/4.V3']);
    expect(rows[0]?.beginMs).toBe(Date.UTC(2026, 10, 20, 0, 30, 0));
  });

  it('skips and counts hostile lines; the lines after them still read', async () => {
    const hostile = [
      line('1-1', 'Y:/ok/1.V3'),
      'only,three,columns',
      line('1-2', 'Y:/ok/2.V3', 'yesterday'),
      line('1-3', 'Y:/ok/3.V3', undefined, { callee_no: 'y'.repeat(10 * 1024) }),
      `"${line('1-4', 'Y:/ok/4.V3')}`, // an unclosed quote must not swallow the next lines
      line('1-5', 'Y:/ok/5.V3'),
      'z'.repeat(200 * 1024), // a line longer than the line limit
      line('1-6', 'Y:/ok/6.V3'),
    ].join('\n');
    const { stats, rows } = await readAll(await zipBytes([{ name: 'x_record.csv', data: hostile }]));
    expect(rows.map((r) => r.callId)).toEqual(['1-1', '1-5', '1-6']);
    expect(stats.skipped).toMatchObject({ column_count: 1, bad_date: 1, field_too_long: 1, broken_quoting: 1, line_too_long: 1 });
  });

  it('refuses a zip whose entries declare more than the limit, before inflating them', async () => {
    const big = `${line('1-1', 'Y:/a.V3')}\n`.repeat(5000);
    const zip = await zipBytes([{ name: 'x_record.csv', data: big }]);
    await expect(readAll(zip, { maxUncompressedBytes: 50_000 })).rejects.toBeInstanceOf(IndexTooLargeError);
  });

  it('refuses a streamed zip (no sizes in the header) once it inflates past the limit', async () => {
    const bomb = Buffer.alloc(8 * 1024 * 1024, 0x41); // deflates to a few KiB
    const zip = await zipBytes([{ name: 'x_record.csv', data: bomb, stream: true }]);
    expect(zip.length).toBeLessThan(100_000);
    await expect(readAll(zip, { maxUncompressedBytes: 1024 * 1024 })).rejects.toBeInstanceOf(IndexTooLargeError);
  });

  it('rejects bytes that are not a zip, and an empty body', async () => {
    await expect(readAll(Buffer.from('{"resultCode":"0300011"}'))).rejects.toBeInstanceOf(NotAZipError);
    await expect(readAll(Buffer.alloc(0))).rejects.toBeInstanceOf(NotAZipError);
  });

  it('rejects a zip cut in the middle of an entry (and does not hang)', async () => {
    const data = Array.from({ length: 3000 }, (_, i) => line(`9-${i}`, `Y:/c/${i}.V3`)).join('\n');
    const zip = await zipBytes([{ name: 'x_record.csv', data, compress: true }]);
    const cut = zip.subarray(0, Math.floor(zip.length / 2));
    await expect(readAll(cut)).rejects.toThrow();
  });

  it('ends the entry being read when its download is destroyed mid-entry (a stopping ingester), with that error', async () => {
    const data = Array.from({ length: 3000 }, (_, i) => line(`9-${i}`, `Y:/c/${i}.V3`)).join('\n');
    const zip = await zipBytes([{ name: 'x_record.csv', data, compress: true }]);
    // The first half arrives, then the download stalls, as a slow CC-FS does; then it is destroyed.
    const download = new Readable({ read() {} });
    download.push(zip.subarray(0, Math.floor(zip.length / 2)));
    const stopping = new Error('the subgraph is stopping');
    let rows = 0;
    const reading = readRecordingIndexZip(download, { ...options, batchSize: 10 }, async (batch) => {
      rows += batch.length;
      if (rows >= 100) download.destroy(stopping);
    });
    await expect(reading).rejects.toBe(stopping);
  });

  it('rejects a zip cut exactly where its central directory begins', async () => {
    const zip = await zipBytes([{ name: 'x_record.csv', data: line('1-1', 'Y:/a.V3') }]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(central).toBeGreaterThan(0);
    await expect(readAll(zip.subarray(0, central))).rejects.toBeInstanceOf(NotAZipError);
  });

  it('rejects a zip whose deflated data is corrupt', async () => {
    const data = Array.from({ length: 3000 }, (_, i) => line(`9-${i}`, `Y:/c/${i}.V3`)).join('\n');
    const zip = await zipBytes([{ name: 'x_record.csv', data, compress: true }]);
    const corrupt = Buffer.from(zip);
    for (let i = 200; i < 400; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0xff;
    await expect(readAll(corrupt)).rejects.toThrow();
  });

  it('settles only after the batch in flight is done, and starts none after a failure', async () => {
    const data = Array.from({ length: 3000 }, (_, i) => line(`9-${i}`, `Y:/c/${i}.V3`)).join('\n');
    const zip = await zipBytes([{ name: 'x_record.csv', data, compress: true }]);
    const cut = zip.subarray(0, Math.floor(zip.length / 2));
    let running = 0;
    let finishedAfterSettle = false;
    let settled = false;
    const reading = readRecordingIndexZip(Readable.from([cut]), { ...options, batchSize: 100 }, async () => {
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, 30)); // a slow database write
      if (settled) finishedAfterSettle = true;
      running -= 1;
    }).finally(() => {
      settled = true;
    });
    await expect(reading).rejects.toThrow();
    expect(running).toBe(0);
    expect(finishedAfterSettle).toBe(false);
  });

  it('rejects an entry whose bytes do not match the CRC-32 of the central directory (no inflate error to notice)', async () => {
    const data = Array.from({ length: 50 }, (_, i) => line(`8-${i}`, `Y:/e/${i}.V3`)).join('\n');
    for (const stream of [false, true]) {
      const zip = await zipBytes([{ name: 'x_record.csv', data, compress: false, stream }]);
      const altered = Buffer.from(zip);
      const at = altered.indexOf(Buffer.from('8-25,'));
      altered[at] = '9'.charCodeAt(0); // a stored entry: the change reads as a valid, different row
      await expect(readAll(altered)).rejects.toBeInstanceOf(ZipIntegrityError);
      await expect(readAll(zip)).resolves.toMatchObject({ stats: { rows: 50 } });
    }
  });

  it('names record CSVs', () => {
    expect(isRecordIndexCsv('20261120083000123456_record.csv')).toBe(true);
    expect(isRecordIndexCsv('dir/20261120083000123456_record_12.csv')).toBe(true);
    expect(isRecordIndexCsv('20261120083000123456_call_1.csv')).toBe(false);
  });
});
