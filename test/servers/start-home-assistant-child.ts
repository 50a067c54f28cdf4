/**
 * Starts a Home Assistant through the fixture and then waits forever: the core fixture test runs
 * this in a child process (tsx) and kills it with SIGKILL, to prove that a test worker killed at any
 * moment leaves no Home Assistant behind. Usage: node --import tsx start-home-assistant-child.ts <version> (one process, unlike the tsx CLI)
 */
import { HA_TEST_VERSIONS, startHomeAssistant, type HaTestVersion } from './home-assistant-core.js';

const version = process.argv[2] as HaTestVersion;
if (!HA_TEST_VERSIONS.includes(version)) {
  console.error(`unknown version ${String(version)}`);
  process.exit(2);
}
const ha = await startHomeAssistant({ version });
console.log(`RUNNING ${ha.configDir}`);
setInterval(() => undefined, 60_000);
