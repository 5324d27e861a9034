import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MATSIM_QUIET", "1")
