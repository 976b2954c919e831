"""Write the schema files of manifest.json from local clones of their repositories.

Why the files are not in the repository: they are other projects' work, kept here by name and commit
only. Clone each `source` once (any clone holding the pinned commits will do), then:

    python tests/realworld/extract.py --repo openstreetmap=/path/to/openstreetmap-website \
        --repo graphile-starter=/path/to/starter --repo synapse=/path/to/synapse

and run the real-schema checks on them with the shared harness:

    python ../shared/tools/realworld.py --corpus tests/realworld --url ADMIN_URL

(graphile-starter needs the roles graphile_starter and graphile_starter_visitor on that server.)
"""
from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).parent


def extract(name: str, repo: Path, entry: dict) -> list[Path]:
    tags = {entry["main"]} | {tag for pair in entry["pairs"] for tag in pair}
    out = []
    for tag in sorted(tags):
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", f"{tag}^{{commit}}"],
                                check=True, capture_output=True, text=True).stdout.strip()
        text = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{entry['path']}"],
                              check=True, capture_output=True, text=True).stdout
        target = HERE / name / f"{tag}.sql"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        out.append(target)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", action="append", default=[], metavar="NAME=PATH",
                    help="a clone (or bare git directory) of the named schema's source repository")
    args = ap.parse_args()
    repos = dict(r.split("=", 1) for r in args.repo)
    for entry in json.loads((HERE / "manifest.json").read_text()):
        if entry["name"] in repos:
            for path in extract(entry["name"], Path(repos[entry["name"]]), entry):
                print(path.relative_to(HERE))


if __name__ == "__main__":
    main()
