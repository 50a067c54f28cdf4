import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds a file the build puts under out/main/<folder>/ (worker scripts), from the module asking:
 * next to it when running from the sources, or from a bundle at out/main/<x>.js,
 * out/main/<dir>/<x>.js or out/<dir>/<x>.js. Returns the candidates tried when none exists.
 */
export function findBuiltFile(moduleUrl: string | undefined, folder: string, file: string): { found: string } | { tried: string[] } {
  const here =
    moduleUrl !== undefined && moduleUrl !== ''
      ? dirname(fileURLToPath(moduleUrl))
      : typeof __dirname === 'string'
        ? __dirname
        : process.cwd();
  const candidates = [join(here, file), join(here, folder, file), join(here, '..', folder, file), join(here, '..', 'main', folder, file)];
  const found = candidates.find((candidate) => existsSync(candidate));
  return found ? { found: unpacked(found) } : { tried: candidates };
}

/**
 * In a packaged app the bundles live in app.asar, but worker threads and native addons need real
 * files: electron-builder's asarUnpack puts those under app.asar.unpacked.
 */
function unpacked(path: string): string {
  const marker = `app.asar${sep}`;
  const index = path.indexOf(marker);
  if (index < 0) return path;
  const real = `${path.slice(0, index)}app.asar.unpacked${sep}${path.slice(index + marker.length)}`;
  return existsSync(real) ? real : path;
}
