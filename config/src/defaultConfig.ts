import { fileURLToPath } from 'node:url';

/**
 * The configuration used when no file is given: the two example plugins from this repository, so
 * that `mcp-host` run bare serves something, and the first-party plugins that are safe without any
 * configuration: filesystem (the working folder, read-only) and tasks (no commands until some are
 * configured). The database and http plugins need a config section to do anything, so they are not
 * loaded by default. It is built from this module's own URL rather than
 * from the cwd so that it works wherever the host is started from; the compiled module lives in
 * `config/dist/` (and the source in `config/src/`), so `../../plugins` is the repository's
 * `plugins/` folder in both cases.
 *
 * Returns a fresh raw (unvalidated) object on every call, to be layered like a config file.
 */
export function embeddedDefaultConfig(): unknown {
  return {
    plugins: {
      paths: [
        fileURLToPath(new URL('../../plugins/example-notes', import.meta.url)),
        fileURLToPath(new URL('../../plugins/example-plain', import.meta.url)),
        fileURLToPath(new URL('../../plugins/filesystem', import.meta.url)),
        fileURLToPath(new URL('../../plugins/tasks', import.meta.url)),
      ],
    },
  };
}
