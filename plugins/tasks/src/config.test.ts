import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_INHERITED_ENV, resolveTasksConfig } from './config.js';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'tasks-config-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('resolveTasksConfig', () => {
  it('an empty or missing section means no tasks', async () => {
    expect(await resolveTasksConfig(undefined, scratch)).toEqual([]);
    expect(await resolveTasksConfig({}, scratch)).toEqual([]);
  });

  it('fills the documented defaults and makes the folder absolute', async () => {
    const [task] = await resolveTasksConfig({ tasks: { lint: { command: 'npm', args: ['run', 'lint'] } } }, scratch);
    expect(task).toEqual({
      name: 'lint', command: 'npm', args: ['run', 'lint'], params: {}, cwd: scratch, env: {}, inheritEnv: [...DEFAULT_INHERITED_ENV],
      timeoutMs: 30_000, maxConcurrent: 1, tailLines: 50, killGraceMs: 2000, useWorkingFolder: false,
    });
  });

  it('names every problem: unknown keys, bad names, placeholders, patterns, defaults, folders', async () => {
    const err = await resolveTasksConfig({ tasks: { 'bad name!': { command: 'x' }, ok: { command: 'x', bogus: 1 } } }, scratch).catch((e) => e);
    expect(err.message).toMatch(/^invalid tasks config: /);
    expect(err.message).toContain('task names become tool names');
    expect(err.message).toContain('bogus');

    const err2 = await resolveTasksConfig(
      {
        tasks: {
          t: {
            command: 'run-{{x}}',
            args: ['{{missing}}', '{{p}}', '{{n}}'],
            params: { p: { pattern: '([' }, n: { type: 'integer', default: 'three', pattern: 'x' }, unused: {} },
            cwd: 'nope',
          },
        },
      },
      scratch,
    ).catch((e) => e);
    for (const part of [
      'tasks.t.command: is fixed',
      'tasks.t.args: {{missing}} names no parameter',
      'tasks.t.params.unused: not used in args',
      'tasks.t.params.p.pattern: not a valid regular expression',
      'tasks.t.params.n.pattern: only for type "string"',
      'tasks.t.params.n.default: must be of type "integer"',
      `tasks.t.cwd: ${path.join(scratch, 'nope')} is not an existing folder`,
    ]) {
      expect(err2.message).toContain(part);
    }
  });
});
