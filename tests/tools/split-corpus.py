#!/usr/bin/env python3
# Splits a labelled corpus file into a tuning part and a held-out part, once,
# before anyone tunes on it.
#
# Usage: split-corpus.py FILE.jsonl TUNEDIR HELDOUTDIR
#
# Within each group of lines that share a first category, the lines are
# ordered by the SHA-256 of their text and the first ceil(35 %) of the group
# go to HELDOUTDIR/FILE, the rest to TUNEDIR/FILE.  The split depends on
# nothing but the texts, so anyone can re-run it and get the same files; it
# is stratified, so every category is in both parts.  The held-out files are
# never opened while tuning: `make eval` prints their figures only.
import hashlib
import json
import math
import os
import sys

HELDOUT_SHARE = 0.35


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: split-corpus.py FILE.jsonl TUNEDIR HELDOUTDIR")
    src, tunedir, helddir = sys.argv[1:]
    groups = {}
    with open(src, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            key = obj["category"][0]
            digest = hashlib.sha256(obj["text"].encode("utf-8")).hexdigest()
            groups.setdefault(key, []).append((digest, line.rstrip("\n")))
    tune, held = [], []
    for key in sorted(groups):
        rows = sorted(groups[key])
        k = math.ceil(len(rows) * HELDOUT_SHARE)
        held += [r[1] for r in rows[:k]]
        tune += [r[1] for r in rows[k:]]
    name = os.path.basename(src)
    for d, rows in ((tunedir, tune), (helddir, held)):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
    print(f"{name}: {len(tune)} tuning, {len(held)} held out")


if __name__ == "__main__":
    main()
