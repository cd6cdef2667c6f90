import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const isWindows = process.platform === 'win32';

/** True when runs get their own process group (POSIX): spawn them detached so the group can be signalled. */
export const OWN_PROCESS_GROUP = !isWindows;

/**
 * Signals the whole process tree of `child`: on POSIX its process group (the child was spawned
 * detached, so it leads one, and its children and grandchildren are in it unless they left it);
 * on Windows `taskkill /T /F`. A group that is already gone is fine.
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  if (isWindows) {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** True while any process of the child's group is alive (always false on Windows, which has no groups). */
export function groupAlive(child: ChildProcess): boolean {
  if (isWindows || child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux' ? hasLivingMember(child.pid) : true;
}

/**
 * Linux: whether a process of group `pgid` is more than a zombie. A killed grandchild stays in the
 * group as a zombie until the system's reaper collects it (a second or more in some containers);
 * it is dead for our purposes, so waiting for it would only delay the result.
 */
function hasLivingMember(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // After the command name in parentheses: state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}
