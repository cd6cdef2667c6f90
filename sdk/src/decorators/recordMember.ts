import 'reflect-metadata';

/** One decorated method, as recorded on its class: which method, and the options given to the decorator. */
export interface MemberRecord<O> {
  readonly method: string;
  readonly options: O;
}

/**
 * Appends a record to the class's list under `key`. Decorators only record data; the host's scanner
 * reads it when it loads the plugin (nothing is registered by side effect).
 */
export function recordMember<O>(key: symbol, target: object, method: string | symbol, options: O): void {
  if (typeof method !== 'string') throw new TypeError('mcp-host decorators apply to methods with string names');
  const ctor = (target as { constructor: object }).constructor;
  const own: MemberRecord<O>[] = Reflect.hasOwnMetadata(key, ctor) ? Reflect.getOwnMetadata(key, ctor) : [...(Reflect.getMetadata(key, ctor) ?? [])];
  own.push({ method, options });
  Reflect.defineMetadata(key, own, ctor);
}

/** Reads the records of one kind from a class (including inherited ones). */
export function readMembers<O>(key: symbol, ctor: object): readonly MemberRecord<O>[] {
  return (Reflect.getMetadata(key, ctor) as MemberRecord<O>[] | undefined) ?? [];
}
