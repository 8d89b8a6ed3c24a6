// ESLint for the web app: correctness only; layout is Prettier's job (eslint-config-prettier, last, turns off every
// rule that would fight it). `npm run lint` runs both; README.md "Lint and format" explains the choices.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import { withVueTs, vueTsConfigs } from '@vue/eslint-config-typescript';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';

export default withVueTs(
  { ignores: ['dist/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  pluginVue.configs['flat/recommended'],
  // Type-aware (the compiler's view of src/ and tests/ through tsconfig): catches promises nobody awaits or
  // handles, awaits of non-promises, `any` leaking into typed code.
  vueTsConfigs.recommendedTypeChecked,
  {
    files: ['**/*.vue'],
    rules: {
      // Props are declared by type; an optional one (`error?: string`) is `undefined` when absent and the type
      // checker makes every use handle that, so a default would only repeat `undefined`.
      'vue/require-default-prop': 'off',
    },
  },
  {
    // Plain Node/browser scripts outside any tsconfig: no type information, so no type-aware rules.
    files: ['**/*.js', '**/*.mjs'],
    extends: [vueTsConfigs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The end-to-end run passes functions to page.evaluate/waitForFunction; they run in the browser.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  prettier,
);
