// Lint: recommended rules plus the layering of the house style (who may import what).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const noElectron = { name: 'electron', message: 'Only main/shell/** and preload/index.ts may import electron.' };
const noRenderer = { group: ['**/renderer/**'], message: 'main must not import renderer code.' };

/**
 * The layers of main/, lowest first. Each folder may import the contract (preload/contract), its own
 * files and the folders of lower layers; never a peer of its own layer or anything above.
 */
const MAIN_LAYERS = [
  ['util'],
  ['audio', 'secrets'],
  ['tools', 'wake-word', 'push-to-talk'],
  ['home-assistant', 'realtime'],
  ['app'],
  ['headless', 'web'],
  ['shell'],
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'test-artifacts/**', 'bench/results/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        Buffer: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['main/shell/**', 'preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['main/**'],
    ignores: ['main/shell/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noRenderer] }] },
  },
  // Downhill imports only: a folder of main/ imports its own layer's folders' peers never, lower
  // layers freely, higher layers never (not even types), so the module graph has no circle.
  ...MAIN_LAYERS.flatMap((folders, layer) =>
    folders.map((folder) => ({
      files: [`main/${folder}/**`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: folder === 'shell' ? [] : [noElectron],
            patterns: [
              noRenderer,
              ...MAIN_LAYERS.flatMap((others, otherLayer) =>
                others
                  .filter((other) => other !== folder && otherLayer >= layer)
                  .map((other) => ({
                    group: [`**/${other}/*`, `**/${other}/**`],
                    message: `main/${folder} (layer ${layer}) must not import main/${other} (layer ${otherLayer}): imports run downhill (README, Architecture).`,
                  })),
              ),
            ],
          },
        ],
      },
    })),
  ),
  {
    files: ['renderer/**', 'preload/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, { name: 'ws', message: 'The renderer never opens sockets to OpenAI or Home Assistant.' }],
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process'], message: 'No Node modules in the renderer or the contract.' },
            { group: ['**/main/**'], message: 'The renderer talks to main only through the contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bench/**'],
    ignores: ['bench/test-kit.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['**/test/**'], message: 'bench/ borrows test code only through bench/test-kit.ts.' }] },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
