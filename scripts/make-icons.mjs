// Draws Hearth's icons with plain Node (no image tools): the app icon (build/icon.png, .ico, .icns and the
// Linux set build/icons/NxN.png) and the tray icons (build/tray/<state>.png, @2x, and macOS
// <state>Template.png). Shapes are signed-distance functions, so every size is drawn crisply with 1-px
// anti-aliasing. build/icon.svg is the same design by hand. Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------------
// PNG, ICO, ICNS writers

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA 8-bit PNG from a Uint8Array of size*size*4. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico holding PNG images (Vista and later read PNG entries). */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** A macOS .icns holding PNG images, by OSType. */
function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

// ---------------------------------------------------------------------------------------------------------
// Signed distance functions, in design units (the icon is the unit square; negative inside)

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const capsule = (ax, ay, bx, by, r) => (x, y) => {
  const ex = bx - ax;
  const ey = by - ay;
  const h = clamp(((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey || 1), 0, 1);
  return Math.hypot(x - ax - ex * h, y - ay - ey * h) - r;
};
const roundedRect = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
/** A polygon (iq's exact SDF). */
const polygon = (points) => (x, y) => {
  let d = (x - points[0][0]) ** 2 + (y - points[0][1]) ** 2;
  let s = 1;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i++) {
    const [vix, viy] = points[i];
    const [vjx, vjy] = points[j];
    const ex = vjx - vix;
    const ey = vjy - viy;
    const wx = x - vix;
    const wy = y - viy;
    const h = clamp((wx * ex + wy * ey) / (ex * ex + ey * ey), 0, 1);
    d = Math.min(d, (wx - ex * h) ** 2 + (wy - ey * h) ** 2);
    const c1 = y >= viy;
    const c2 = y < vjy;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
  }
  return s * Math.sqrt(d);
};
/** An arc of a ring: centre, radius, half thickness, and the angles (radians, 0 = right, y down) it spans. */
const arc = (cx, cy, r, half, from, to) => (x, y) => {
  const a = Math.atan2(y - cy, x - cx);
  if (a >= from && a <= to) return Math.abs(Math.hypot(x - cx, y - cy) - r) - half;
  const end = (angle) => Math.hypot(x - cx - r * Math.cos(angle), y - cy - r * Math.sin(angle)) - half;
  return Math.min(end(from), end(to));
};
const union =
  (...shapes) =>
  (x, y) =>
    Math.min(...shapes.map((f) => f(x, y)));
const subtract = (shape, cut) => (x, y) => Math.max(shape(x, y), -cut(x, y));
const rounded = (shape, r) => (x, y) => shape(x, y) - r;
/** Scales a glyph about the centre, so it fits inside a disc. */
const scaled = (shape, k) => (x, y) => shape(0.5 + (x - 0.5) / k, 0.5 + (y - 0.5) / k) * k;

// ---------------------------------------------------------------------------------------------------------
// Glyphs

const house = () =>
  union(
    rounded(
      polygon([
        [0.5, 0.2],
        [0.83, 0.5],
        [0.17, 0.5],
      ]),
      0.02,
    ),
    roundedRect(0.5, 0.64, 0.24, 0.18, 0.04),
  );
const flame = () =>
  union(
    circle(0.5, 0.68, 0.085),
    rounded(
      polygon([
        [0.5, 0.47],
        [0.575, 0.655],
        [0.425, 0.655],
      ]),
      0.01,
    ),
  );
const mic = () =>
  union(
    capsule(0.5, 0.29, 0.5, 0.47, 0.13),
    arc(0.5, 0.47, 0.23, 0.045, 0, Math.PI),
    capsule(0.5, 0.7, 0.5, 0.79, 0.045),
    capsule(0.36, 0.81, 0.64, 0.81, 0.045),
  );
const glyphs = {
  idle: () => subtract(house(), roundedRect(0.5, 0.72, 0.065, 0.11, 0.02)),
  wake: mic,
  listening: () =>
    union(
      scaled(mic(), 0.8),
      arc(0.5, 0.48, 0.44, 0.045, -0.6, 0.6),
      arc(0.5, 0.48, 0.44, 0.045, Math.PI - 0.6, Math.PI),
      arc(0.5, 0.48, 0.44, 0.045, -Math.PI, -Math.PI + 0.6),
    ),
  thinking: () => union(circle(0.22, 0.5, 0.1), circle(0.5, 0.5, 0.1), circle(0.78, 0.5, 0.1)),
  speaking: () =>
    union(capsule(0.25, 0.36, 0.25, 0.64, 0.085), capsule(0.5, 0.18, 0.5, 0.82, 0.085), capsule(0.75, 0.36, 0.75, 0.64, 0.085)),
  muted: () => union(subtract(mic(), capsule(0.14, 0.14, 0.86, 0.86, 0.14)), capsule(0.16, 0.16, 0.84, 0.84, 0.065)),
  error: () =>
    subtract(
      rounded(
        polygon([
          [0.5, 0.12],
          [0.9, 0.84],
          [0.1, 0.84],
        ]),
        0.05,
      ),
      union(capsule(0.5, 0.38, 0.5, 0.6, 0.055), circle(0.5, 0.73, 0.06)),
    ),
};

