// Where the bench's own servers and plugins are.
import { fileURLToPath } from 'node:url';

export const serverScript = (name) => fileURLToPath(new URL(`../servers/${name}.mjs`, import.meta.url));
export const pluginDir = (name) => fileURLToPath(new URL(`../plugins/${name}`, import.meta.url));
