// Lint rules the whole workspace keeps. Formatting is Prettier's (see .prettierrc.json);
// unused exports are found by knip (knip.json). Type-aware rules use the project service so
// that a promise left floating anywhere (a send, a close, a socket bind) is an error.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Walking up from `this` (a conduit's parents) and handing `this` to a State literal are the
      // two uses we have; neither hides what `this` is.
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
