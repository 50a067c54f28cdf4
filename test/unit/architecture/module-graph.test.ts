import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/repo-root.js';

/**
 * The lint rules (eslint.config.mjs) keep imports between main/'s folders downhill. This checks what
 * lint cannot: no circle of value imports at all, inside folders too (a type-only import is erased at
 * build time, so it cannot make a module load before its dependency).
 */

const IMPORT = /^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gm;

function productFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function valueImports(file: string): string[] {
  const source = readFileSync(join(REPO_ROOT, file), 'utf8');
  const targets: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    if (match[1]) continue;
    const spec = (match[2] ?? match[3])!;
    targets.push(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return targets;
}

function findCircle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const circle = visit(node);
    if (circle) return circle;
  }
  return null;
}

describe('the module graph of main/ and preload/contract', () => {
  const files = [...productFiles('main'), ...productFiles('preload/contract')];
  const graph = new Map(files.map((file) => [file, valueImports(file).filter((target) => files.includes(target))]));

  it('reads the imports it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
    expect(edges).toBeGreaterThan(200);
  });

  it('has no circle of value imports', () => {
    const circle = findCircle(graph);
    expect(circle?.map((file) => relative('.', file)) ?? null).toBeNull();
  });

  it('finds a circle when there is one (the check itself)', () => {
    const circular = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCircle(circular)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});
