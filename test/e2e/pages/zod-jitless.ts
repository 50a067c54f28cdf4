// Imported first by install-fake-api.ts (as renderer/zod-setup.ts is by the renderer): no zod JIT.
import { config } from 'zod';

config({ jitless: true });
