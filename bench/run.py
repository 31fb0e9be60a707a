"""`make bench`: every benchmark in this folder, one after the other."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# peers.py needs optional packages; it is run by hand (see docs/benchmarks.md).
SKIP = {"run.py", "peers.py"}

failed = 0
for script in sorted(HERE.glob("*.py")):
    if script.name in SKIP:
        continue
    print(f"\n== {script.name}", flush=True)
    failed |= subprocess.call([sys.executable, str(script)])
sys.exit(failed)
