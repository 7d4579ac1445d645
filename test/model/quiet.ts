/**
 * Jest hooks of the files that run the model: virtual time, and the handler's JSON log lines (the
 * drift checks write theirs whatever the log level) kept off the output.
 */
import { useVirtualTime } from '../support/virtual-time';

export function useModelHooks(): void {
  useVirtualTime();
  let restore: (() => void) | undefined;
  beforeEach(() => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
      (String(chunk).startsWith('{') && !process.env.MODEL_LOGS ? true : (write as any)(chunk, ...rest))) as typeof process.stdout.write;
    restore = () => (process.stdout.write = write as typeof process.stdout.write);
  });
  afterEach(() => restore?.());
}
