// The Electron entry (out/main/shell/index.js): the engine plus the thin shell around it.
import { app, dialog } from 'electron';
import { startAssistantApp } from '../app/assistant-app.js';
import { runShell } from './shell.js';

runShell({ startAssistantApp }).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Hearth could not start', message);
  app.exit(1);
});
