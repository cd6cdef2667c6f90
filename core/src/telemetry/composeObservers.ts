import type { Catalog } from '../catalog/Catalog.js';
import type { CallScope } from '../protocol/CallScope.js';
import type { CallObserver } from '../protocol/ports/ObservePorts.js';

/**
 * One observer from several (metrics, traces): the first listed is outermost. None gives
 * undefined, so a host that watches nothing keeps the engine's observer-free path; one is
 * returned as it is, so a single observer costs no extra closure per call.
 */
export function composeObservers(observers: ReadonlyArray<CallObserver | undefined>): CallObserver | undefined {
  const present = observers.filter((o): o is CallObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return {
    around<T>(call: CallScope, catalog: Catalog, run: () => Promise<T>): Promise<T> {
      let next = run;
      for (let i = present.length - 1; i > 0; i--) {
        const inner = next;
        const observer = present[i]!;
        next = () => observer.around(call, catalog, inner);
      }
      return present[0]!.around(call, catalog, next);
    },
  };
}
