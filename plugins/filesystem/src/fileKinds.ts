import path from 'node:path';

const MIME: Record<string, string> = {
  '.txt': 'text/plain', '.md': 'text/markdown', '.markdown': 'text/markdown', '.csv': 'text/csv', '.tsv': 'text/tab-separated-values',
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.ts': 'text/x-typescript', '.json': 'application/json',
  '.yaml': 'application/yaml', '.yml': 'application/yaml', '.toml': 'application/toml', '.sh': 'text/x-shellscript', '.py': 'text/x-python',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.pdf': 'application/pdf', '.zip': 'application/zip', '.gz': 'application/gzip', '.tar': 'application/x-tar', '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.mp4': 'video/mp4',
};

/** A mime type guessed from the file name; `text/plain` or `application/octet-stream` when unknown. */
export function mimeTypeOf(file: string, binary: boolean): string {
  return MIME[path.extname(file).toLowerCase()] ?? (binary ? 'application/octet-stream' : 'text/plain');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of `bytes` when they are UTF-8 text, else undefined (binary). A NUL byte in the first
 * 8 KiB marks binary, as git and grep decide. A part read with offset/length may start or end in
 * the middle of a character: up to 3 bytes at either end are then decoded leniently.
 */
export function decodeText(bytes: Uint8Array, partial = false): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    if (!partial) return undefined;
  }
  let start = 0;
  while (start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  for (let end = bytes.length; end >= bytes.length - 3 && end > start; end--) {
    try {
      utf8.decode(bytes.subarray(start, end));
      return new TextDecoder().decode(bytes);
    } catch {
      // try a shorter tail
    }
  }
  return undefined;
}
