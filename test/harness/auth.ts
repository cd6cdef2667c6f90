/**
 * Auth fixtures for end-to-end tests: signing keys generated per run, JWTs signed with them, a JWKS
 * served over real HTTP on 127.0.0.1 (its key set can be rotated), and config files.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  /** The public half, as published in a JWKS. */
  readonly jwk: JWK;
}

export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

export const jwks = (...keys: SigningKey[]) => ({ keys: keys.map((k) => k.jwk) });

export interface TokenOptions {
  readonly issuer?: string;
  readonly audience?: string | string[];
  readonly subject?: string;
  /** Seconds from now (negative: in the past). */
  readonly expiresIn?: number;
  readonly notBefore?: number;
  readonly kid?: string | null;
  readonly claims?: JWTPayload;
}

/** A JWT signed by `key` (kid in the header unless `kid: null`). */
export async function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', ...(options.kid === null ? {} : { kid: options.kid ?? key.kid }) })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key.privateKey);
}

/** An unsigned token (`alg: none`), as an attacker would forge one. */
export function unsignedToken(payload: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

export interface JwksServer {
  readonly url: string;
  /** How many times the key set was fetched. */
  readonly fetches: () => number;
  /** Serves another key set from now on (key rotation). */
  setKeys(keys: { keys: JWK[] }): void;
  close(): Promise<void>;
}

/** Serves a JWKS on 127.0.0.1 (a real issuer's jwks_uri). */
export async function startJwksServer(keys: { keys: JWK[] }): Promise<JwksServer> {
  let body = JSON.stringify(keys);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => count,
    setKeys: (k) => void (body = JSON.stringify(k)),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export const sha256Hex = (token: string) => createHash('sha256').update(token).digest('hex');

/** A temp folder with `config.json` holding `config` (JSON is YAML too); returns the file and a remover. */
export function writeConfig(config: unknown, files: Record<string, string> = {}): { file: string; dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-host-auth-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * An SDK 1.x client calling with a bearer token, recording the time of each tools/list_changed it
 * hears; resolves once its GET stream is open (so no notification sent after it is missed).
 */
export async function connectWithToken(url: string, token: string, name = 'auth-e2e'): Promise<{ client: Client; transport: StreamableHTTPClientTransport; toolsChanged: number[] }> {
  let opened!: () => void;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const spy = async (input: string | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && res.status === 200) opened();
    return res;
  };
  const client = new Client({ name, version: '1.0.0' }, { capabilities: {} });
  const toolsChanged: number[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void toolsChanged.push(Date.now()));
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: spy, requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  await streamOpen;
  return { client, transport, toolsChanged };
}
