/** Colour names a light understands, and #RRGGBB. */

const NAMED_COLORS: Readonly<Record<string, [number, number, number]>> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  violet: [238, 130, 238],
  pink: [255, 192, 203],
  magenta: [255, 0, 255],
  fuchsia: [255, 0, 255],
  cyan: [0, 255, 255],
  aqua: [0, 255, 255],
  turquoise: [64, 224, 208],
  teal: [0, 128, 128],
  white: [255, 255, 255],
  'warm white': [255, 214, 170],
  'cool white': [220, 235, 255],
  lime: [0, 255, 0],
  indigo: [75, 0, 130],
  gold: [255, 215, 0],
  amber: [255, 191, 0],
  coral: [255, 127, 80],
  salmon: [250, 128, 114],
  crimson: [220, 20, 60],
  lavender: [230, 230, 250],
  'sky blue': [135, 206, 235],
  'light blue': [173, 216, 230],
  'dark blue': [0, 0, 139],
  navy: [0, 0, 128],
  'light green': [144, 238, 144],
  'dark green': [0, 100, 0],
  mint: [152, 255, 152],
  olive: [128, 128, 0],
  brown: [165, 42, 42],
  beige: [245, 245, 220],
  peach: [255, 218, 185],
  rose: [255, 0, 127],
  'hot pink': [255, 105, 180],
  'deep pink': [255, 20, 147],
  'royal blue': [65, 105, 225],
};

/** A colour name ("warm white", "sky blue") or #RRGGBB → RGB. */
export function parseColor(input: string): [number, number, number] | null {
  const value = input
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  const hex = /^#?([0-9a-f]{6})$/.exec(value.replace(/ /g, ''));
  if (hex) {
    const n = Number.parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const named = NAMED_COLORS[value] ?? NAMED_COLORS[value.replace(/ /g, '')];
  return named ? [...named] : null;
}
