import envPaths from 'env-paths';

export type AppPaths = { config: string; data: string; logs: string };

/**
 * Where settings and logs live: the platform's usual folders (XDG on Linux, Application Support on
 * macOS, AppData on Windows), overridable with HEARTH_CONFIG_DIR / HEARTH_DATA_DIR.
 */
export function appPaths(env: NodeJS.ProcessEnv = process.env): AppPaths {
  const paths = envPaths('Hearth', { suffix: '' });
  const data = env.HEARTH_DATA_DIR ?? paths.data;
  return {
    config: env.HEARTH_CONFIG_DIR ?? paths.config,
    data,
    logs: env.HEARTH_DATA_DIR ? `${data}/logs` : paths.log,
  };
}
