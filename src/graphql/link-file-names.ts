/**
 * The names media links save their files under (MediaLink.fileName, Content-Disposition). The
 * media route may still fix the extension when the bytes say otherwise (a .zip for a call with
 * several recordings).
 */
import type { VideoQuality } from '../generated/resolvers-types.js';

/** Characters that no file system likes in a name. */
function safe(name: string): string {
  const cleaned = name.replace(/[/\\:*?"<>|]/g, '_').trim();
  return cleaned === '' || cleaned === '.' ? 'file' : cleaned;
}

/** The last segment of a CC path (`Y:/1/0/20180309/108/2022318.V3` → `2022318.V3`). */
export function baseNameOf(path: string): string {
  let end = path.length;
  while (end > 0 && (path[end - 1] === '/' || path[end - 1] === '\\')) end -= 1;
  const start = Math.max(path.lastIndexOf('/', end - 1), path.lastIndexOf('\\', end - 1)) + 1;
  // No segment at all (empty, or only separators): the whole string, made safe.
  return safe(end === 0 ? path : path.slice(start, end));
}

/**
 * downloadRecord by callId sends one .wav for a call with one recording and a .zip for several.
 * `indexedRecordings` is how many the ingested index holds for the call: with 2 or more the name says
 * .zip; with 1, or when the index does not know the call (0 or undefined), .wav.
 */
export function callRecordingsFileName(callId: string, indexedRecordings?: number): string {
  return `${safe(callId)}.${indexedRecordings !== undefined && indexedRecordings > 1 ? 'zip' : 'wav'}`;
}

export function gatewayRecordingFileName(callId: string): string {
  return `${safe(callId)}.wav`;
}

export function videoFileName(conferenceId: string, recordId: string, quality: VideoQuality): string {
  return `${safe(conferenceId)}-${safe(recordId)}-${quality.toLowerCase()}.mp4`;
}
