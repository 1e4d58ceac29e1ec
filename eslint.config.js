import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'uploads/**',
      'test-output/**',
      'client/dist/**',
      'client/dist-ssr/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Modules meet only at each other's front door (modules/<domain>/index.ts).
    files: ['server/modules/**/*.ts'],
    ignores: ['server/modules/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$).+',
              message: "Import another module through its front door: '../<domain>/index.js'.",
            },
          ],
        },
      ],
    },
  },
  {
    // The cross-cutting layer knows no domain: the module list is handed to startServer().
    files: ['server/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)modules(/|$)', message: 'server/core must not import a module.' }] },
      ],
    },
  },
  {
    // The engine's wire decoding handles untyped BSON; each `any` there is at that boundary.
    files: ['server/db/embedded/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
