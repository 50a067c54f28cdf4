// The Electron entry (out/main/shell/index.js): the engine plus the thin shell around it.
import { app, dialog } from 'electron';
import { startAssistantApp } from '../app/assistant-app.js';
import { runShell } from './shell.js';
import { errorMessage } from '../util/errors.js';

runShell({ startAssistantApp }).catch((error: unknown) => {
  const message = errorMessage(error);
  dialog.showErrorBox('Hearth could not start', message);
  app.exit(1);
});
