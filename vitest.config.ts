import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'grammar/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Child-process tests spawn real `sluice` processes; two workers keep a 2-core box responsive.
    maxWorkers: 2,
  },
});
