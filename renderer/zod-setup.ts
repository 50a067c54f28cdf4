/**
 * Imported first by the entry: zod must not probe `new Function` (its JIT) under the page's strict CSP
 * (`script-src 'self'`, no 'unsafe-eval'). Its validators work the same without it.
 */
import { config } from 'zod';

config({ jitless: true });
