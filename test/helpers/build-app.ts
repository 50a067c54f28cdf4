/**
 * Vitest global setup: builds the app into out/ (node scripts/build.mjs) once per test run, before any
 * test file starts (in watch mode: once, at the start). The headless and web-mode end-to-end tests run
 * out/main, the renderer tests serve out/renderer and the packaging test checks the shell's files, so
 * even one test file run alone from a clean checkout finds them.
 */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './repo-root.js';

export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