/** Tray discs: one colour per state, readable on dark and light panels; the glyph is white. */
const TRAY_COLOURS = {
  idle: [0x6b, 0x72, 0x80],
  wake: [0x25, 0x63, 0xeb],
  listening: [0x16, 0xa3, 0x4a],
  thinking: [0xd9, 0x77, 0x06],
  speaking: [0x7c, 0x3a, 0xed],
  muted: [0x37, 0x41, 0x51],
  error: [0xdc, 0x26, 0x26],
};

// ---------------------------------------------------------------------------------------------------------
// Rasterising

function raster(size, layers) {
  const rgba = new Uint8Array(size * size * 4);
  const px = 1 / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ux = (x + 0.5) * px;
      const uy = (y + 0.5) * px;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const { shape, colour } of layers) {
        const coverage = clamp(0.5 - shape(ux, uy) / px, 0, 1);
        if (coverage === 0) continue;
        const [cr, cg, cb, ca = 1] = typeof colour === 'function' ? colour(ux, uy) : colour;
        const sa = coverage * ca;
        const oa = sa + a * (1 - sa);
        r = (cr * sa + r * a * (1 - sa)) / oa;
        g = (cg * sa + g * a * (1 - sa)) / oa;
        b = (cb * sa + b * a * (1 - sa)) / oa;
        a = oa;
      }
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(r);
      rgba[i + 1] = Math.round(g);
      rgba[i + 2] = Math.round(b);
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, rgba);
}

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const mix = (c1, c2, t) => c1.map((v, i) => v + (c2[i] - v) * t);

function trayIcon(state, size, template) {
  const glyph = glyphs[state]();
  if (template) return raster(size, [{ shape: glyph, colour: BLACK }]);
  return raster(size, [
    { shape: circle(0.5, 0.5, 0.49), colour: TRAY_COLOURS[state] },
    { shape: scaled(glyph, 0.68), colour: WHITE },
  ]);
}

function appIcon(size) {
  const top = [0xfb, 0x92, 0x3c];
  const bottom = [0xdc, 0x26, 0x26];
  return raster(size, [
    // macOS-style margin: the tile fills 80% of the canvas.
    { shape: roundedRect(0.5, 0.5, 0.4, 0.4, 0.09), colour: (_x, y) => mix(top, bottom, clamp((y - 0.1) / 0.8, 0, 1)) },
    { shape: scaled(house(), 0.6), colour: WHITE },
    { shape: scaled(flame(), 0.6), colour: [0xf9, 0x73, 0x16] },
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Output

function write(path, data) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  return path;
}

export const TRAY_STATES = Object.keys(glyphs);
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

export function makeIcons() {
  const written = [];
  for (const state of TRAY_STATES) {
    written.push(write(`build/tray/${state}.png`, trayIcon(state, 16, false)));
    written.push(write(`build/tray/${state}@2x.png`, trayIcon(state, 32, false)));
    written.push(write(`build/tray/${state}Template.png`, trayIcon(state, 16, true)));
    written.push(write(`build/tray/${state}Template@2x.png`, trayIcon(state, 32, true)));
  }
  const pngs = new Map();
  const png = (size) => {
    if (!pngs.has(size)) pngs.set(size, appIcon(size));
    return pngs.get(size);
  };
  written.push(write('build/icon.png', png(1024)));
  for (const size of LINUX_ICON_SIZES) written.push(write(`build/icons/${size}x${size}.png`, png(size)));
  written.push(write('build/icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: png(size) })))));
  written.push(
    write(
      'build/icon.icns',
      encodeIcns([
        { type: 'icp4', png: png(16) },
        { type: 'icp5', png: png(32) },
        { type: 'ic11', png: png(32) },
        { type: 'ic12', png: png(64) },
        { type: 'ic07', png: png(128) },
        { type: 'ic08', png: png(256) },
        { type: 'ic13', png: png(256) },
        { type: 'ic09', png: png(512) },
        { type: 'ic14', png: png(512) },
        { type: 'ic10', png: png(1024) },
      ]),
    ),
  );
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const written = makeIcons();
  console.log(`wrote ${written.length} icons in ${Math.round(performance.now() - started)} ms`);
}
