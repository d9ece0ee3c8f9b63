/**
 * One contract suite: its subject (a fake, or an adapter on the local servers) is made once before
 * the tests and, when given, seeded; each test reads it through `subject`.
 */
import { beforeAll, describe } from 'vitest';

export function contractSuite<T extends object>(title: string, make: () => Promise<T>, tests: (subject: T) => void, seed?: (subject: T) => Promise<void>): void {
  describe(title, () => {
    let made: T | undefined;
    beforeAll(async () => {
      made = await make();
      await seed?.(made);
    }, 60_000);
    const subject = new Proxy({} as T, {
      get(_target, key) {
        if (!made) throw new Error(`${title}: the subject is used before it is made`);
        const value: unknown = Reflect.get(made, key, made);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(made) : value;
      },
    });
    tests(subject);
  });
}
