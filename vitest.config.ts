import {defineConfig} from "vitest/config";

// Only tests/**: src/lib is a symlink to lib/, and a wider glob would run every test twice.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
});
