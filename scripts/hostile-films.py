#!/usr/bin/env python3
"""Writes the large films BENCHMARKS.md ("Hostile input (issue 19)") measures the checker on.

    scripts/hostile-films.py DIR valid|errors BYTES PARTS

DIR/film.scene (film block, a character, a location, and PARTS imports) and DIR/part*.scene,
BYTES of script in all, split evenly over the PARTS + 1 files. `valid` repeats a small
complete scene; `errors` repeats scenes of 200 `ghostN_I at center` lines (unknown names).
"""
import os
import sys

out, kind, total, parts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out, exist_ok=True)
open(os.path.join(out, "scene.toml"), "w").write("")
per = total // (parts + 1)


def body(tag):
    chunks, n, size = [], 0, 0
    while size < per:
        if kind == "valid":
            chunk = (
                f"scene {tag}s{n} at street {{\n    shot {tag}a{n} 2s {{\n        camera wide\n"
                f"        aiko enters left, walks to center over 1s\n"
                f'        prompt "rain falls on shot {n}"\n'
                f'        aiko says "Line number {n} of the film."\n    }}\n}}\n'
            )
        else:
            chunk = (
                f"scene {tag}s{n} at street {{ shot {tag}a{n} 2s {{\n"
                + "".join(f" ghost{n}_{i} at center\n" for i in range(200))
                + "} }\n"
            )
        chunks.append(chunk)
        size += len(chunk)
        n += 1
    return "".join(chunks)


head = "".join(f'import "part{i}.scene"\n' for i in range(parts))
head += 'film "Big" {\n    size 768x512\n    fps 24\n    seed 1\n}\n'
head += 'character aiko { description "a woman" }\nlocation street { description "a wet street" }\n'
open(os.path.join(out, "film.scene"), "w").write(head + body("e"))
for i in range(parts):
    open(os.path.join(out, f"part{i}.scene"), "w").write(body(f"p{i}"))
