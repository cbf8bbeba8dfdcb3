import {defineConfig} from "vitest/config";

// Only tests/**: src/lib is a symlink to lib/, and a wider glob would run every test twice.
// Two projects: unit tests, and browser tests whose global setup builds and serves the site
// (it runs only when a browser test file is selected, so `vitest run tests/x.test.ts` stays fast).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/browser/**", "**/node_modules/**"]
        }
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          globalSetup: ["tests/browser/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000
        }
      }
    ]
  }
});
