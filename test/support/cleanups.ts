/** Clean-ups a test registers as it starts things, run newest first after each test. */
import { afterEach } from "vitest";

export type Cleanups = (() => Promise<void> | void)[];

/** A list of cleanups that runs (newest first) after each test of the file. */
export function cleanupsAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}
