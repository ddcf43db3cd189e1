/** What the experiment tests (tests/unit/*-experiments.test.ts and the MNIST pages' tests) share. */

/** A signal no one aborts: the run goes to its end. */
export const signal = new AbortController().signal;

/**
 * The last snapshot of a run, structured-cloned as the worker transport would send it (so it holds nothing a
 * page could not receive, and later snapshots cannot change it).
 */
export async function last<S>(it: AsyncIterable<S>): Promise<S> {
  let final: S | undefined;
  for await (const s of it) final = structuredClone(s);
  return final!;
}
