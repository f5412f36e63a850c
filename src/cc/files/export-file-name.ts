/**
 * Names of the files the CC-FS generates on request (queryBillData → billFileName,
 * queryAgentOprInfoData → agentOprInfoFileName): `yyyyMMdd_{responseId without dashes}.zip`, the
 * day being the day of the request (Huawei cec_07_0814 / cec_07_4222). A responseId is a UUID, so
 * the part after `_` is 32 hex digits.
 */
import { isValidCalendarDate } from './calendar-date.js';

const EXPORT_FILE_NAME = /^(\d{4})(\d{2})(\d{2})_([0-9a-fA-F]{32})\.zip$/;

export interface ExportFileName {
  fileName: string;
  /** yyyy-MM-dd */
  day: string;
  /** 32 hex digits. */
  responseHex: string;
}

/** The parts of a valid export file name, or undefined. */
export function parseExportFileName(fileName: string): ExportFileName | undefined {
  const match = EXPORT_FILE_NAME.exec(fileName);
  if (!match) return undefined;
  const [, year, month, day, responseHex] = match as unknown as [string, string, string, string, string];
  if (Number(year) < 1970 || !isValidCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  return { fileName, day: `${year}-${month}-${day}`, responseHex };
}

/** The name the CC-FS will give the file of `responseId` requested on `day` (yyyy-MM-dd). */
export function exportFileName(day: string, responseId: string): string {
  return `${day.replace(/-/g, '')}_${responseId.replace(/-/g, '')}.zip`;
}

/** A responseId as the CC-FS answers it: a UUID (with dashes) or its 32 hex digits. */
export function isResponseId(value: string): boolean {
  return /^[0-9a-fA-F]{32}$/.test(value.replace(/-/g, '')) && /^[0-9a-fA-F-]{32,36}$/.test(value);
}
