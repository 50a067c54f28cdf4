/** The settings form's text ↔ values: numbers, lists and `module=level` lines as typed, pure. */

/** Local parse errors, before the schema can even look at the value. */
export type ParseError = 'number' | 'integer' | 'module-line';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export function parseNumber(text: string, integer = false): Parsed<number> {
  const cleaned = text.trim().replace(',', '.');
  if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return { ok: false, error: 'number' };
  const value = Number(cleaned);
  if (!Number.isFinite(value)) return { ok: false, error: 'number' };
  if (integer && !Number.isInteger(value)) return { ok: false, error: 'integer' };
  return { ok: true, value };
}

/** A list typed as one item per line or separated by commas. */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Numbers separated by commas, semicolons or newlines (Porcupine sensitivities). */
export function parseNumberList(text: string): Parsed<number[]> {
  const values: number[] = [];
  for (const item of parseList(text.replace(/;/g, ','))) {
    const parsed = parseNumber(item);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

export function listText(list: readonly unknown[]): string {
  return list.map(String).join(', ');
}

export function linesText(list: readonly unknown[]): string {
  return list.map(String).join('\n');
}

/** `realtime=debug` per line → { realtime: 'debug' }. */
export function parseModules(text: string): Parsed<Record<string, string>> {
  const value: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const match = /^([\w.-]+)\s*[=:]\s*(\w+)$/.exec(trimmed);
    if (!match) return { ok: false, error: 'module-line' };
    value[match[1]!] = match[2]!.toLowerCase();
  }
  return { ok: true, value };
}

export function modulesText(modules: Record<string, string>): string {
  return Object.entries(modules)
    .map(([name, level]) => `${name}=${level}`)
    .join('\n');
}
