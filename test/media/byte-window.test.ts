import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { byteWindow, type ByteWindow } from '../../src/media/byte-window.js';
import { CcError } from '../../src/cc/cc-error.js';

const DATA = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

/** DATA cut into chunks of the given sizes (the rest as a last chunk). */
function source(sizes: number[], data = DATA): Readable {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    chunks.push(data.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < data.length) chunks.push(data.subarray(offset));
  return Readable.from(chunks, { objectMode: false });
}

async function collect(readable: Readable, window: ByteWindow): Promise<{ bytes: Buffer; counted: number }> {
  let counted = 0;
  const parts: Buffer[] = [];
  for await (const chunk of byteWindow(readable, window, (n) => (counted += n))) parts.push(chunk);
  return { bytes: Buffer.concat(parts), counted };
}

describe('byteWindow', () => {
  it.each([
    ['everything', { skip: 0, length: 100, untilEnd: true }, [0, 100]],
    ['unknown length', { skip: 0, length: undefined, untilEnd: true }, [0, 100]],
    ['first byte', { skip: 0, length: 1, untilEnd: false }, [0, 1]],
    ['last byte', { skip: 99, length: 1, untilEnd: true }, [99, 100]],
    ['middle across chunk edges', { skip: 5, length: 30, untilEnd: false }, [5, 35]],
    ['skip exactly one chunk', { skip: 7, length: 10, untilEnd: false }, [7, 17]],
    ['empty window', { skip: 0, length: 0, untilEnd: true }, [0, 0]],
  ] as const)('%s', async (_name, window, [from, to]) => {
    for (const sizes of [[7, 7, 7], [1, 1, 1, 50], [100], [33, 33]]) {
      const { bytes, counted } = await collect(source(sizes), window);
      expect(bytes.equals(DATA.subarray(from, to))).toBe(true);
      expect(counted).toBe(to - from);
    }
  });

  it('stops reading and destroys the source once a window that ends early is served', async () => {
    const readable = source([10, 10, 10]);
    await collect(readable, { skip: 0, length: 15, untilEnd: false });
    expect(readable.destroyed).toBe(true);
  });

  it('fails when the source ends short of the window', async () => {
    await expect(collect(source([10]), { skip: 0, length: 101, untilEnd: true })).rejects.toBeInstanceOf(CcError);
    await expect(collect(source([10]), { skip: 100, length: 1, untilEnd: true })).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('passes a source error on', async () => {
    const failing = new Readable({
      read() {
        this.push(DATA.subarray(0, 10));
        this.destroy(new Error('socket reset'));
      },
    });
    await expect(collect(failing, { skip: 0, length: 100, untilEnd: true })).rejects.toThrow('socket reset');
  });
});
