/**
 * ts-mls's crypto interfaces are promise-based while node:crypto is synchronous. `settle` runs the
 * synchronous work and returns its promise without an async function (which lint would flag for
 * having no await); a throw becomes a rejection, as it would in an async function.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
