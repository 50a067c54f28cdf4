// The schema lives with the IPC contract, so the renderer validates settings with the same rules.
export * from '../../preload/contract/settings-schema.js';
