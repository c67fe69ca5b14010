#!/usr/bin/env python3
"""Runs one command as a child process and reports its wall time and peak resident memory, measured the same way
for every side of `medcam bench e2e`: fork + exec, then wait4(2), whose rusage.ru_maxrss is the child's own peak RSS
(Linux: KiB). The wall time is taken around fork/exec/wait4 only, so this wrapper's own start is not counted.
The child's CPU time (user + system, from the same rusage) is reported too: on a shared, loaded machine it moves far
less than the wall time. The child's stdout and stderr pass through; the figures go to RESULT_JSON as
{"seconds", "cpu_seconds", "max_rss_kb", "exit_code"}.

Usage: measure_process.py RESULT_JSON COMMAND [ARGS...]
"""
import json
import os
import sys
import time


def main():
    result, argv = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(result, "w") as f:
        json.dump({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_kb": usage.ru_maxrss,
                   "exit_code": code}, f)
    sys.exit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
