import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfigSchema } from '@mcp-host/config';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAuth } from './AdminAuth.js';

const TOKEN = 'unit-admin-token';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'https://mcp.example/mcp';

let dir: string;
let privateKey: CryptoKey;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-auth-'));
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function authOf(config: Record<string, unknown>): AdminAuth {
  const c = hostConfigSchema.parse(config);
  return new AdminAuth({ admin: c.admin!, auth: c.auth, resource: () => undefined });
}

const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('ops-1').setIssuedAt().setExpirationTime('5m').sign(privateKey);

describe('AdminAuth', () => {
  it('is off (403, naming the keys) when no admin is configured, and says when admin.scope lacks auth.jwt', async () => {
    const none = await authOf({ admin: {} }).check(`Bearer ${TOKEN}`);
    expect(none).toMatchObject({ ok: false, status: 403, error: expect.stringContaining('admin.tokenSha256') });
    const half = await authOf({ admin: { scope: 'mcp:admin' } }).check(`Bearer ${TOKEN}`);
    expect(half).toMatchObject({ ok: false, status: 403, error: expect.stringContaining('auth.jwt is not') });
  });

  it('accepts a token whose SHA-256 is listed, whatever the hex case, and names it by the hash prefix', async () => {
    const auth = authOf({ admin: { tokenSha256: [sha('other'), sha(TOKEN).toUpperCase()] } });
    expect(await auth.check(`Bearer ${TOKEN}`)).toMatchObject({ ok: true, principal: { id: `service:admin-token-${sha(TOKEN).slice(0, 12)}` } });
    expect(await auth.check(`bearer   ${TOKEN}`)).toMatchObject({ ok: true });
    for (const header of [undefined, '', 'Bearer', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN} extra`]) {
      const v = await auth.check(header);
      expect(v, String(header)).toMatchObject({ ok: false, status: 401, challenge: expect.stringMatching(/^Bearer realm="mcp-host admin"/) });
    }
  });

  it('accepts a JWT of auth.jwt carrying admin.scope; refuses one without it (403 insufficient_scope) or from elsewhere (401)', async () => {
    const auth = authOf({ admin: { scope: 'mcp:admin' }, auth: { jwt: { issuer: ISSUER, audience: AUDIENCE, jwksFile: join(dir, 'jwks.json') } } });
    expect(await auth.check(`Bearer ${await jwt({ scope: 'read mcp:admin' })}`)).toMatchObject({ ok: true, principal: { id: `jwt:${ISSUER}#ops-1` } });
    expect(await auth.check(`Bearer ${await jwt({ scope: 'read' })}`)).toMatchObject({ ok: false, status: 403, challenge: expect.stringContaining('insufficient_scope') });
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', scope: 'mcp:admin', exp: 9e9 })).toString('base64url')}.`;
    expect(await auth.check(`Bearer ${forged}`)).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check('Bearer opaque-token')).toMatchObject({ ok: false, status: 401 });
  });
});
