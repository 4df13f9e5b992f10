#!/usr/bin/python3
"""How many catalogue figures `parse` gets right, wrong and misses on
WeChat-style bulletins whose sections stand only in images.

Usage: ocr_accuracy.py EXPORTER DIR [--verbose] [--cache DIR] [-- PARSE_ARGS...]

DIR holds NAME.md, NAME_files/ and NAME.expected.json, as
tests/fixtures/images/make_images.py makes them. Each bulletin is parsed
with `EXPORTER parse --output json --provenance`, as users and outside checks
run it, and its values compared with the expected ones: a value equal to the
expected is right, one that differs or is not expected at all is wrong, an
expected one absent is missing. `--cache` keeps the OCR results between
runs (to compare parse options such as --ocr.min-confidence without reading
the images again); arguments after `--` go to `parse`. Prints a line per visual style and the
totals, with the goals (>= 90 % right, <= 2 % wrong).
"""

import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    exporter, directory = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    verbose = "--verbose" in args
    files = sorted(glob.glob(os.path.join(directory, "*.md")))
    by_style = collections.defaultdict(lambda: [0, 0, 0, 0])  # expected, right, wrong, missing
    cache = args[args.index("--cache") + 1] if "--cache" in args else tempfile.mkdtemp(prefix="ocr_cache_")
    start = time.monotonic()
    images = 0
    for md in files:
        expected = json.load(open(md[:-3] + ".expected.json"))
        out = subprocess.run([exporter, "parse", "--output", "json", "--provenance",
                              "--ocr.cache", cache, *extra, md],
                             capture_output=True, text=True)
        got = json.loads(out.stdout)[0]
        images += len(glob.glob(md[:-3] + "_files/*"))
        stats = by_style[expected["style"]]
        values = got.get("values", {})
        for key, want in expected["values"].items():
            stats[0] += 1
            if key not in values:
                stats[3] += 1
                if verbose:
                    print(f"MISSING {os.path.basename(md)} {key} = {want}")
            elif abs(values[key] - want) > 1e-9:
                stats[2] += 1
                print(f"WRONG   {os.path.basename(md)} {key} = {values[key]}, expected {want}"
                      f"  [{got.get('provenance', {}).get(key, {}).get('image_line', '')}]")
            else:
                stats[1] += 1
        for key in values:
            if key not in expected["values"]:
                stats[2] += 1
                print(f"WRONG   {os.path.basename(md)} {key} = {values[key]} (not stated)")
        if verbose:
            for w in got.get("warnings", []):
                print(f"  warning {os.path.basename(md)}: {w}")
    seconds = time.monotonic() - start
    total = [0, 0, 0, 0]
    print(f"{'style':10} {'figures':>8} {'right':>7} {'wrong':>7} {'missing':>8}")
    for style, s in sorted(by_style.items()):
        print(f"{style:10} {s[0]:8} {100 * s[1] / s[0]:6.1f}% {100 * s[2] / s[0]:6.1f}% {100 * s[3] / s[0]:7.1f}%")
        total = [a + b for a, b in zip(total, s)]
    if total[0]:
        print(f"{'all':10} {total[0]:8} {100 * total[1] / total[0]:6.1f}% {100 * total[2] / total[0]:6.1f}% "
              f"{100 * total[3] / total[0]:7.1f}%   (goals: right >= 90%, wrong <= 2%)")
        print(f"{len(files)} bulletins, {images} images, {seconds:.1f} s: "
              f"{seconds / max(images, 1):.2f} s per image (OCR, no cache)")


if __name__ == "__main__":
    main()
