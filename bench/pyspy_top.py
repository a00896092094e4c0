#!/usr/bin/env python3
"""Top functions by self time in a py-spy raw (collapsed stacks) profile of ringto.

Splits the samples into the event-loop thread (stacks through uvloop's `Runner.run`) and
the other threads (the record writer), leaving out the writer idling on its queue.
Used by bench/profile.sh and bench/media.sh (PROFILE=1).
"""

import sys
from collections import Counter
from pathlib import Path


def main(path: str, top: int = 12) -> None:
    loop, other = Counter(), Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, n = line.rstrip().rpartition(" ")
        frames, n = stack.split(";"), int(n)
        if "Runner.run" not in stack and "_get (" in frames[-1]:
            continue  # the writer waiting for work
        (loop if "Runner.run" in stack else other)[frames[-1].split(" (")[0]] += n
    for name, table in (("event-loop thread", loop), ("other threads (record writer)", other)):
        print(f"\n{name}: {sum(table.values())} busy samples; top functions (self time):")
        for func, n in table.most_common(top):
            print(f"  {100 * n / max(1, sum(table.values())):5.1f}%  {func}")


if __name__ == "__main__":
    main(sys.argv[1])
