import { readFile, realpath, stat } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { mimeTypeOf, SECURITY_HEADERS } from './renderer-headers.js';

const inside = (root: string, file: string) => file === root || file.startsWith(root + sep);

/**
 * Serves a file under `root`, refusing anything that would leave it: `..` in the path, and symbolic
 * links that point outside (the real path, with every link resolved, must still be under the real
 * root). A link that stays inside the root is fine.
 */
export async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const base = resolve(root);
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(base, relative));
  if (relative.includes('\0') || !inside(base, file)) {
    res.writeHead(403).end();
    return;
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  if (!inside(await realpath(base), real)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const info = await stat(real);
    if (!info.isFile()) throw new Error('not a file');
    const body = await readFile(real);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': mimeTypeOf(real) });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
  }
}
