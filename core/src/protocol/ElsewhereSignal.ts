/**
 * Thrown by a method handler when what the request names lives on another replica (a task id
 * carries the replica that keeps it): the engine hands the request to that replica instead.
 */
export class ElsewhereSignal extends Error {
  constructor(readonly replica: string) {
    super(`held by replica ${replica}`);
  }
}

/** The replica named at the end of an id (`<id>@<replica>`), when it is not `self`. */
export function replicaOf(id: string, self: string): string | undefined {
  const at = id.lastIndexOf('@');
  const replica = at === -1 ? undefined : id.slice(at + 1);
  return replica && replica !== self ? replica : undefined;
}
