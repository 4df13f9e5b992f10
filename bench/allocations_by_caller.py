#!/usr/bin/env python3
"""Allocations by caller, from a callgrind profile.

  bench/allocations_by_caller.py CALLGRIND_OUT [N]

Sums the calls to `operator new` and `malloc` that each function makes
itself (inlined code counts in the function it was inlined into) and prints
the N largest (25), most first. Take the profile around the path in
question, e.g. the parse alone:

  OCR_BENCHMARK_ITERATIONS=300 valgrind --tool=callgrind \\
      --toggle-collect='cncert::ParseBulletin*' --callgrind-out-file=cg.out \\
      build/release/bench/ocr_benchmark DIR --benchmark_filter=Cached

and divide by the number of parses (here 301: one warms up).
"""
import collections
import re
import sys

ALLOCATORS = {"operator new(unsigned long)", "malloc"}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    names = {}  # callgrind names a function once, then by "(id)"

    def name(token):
        m = re.match(r"\((\d+)\)(?: (.*))?", token)
        if not m:
            return token
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "?")

    counts = collections.Counter()
    fn = callee = None
    with open(sys.argv[1], errors="replace") as profile:
        for line in profile:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn, callee = name(line[3:]), None
            elif line.startswith("cfn="):
                callee = name(line[4:])
            elif line.startswith("calls=") and callee is not None:
                if callee in ALLOCATORS and fn not in ALLOCATORS:
                    counts[fn] += int(line[6:].split()[0])
                callee = None
    for function, calls in counts.most_common(top):
        print(f"{calls:10d}  {function[:160]}")


if __name__ == "__main__":
    main()
