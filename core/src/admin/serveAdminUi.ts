import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The admin UI's built files: `dist` of the @mcp-host/admin-ui package, found by module resolution so it works from any cwd and when installed. */
export function adminUiDist(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@mcp-host/admin-ui/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The UI's page loads only what it was built with, from this listener; it connects only here, may
 * not be framed, and sends no referrer (an admin URL says where the admin listener is).
 */
const UI_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Serves the admin UI's static files at /admin/ without authentication: they hold no data (the
 * page asks for the admin token and sends it with each API call). Without a build (`pnpm build`
 * not run) /admin/ says so instead of a 404.
 */
export function serveAdminUi(app: FastifyInstance, dist = adminUiDist()): void {
  app.get('/admin', (_req, reply) => void reply.redirect('/admin/', 301));
  void app.register(async (ui) => {
    ui.addHook('onSend', async (_req, reply, payload) => {
      reply.headers(UI_HEADERS);
      return payload;
    });
    if (!dist) {
      ui.get('/admin/', (_req, reply) => void reply.code(503).type('text/plain').send('The admin UI is not built: run `pnpm build` (it builds admin-ui/dist).'));
      return;
    }
    // index.html is never cached (it names the hashed assets of the current build); the assets may be.
    await ui.register(fastifyStatic, {
      root: dist, prefix: '/admin/', index: 'index.html', wildcard: true, dotfiles: 'deny', cacheControl: false,
      setHeaders: (reply, path) => void reply.header('cache-control', path.endsWith('.html') ? 'no-store' : 'public, max-age=3600'),
    });
  });
}
