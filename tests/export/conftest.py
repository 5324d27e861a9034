import sys
from pathlib import Path

# the helper modules of this folder (export_helpers, export_toy, export_nodal) import by name
sys.path.insert(0, str(Path(__file__).parent))
