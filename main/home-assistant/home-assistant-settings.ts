// The schema lives with the IPC contract (preload/contract/settings-schema.ts), shared with the renderer.
export { HomeAssistantSettingsSchema, type HomeAssistantSettings } from '../../preload/contract/settings-schema.js';
