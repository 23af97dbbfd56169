/**
 * Runs `pass` after `firstMs` and then every `intervalMs`, on timers that do
 * not keep the process alive. A pass still running when the next is due is
 * not started twice; a failed one goes to `onError` and the next tries again.
 * Returns the function that stops it.
 */
export function runPeriodically(
  pass: () => Promise<unknown>,
  firstMs: number,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  let running = false;
  const run = (): void => {
    if (running) {
      return;
    }
    running = true;
    pass()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(run, firstMs);
  first.unref();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
