// ESLint for our own JavaScript (ES modules in the browser, their unit tests under Node); `make lint`
// runs it. Vendored libraries are npm's to check, not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "static/vendor/", "var/", ".venv/", "test-artifacts/"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js", "businesses/static/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
  {
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "error",
      "prefer-const": "error",
      "no-unused-vars": ["error", { args: "after-used" }],
    },
  },
];
