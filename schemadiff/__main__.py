"""`python -m schemadiff`: the same entry point as the `schemadiff` script, for environments
where the script is not on PATH (`python -m schemadiff.cli.main` would load the CLI module twice)."""
from schemadiff.cli.main import main

main()
