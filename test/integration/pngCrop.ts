// Crops a screenshot to the part worth showing and re-encodes it compactly (adaptive row filters,
// deflate level 9), so the README's images stay small without an image library. Handles what
// Chromium writes: 8-bit RGB or RGBA, not interlaced.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export interface Rect { x: number; y: number; width: number; height: number }

/**
 * Crops the PNG file in place to `rect` (clamped to the image) and drops its alpha channel.
 * `levels` (2–256) posterises each colour channel: text anti-aliasing stays smooth at 16 levels
 * while the file shrinks by half.
 */
export function cropPng(file: string, rect: Rect, levels = 256): void {
  const step = 255 / (Math.max(2, Math.min(256, levels)) - 1);
  const png = fs.readFileSync(file);
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${file} is not a PNG`);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const color = data[9];
      const interlace = data[12];
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) throw new Error(`${file}: only 8-bit RGB(A) non-interlaced PNGs can be cropped`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  // Undo the per-row filters.
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : undefined;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0;
      const b = up ? up[i]! : 0;
      const c = up && i >= channels ? up[i - channels]! : 0;
      const x = row[i]!;
      out[i] = (filter === 0 ? x : filter === 1 ? x + a : filter === 2 ? x + b : filter === 3 ? x + ((a + b) >> 1) : x + paeth(a, b, c)) & 0xff;
    }
  }
  const x0 = Math.max(0, Math.min(rect.x, width - 1));
  const y0 = Math.max(0, Math.min(rect.y, height - 1));
  const w = Math.max(1, Math.min(rect.width, width - x0));
  const h = Math.max(1, Math.min(rect.height, height - y0));
  // RGB rows of the crop, each with the filter that makes it smallest (sum of absolute values).
  const outStride = w * 3;
  const encoded = Buffer.alloc(h * (outStride + 1));
  let previous = Buffer.alloc(outStride);
  const candidates = [0, 1, 2, 3, 4].map(() => Buffer.alloc(outStride));
  for (let y = 0; y < h; y++) {
    const current = Buffer.alloc(outStride);
    const source = pixels.subarray((y0 + y) * stride, (y0 + y + 1) * stride);
    for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) current[x * 3 + k] = Math.round(Math.round(source[(x0 + x) * channels + k]! / step) * step);
    let best = 0;
    let bestScore = Infinity;
    for (let f = 0; f < 5; f++) {
      const target = candidates[f]!;
      let score = 0;
      for (let i = 0; i < outStride; i++) {
        const a = i >= 3 ? current[i - 3]! : 0;
        const b = previous[i]!;
        const c = i >= 3 ? previous[i - 3]! : 0;
        const v = (current[i]! - (f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c))) & 0xff;
        target[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        best = f;
      }
    }
    encoded[y * (outStride + 1)] = best;
    candidates[best]!.copy(encoded, y * (outStride + 1) + 1);
    previous = current;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8;
  header[9] = 2; // RGB
  const result = Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(encoded, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
  fs.writeFileSync(file, result);
}
