/** @module Host (wall) waits for tools that pace real traffic (`llmsim bench`): never simulated time, never the engine's. */

/** Resolves after `ms` wall milliseconds. */
export function waitWallMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
