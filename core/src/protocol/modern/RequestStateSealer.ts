import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a sealed `requestState` carries between rounds of one modern request. */
export interface RequestStatePayload {
  /** Answers gathered in earlier rounds, by input key. */
  readonly answers: Record<string, unknown>;
  /** Keys asked in the round that produced this state: only these are accepted as new answers. */
  readonly asked: string[];
  /** The principal the state belongs to. */
  readonly principal: string;
  /** Digest of the originating request (method, target, arguments). */
  readonly digest: string;
  /** Expiry, epoch ms. */
  readonly exp: number;
}

/** Why a presented state was refused. */
export class RequestStateError extends Error {}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Seals and opens `requestState`. The client holds the state, so it is attacker-controlled: it is
 * HMAC-SHA256-signed with a host secret, bound to the principal and to a digest of the original
 * request, and expires. Opening checks all four.
 */
export class RequestStateSealer {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
  ) {
    // Without a configured secret, states are valid for this process only (a restart invalidates them).
    this.key = secret ? createHash('sha256').update(secret).digest() : randomBytes(32);
  }

  static digest(method: string, params: Record<string, unknown>): string {
    const target = method === 'resources/read' ? params.uri : params.name;
    return createHash('sha256').update(stableStringify([method, target, params.arguments ?? null])).digest('base64url');
  }

  seal(payload: Omit<RequestStatePayload, 'exp'>, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ ...payload, exp: now + this.ttlMs })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  open(state: unknown, principal: string, digest: string, now = Date.now()): RequestStatePayload {
    if (typeof state !== 'string') throw new RequestStateError('requestState must be a string');
    const dot = state.indexOf('.');
    const body = state.slice(0, dot);
    const sig = Buffer.from(state.slice(dot + 1));
    const expected = Buffer.from(this.sign(body));
    if (dot <= 0 || sig.length !== expected.length || !timingSafeEqual(sig, expected)) throw new RequestStateError('requestState failed verification (tampered, or issued by another host)');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as RequestStatePayload;
    if (payload.exp < now) throw new RequestStateError('requestState has expired; send the request again without it');
    if (payload.principal !== principal) throw new RequestStateError('requestState belongs to another principal');
    if (payload.digest !== digest) throw new RequestStateError('requestState belongs to a different request (method, name or arguments changed)');
    return payload;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
