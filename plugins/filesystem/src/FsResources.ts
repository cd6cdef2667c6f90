import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, McpError, ResourceNotFoundError, ResourceTemplate, inject, injectable, type ResourceContentsEntry } from '@mcp-host/sdk';
import { FS_SETTINGS, type FilesystemSettings } from './config.js';
import { decodeText, mimeTypeOf } from './fileKinds.js';
import { PathGuard, PathNotFoundError, PathRefusedError } from './PathGuard.js';
import { TooLargeError, readBytes } from './readBytes.js';
import { entryType } from './walk.js';

const MAX_COMPLETIONS = 100;

/**
 * Files under the roots as `file://` resources. Reading a file gives its text (or a base64 blob); a
 * folder gives a JSON listing. Clients subscribe to the URI the plugin announces, which is the
 * file's real path as a `file://` URL (tools return it as `uri`).
 */
@injectable()
export class FsResources {
  constructor(
    private readonly guard: PathGuard,
    @inject(FS_SETTINGS) private readonly settings: FilesystemSettings,
  ) {}

  @ResourceTemplate({
    uriTemplate: 'file://{+path}',
    name: 'file',
    title: 'File',
    description: 'A file or folder under the configured roots (file:///absolute/path). Subscribe to get notifications/resources/updated when it changes.',
    complete: { path: 'completePath' },
  })
  async file(uri: string): Promise<ResourceContentsEntry> {
    try {
      const target = await this.guard.resolve(uri, 'read');
      if ((await stat(target.path)).isDirectory()) {
        const entries = (await readdir(target.path, { withFileTypes: true })).slice(0, this.settings.maxListEntries);
        const listing = entries.map((d) => ({ name: d.name, type: entryType(d), uri: pathToFileURL(path.join(target.path, d.name)).href }));
        return { uri, mimeType: 'application/json', text: JSON.stringify(listing, null, 2) };
      }
      const { bytes } = await readBytes(target.path, uri, this.settings.maxReadBytes);
      const text = decodeText(bytes);
      const mimeType = mimeTypeOf(target.path, text === undefined);
      return text !== undefined ? { uri, mimeType, text } : { uri, mimeType, blob: bytes.toString('base64') };
    } catch (e) {
      if (e instanceof PathNotFoundError) throw new ResourceNotFoundError(uri);
      // Refusals and size limits are about the request, not a server fault: the client gets the reason.
      if (e instanceof PathRefusedError || e instanceof TooLargeError) throw new McpError(ErrorCode.InvalidParams, e.message, { uri });
      throw e;
    }
  }

  /** Completes `path`: the roots when nothing is typed yet, else the entries of the folder typed so far. */
  async completePath(value: string): Promise<string[]> {
    const roots = this.guard.configuredRoots.map((r) => r.real);
    if (!value.startsWith('/') && !path.isAbsolute(value)) return roots.filter((r) => r.startsWith(value) || value === '');
    const dir = value.endsWith('/') ? value : path.dirname(value);
    const prefix = value.endsWith('/') ? '' : path.basename(value);
    try {
      const guarded = await this.guard.resolve(dir, 'read');
      const entries = await readdir(guarded.path, { withFileTypes: true });
      return entries
        .filter((d) => d.name.startsWith(prefix))
        .slice(0, MAX_COMPLETIONS)
        .map((d) => path.join(dir, d.name) + (d.isDirectory() ? '/' : ''));
    } catch {
      return roots.filter((r) => r.startsWith(value));
    }
  }
}
