import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthConfig } from '@mcp-host/config';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './Authenticator.js';

const ISSUER = 'https://id.example.com';
const RESOURCE = 'https://mcp.example.com/mcp';
const SERVICE_TOKEN = 'svc-token-0123456789abcdef';

describe('Authenticator', () => {
  let dir: string;
  let auth: Authenticator;
  let jwt: (sub: string) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    dir = mkdtempSync(join(tmpdir(), 'mcp-host-authenticator-'));
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
    jwt = (sub) =>
      new SignJWT({ scope: 'notes:read' })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(RESOURCE)
        .setSubject(sub)
        .setExpirationTime('5m')
        .sign(privateKey);
    const config = {
      jwt: { issuer: ISSUER, jwksFile, algorithms: ['ES256'], clockToleranceSec: 30, jwksCooldownSec: 30, rolesClaim: 'roles' },
      serviceTokens: [{ name: 'ci-bot', sha256: createHash('sha256').update(SERVICE_TOKEN).digest('hex'), scopes: ['notes:read'], roles: ['ops'] }],
      anonymous: true,
    } as unknown as AuthConfig;
    auth = await Authenticator.create(config, RESOURCE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a JWT whose subject is a service token name is another principal', async () => {
    const service = (await auth.authenticate(`Bearer ${SERVICE_TOKEN}`)).principal!;
    const token = (await auth.authenticate(`Bearer ${await jwt('ci-bot')}`)).principal!;
    expect(service).toEqual({ id: 'service:ci-bot', source: 'service', subject: 'ci-bot', scopes: ['notes:read'], roles: ['ops'] });
    expect(token).toEqual({ id: `jwt:${ISSUER}#ci-bot`, source: 'jwt', subject: 'ci-bot', issuer: ISSUER, scopes: ['notes:read'], roles: [] });
  });

  it('a JWT whose subject is "anonymous" is not the anonymous principal', async () => {
    const anonymous = (await auth.authenticate(undefined)).principal!;
    const token = (await auth.authenticate(`Bearer ${await jwt('anonymous')}`)).principal!;
    expect(anonymous.id).toBe('anonymous');
    expect(token.id).toBe(`jwt:${ISSUER}#anonymous`);
  });

  it('refuses an issuer with a fragment, which would make JWT principal ids ambiguous', async () => {
    const config = { jwt: { issuer: 'https://id.example.com#x', jwksFile: join(dir, 'jwks.json'), algorithms: ['ES256'] }, serviceTokens: [] } as unknown as AuthConfig;
    await expect(Authenticator.create(config, RESOURCE)).rejects.toThrow(/auth\.jwt\.issuer "https:\/\/id\.example\.com#x": an issuer identifier has no fragment/);
  });
});
