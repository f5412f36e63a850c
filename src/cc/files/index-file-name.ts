/**
 * Agent operation index zips are named `yyyyMMdd_{responseId}.zip` (docs/cc-platform.md §8.2, §9.1): the
 * day the index was generated and the queryAgentOprInfoData responseId without dashes.
 */
import { isValidCalendarDate } from './calendar-date.js';

export interface IndexFileName {
  fileName: string;
  /** yyyy-MM-dd */
  date: string;
  responseId: string;
}

const INDEX_FILE_NAME = /^(\d{4})(\d{2})(\d{2})_([0-9A-Za-z]{1,40})\.zip$/;

/** The parts of a valid index name, or undefined. */
export function parseIndexFileName(fileName: string): IndexFileName | undefined {
  const match = INDEX_FILE_NAME.exec(fileName);
  if (!match) return undefined;
  const [, year, month, day, responseId] = match as unknown as [string, string, string, string, string];
  if (Number(year) < 1970 || !isValidCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  return { fileName, date: `${year}-${month}-${day}`, responseId };
}
