// `npm run bench:echo`: only the echo section of `npm run bench` (about 30 s), kept in bench/results/echo-*.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchEcho } from './echo-bench.js';

const result = {
  timestamp: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version },
  echo: await benchEcho(),
};
const json = JSON.stringify(result, null, 2);
process.stdout.write(`${json}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/echo-${result.timestamp.replace(/[:.]/g, '-')}.json`, `${json}\n`);
process.exit(0);
