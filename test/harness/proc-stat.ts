/**
 * The processes of this machine as /proc describes them (Linux only): what the
 * harness needs to tell a process group's live members and the benches to add
 * up the CPU of the servers they started.
 */
import { readFileSync, readdirSync } from "node:fs";

/** One process's line of /proc/<pid>/stat, the fields used here. */
export interface ProcStat {
  pid: number;
  /** One letter: R running, S sleeping, Z zombie, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** User plus system CPU time so far, in clock ticks (USER_HZ, 100 a second on Linux). */
  cpuTicks: number;
}

/** Every process /proc lists now; those that end while it is read are left out. */
export function procStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "latin1");
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, … utime (12th), stime (13th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    stats.push({
      pid: Number(entry),
      state: fields[0] ?? "",
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    });
  }
  return stats;
}
