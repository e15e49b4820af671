#!/usr/bin/env python3
"""Independent check of scenec's Content Credentials with the CAI's own reader.

Reads a signed MP4 with `c2pa-python` (the Content Authenticity Initiative's Python bindings of
its C2PA SDK, a build and version independent of the `c2pa` crate scenec signs with) and checks
what scenec declares:

  python3 tests/c2pa/check.py FILE.mp4 --sidecar FILE.provenance.json \\
      --source-type trainedAlgorithmicMedia --title "Film" [--trust ROOT.pem]
  python3 tests/c2pa/check.py FILE.mp4 --expect-mismatch
  python3 tests/c2pa/check.py --setup          # only build the venv

Checked: the signature validates (and, with --trust, the chain is trusted); the hard binding
matches; the first action is `c2pa.created` with the IPTC digital source type given; the title
and the claim generator (`scenec/<version>`); scenec's assertion equals the provenance sidecar
(script and schedule hashes, per-shot schedule hashes, backend, seeds); every image and audio
file of the sidecar is an ingredient bound by the same SHA-256. With --expect-mismatch: the
reader reports the hard binding broken.

Prints the reader's manifest store JSON and one line `check.py: ok …` and exits 0, or says
what failed and exits 1. It creates tests/c2pa/.venv with pinned packages from PyPI on first
use and re-runs itself there; if that venv cannot be built it exits 2 with the reason (it never
skips).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SCENEC_C2PA_VENV", HERE / ".venv"))
# c2pa-python and everything it pulls in, pinned (pip freeze of a fresh venv).
PINS = [
    "c2pa-python==0.38.1",
    "certifi==2026.10.19.post1",
    "cffi==2.1.1",
    "charset-normalizer==3.5.3",
    "cryptography==50.0.2",
    "idna==3.20",
    "pycparser==3.12",
    "requests==2.34.2",
    "toml==0.10.2",
    "urllib3==2.8.0",
]

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SCENEC_ASSERTION = "org.scenec.provenance"
SHA256_KEY = "org.scenec.sha256"


def die_setup(reason):
    print(f"check.py: cannot build the c2pa-python venv in {VENV}: {reason}", file=sys.stderr)
    print(
        "check.py: it needs python3 with the venv module (Debian: python3-venv) and PyPI",
        file=sys.stderr,
    )
    sys.exit(2)


def ensure_venv():
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    marker = VENV / "pins.txt"
    pins = "\n".join(PINS)
    if not (py.exists() and marker.exists() and marker.read_text() == pins):
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(VENV)],
                check=True,
                capture_output=True,
                text=True,
            )
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "-q", "--no-input", *PINS],
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as e:
            die_setup(f"`{' '.join(e.cmd)}` failed:\n{e.stderr or e.stdout}")
        except OSError as e:
            die_setup(str(e))
        marker.write_text(pins)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def parse_args(argv):
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", nargs="?")
    p.add_argument("--sidecar")
    p.add_argument("--source-type")
    p.add_argument("--title")
    p.add_argument("--generator-version")
    p.add_argument("--trust")
    p.add_argument("--expect-mismatch", action="store_true")
    p.add_argument("--setup", action="store_true")
    args = p.parse_args(argv)
    if not args.setup and not args.file:
        p.error("FILE is required")
    if args.file and not args.expect_mismatch and not (args.sidecar and args.source_type and args.title):
        p.error("--sidecar, --source-type and --title are required unless --expect-mismatch")
    return args


def read_store(path, trust):
    import c2pa

    settings = {"verify": {"verify_trust": bool(trust), "ocsp_fetch": False}}
    if trust:
        settings["trust"] = {"trust_anchors": Path(trust).read_text()}
    with c2pa.Context.from_dict(settings) as context, open(path, "rb") as f:
        with c2pa.Reader("video/mp4", f, context=context) as reader:
            return json.loads(reader.json())


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, what):
        if not ok:
            self.items.append(what)


def codes(store, kind):
    active = (store.get("validation_results") or {}).get("activeManifest") or {}
    return [s.get("code") for s in active.get(kind, [])]


def check_signed(store, args, fail):
    failures = codes(store, "failure")
    successes = codes(store, "success")
    state = store.get("validation_state")
    if args.trust:
        fail.check(state == "Trusted", f"validation_state is {state!r}, expected 'Trusted'")
        fail.check(not failures, f"failures: {failures}")
    else:
        fail.check(state in ("Valid", "Trusted"), f"validation_state is {state!r}")
        fail.check(
            set(failures) <= {"signingCredential.untrusted"},
            f"failures other than an untrusted chain: {failures}",
        )
    fail.check("claimSignature.validated" in successes, f"no claimSignature.validated in {successes}")
    fail.check(
        any(c.endswith("Hash.match") for c in successes),
        f"no hard-binding match in {successes}",
    )

    manifest = store["manifests"][store["active_manifest"]]
    fail.check(manifest.get("title") == args.title, f"title {manifest.get('title')!r} != {args.title!r}")
    generators = manifest.get("claim_generator_info") or []
    fail.check(
        any(g.get("name") == "scenec" for g in generators),
        f"claim generator is not scenec: {generators}",
    )
    if args.generator_version:
        fail.check(
            any(g.get("version") == args.generator_version for g in generators),
            f"claim generator version is not {args.generator_version}: {generators}",
        )
    assertions = {a["label"]: a.get("data") for a in manifest.get("assertions", [])}

    actions = (assertions.get("c2pa.actions.v2") or assertions.get("c2pa.actions") or {}).get("actions", [])
    fail.check(bool(actions), "no actions assertion")
    if actions:
        first = actions[0]
        fail.check(first.get("action") == "c2pa.created", f"first action is {first.get('action')!r}")
        want = IPTC + args.source_type
        fail.check(
            first.get("digitalSourceType") == want,
            f"digitalSourceType {first.get('digitalSourceType')!r} != {want!r}",
        )

    sidecar = json.loads(Path(args.sidecar).read_text())
    ours = assertions.get(SCENEC_ASSERTION)
    fail.check(ours is not None, f"no {SCENEC_ASSERTION} assertion")
    if ours is not None:
        for key in ("script_sha256", "schedule_sha256", "backend", "tool", "title"):
            fail.check(ours.get(key) == sidecar.get(key), f"{key}: {ours.get(key)!r} != sidecar {sidecar.get(key)!r}")
        shots = [(s["name"], s["schedule_sha256"], s["seed"], s["cache_key"]) for s in ours.get("shots", [])]
        want_shots = [(s["name"], s["schedule_sha256"], s["seed"], s["cache_key"]) for s in sidecar["shots"]]
        fail.check(shots == want_shots, f"shots {shots} != sidecar {want_shots}")
        fail.check(ours == sidecar, "the assertion differs from the sidecar")

    files = {}
    for shot in sidecar["shots"]:
        for i in shot["inputs"]:
            files[i["path"]] = i["sha256"]
    for a in sidecar["audio"]:
        files[a["path"]] = a["sha256"]
    ingredients = {i.get("title"): i for i in manifest.get("ingredients", [])}
    for path, sha in sorted(files.items()):
        ing = ingredients.get(path)
        fail.check(ing is not None, f"no ingredient for {path}")
        if ing is not None:
            got = (ing.get("metadata") or {}).get(SHA256_KEY)
            fail.check(got == sha, f"ingredient {path}: sha256 {got} != sidecar {sha}")
    return f"{state}, {len(actions)} actions, {len(ingredients)} ingredients, digitalSourceType {args.source_type}"


def check_mismatch(store, fail):
    failures = codes(store, "failure")
    fail.check(
        any(c.endswith("Hash.mismatch") for c in failures),
        f"no hard-binding mismatch reported; failures: {failures}",
    )
    state = store.get("validation_state")
    fail.check(state == "Invalid", f"validation_state is {state!r}, expected 'Invalid'")
    return f"binding mismatch reported ({[c for c in failures if c.endswith('mismatch')]})"


def main():
    args = parse_args(sys.argv[1:])
    ensure_venv()
    import c2pa

    if args.setup:
        print(f"check.py: c2pa-python ready (SDK {c2pa.sdk_version()}) in {VENV}")
        return 0
    store = read_store(args.file, args.trust)
    print(json.dumps(store, indent=2))
    fail = Failures()
    summary = check_mismatch(store, fail) if args.expect_mismatch else check_signed(store, args, fail)
    if fail.items:
        for item in fail.items:
            print(f"check.py: FAILED: {item}", file=sys.stderr)
        return 1
    print(f"check.py: ok ({summary}; c2pa-python SDK {c2pa.sdk_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
