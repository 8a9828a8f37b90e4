import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# the tests' examples, the harness's oracles and these helpers
for folder in (Path(__file__).parent, Path(__file__).parent.parent / "tests"):
    sys.path.insert(0, str(folder))
