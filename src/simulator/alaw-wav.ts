/**
 * G.711 A-law WAV files, generated deterministically and addressable at any byte offset, so that a
 * Range request or a 1 GB synthetic file never needs the whole file in memory.
 */

/** ITU-T G.711 A-law encoding of one 16-bit linear PCM sample. */
export function linearToAlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5; // sign bit set, even bits inverted
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  pcm >>= 3; // 13-bit magnitude
  let encoded: number;
  if (pcm < 32) {
    encoded = pcm >> 1;
  } else {
    let segment = 1;
    while (segment < 7 && pcm >= 64 << (segment - 1)) segment += 1;
    encoded = (segment << 4) | ((pcm >> segment) & 0x0f);
  }
  return (encoded ^ mask) & 0xff;
}

/** Inverse of linearToAlaw (used by tests to check the generated signal). */
export function alawToLinear(byte: number): number {
  const value = (byte ^ 0x55) & 0xff;
  const segment = (value & 0x70) >> 4;
  let magnitude = (value & 0x0f) << 4;
  magnitude += segment === 0 ? 8 : 0x108;
  if (segment > 1) magnitude <<= segment - 1;
  return value & 0x80 ? magnitude : -magnitude;
}

export const ALAW_FORMAT_TAG = 6;
export const SAMPLE_RATE = 8000;
/** RIFF(12) + fmt chunk with cbSize (8+18) + fact chunk (8+4) + data chunk header (8). */
export const ALAW_WAV_HEADER_SIZE = 58;

/** The RIFF/WAVE header of an A-law file with `dataBytes` bytes of interleaved samples. */
export function alawWavHeader(dataBytes: number, channels: 1 | 2): Buffer {
  const header = Buffer.alloc(ALAW_WAV_HEADER_SIZE);
  header.write('RIFF', 0, 'ascii');
  // RIFF sizes are 32-bit: a >4 GB synthetic file saturates (players stream it anyway).
  header.writeUInt32LE(Math.min(0xffffffff, ALAW_WAV_HEADER_SIZE - 8 + dataBytes), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(18, 16);
  header.writeUInt16LE(ALAW_FORMAT_TAG, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * channels, 28); // byte rate: one byte per sample
  header.writeUInt16LE(channels, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.writeUInt16LE(0, 36); // cbSize
  header.write('fact', 38, 'ascii');
  header.writeUInt32LE(4, 42);
  header.writeUInt32LE(Math.min(0xffffffff, Math.floor(dataBytes / channels)), 46);
  header.write('data', 50, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, dataBytes), 54);
  return header;
}

/** A signal: sample value (≈ ±32767) of channel `channel` at sample index `n`. */
export type Signal = (n: number, channel: number) => number;

/** A tone rising linearly from `f0` to `f1` Hz over `seconds`, with soft edges; distinct per file. */
export function sweepSignal(f0: number, f1: number, seconds: number, amplitude = 9000): Signal {
  const total = seconds * SAMPLE_RATE;
  const k = (f1 - f0) / seconds; // Hz per second
  return (n) => {
    const t = n / SAMPLE_RATE;
    const phase = 2 * Math.PI * (f0 * t + (k * t * t) / 2);
    const edge = Math.min(1, n / 400, (total - n) / 400);
    return amplitude * Math.max(0, edge) * Math.sin(phase);
  };
}

/** Two parties on two tracks: a caller tone on the left, an agent tone on the right, taking turns. */
export function dualTrackSignal(callerHz: number, agentHz: number, amplitude = 8000): Signal {
  return (n, channel) => {
    const t = n / SAMPLE_RATE;
    const turn = Math.floor(t) % 2; // each party speaks every other second
    if (turn !== channel) return 0;
    const hz = channel === 0 ? callerHz : agentHz;
    return amplitude * Math.sin(2 * Math.PI * hz * t);
  };
}

/** Describes one WAV file whose bytes are computed on demand. */
export interface WavSpec {
  channels: 1 | 2;
  /** Bytes of sample data after the header (a multiple of `channels`). */
  dataBytes: number;
  signal: Signal;
  /**
   * When set, the data repeats with this period in bytes; the bytes of one period are computed once.
   * Makes very large files cheap (a tone with a whole number of cycles per period loops seamlessly).
   */
  periodBytes?: number;
}

export function wavFileSize(spec: WavSpec): number {
  return ALAW_WAV_HEADER_SIZE + spec.dataBytes;
}

function encodeData(spec: WavSpec, dataOffset: number, target: Buffer, targetStart: number, length: number): void {
  for (let i = 0; i < length; i += 1) {
    const byteIndex = dataOffset + i;
    const channel = byteIndex % spec.channels;
    const n = Math.floor(byteIndex / spec.channels);
    target[targetStart + i] = linearToAlaw(spec.signal(n, channel));
  }
}

/**
 * Returns a function that fills `target` with the file's bytes starting at `offset`
 * (random access, so Range and chunked streaming need no buffering).
 */
export function wavByteReader(spec: WavSpec): (offset: number, target: Buffer) => void {
  const header = alawWavHeader(spec.dataBytes, spec.channels);
  let period: Buffer | undefined;
  if (spec.periodBytes !== undefined) {
    period = Buffer.alloc(spec.periodBytes);
    encodeData(spec, 0, period, 0, spec.periodBytes);
  }
  return (offset, target) => {
    let written = 0;
    if (offset < header.length) {
      written = header.copy(target, 0, offset, Math.min(header.length, offset + target.length));
    }
    while (written < target.length) {
      const dataOffset = offset + written - header.length;
      if (period) {
        const at = dataOffset % period.length;
        written += period.copy(target, written, at, Math.min(period.length, at + target.length - written));
      } else {
        encodeData(spec, dataOffset, target, written, target.length - written);
        written = target.length;
      }
    }
  };
}
