"""Imported once by the server that worker processes are forked from (see
`WorkerPool`): the default pipeline built and run on a short article, so every
worker starts with the segmenter's dictionary and the gazetteer loaded, which
otherwise take seconds per worker."""
import gc

from urbandb.loaders.pipeline import extract_file, process_pipeline
from urbandb.loaders.workers import WARM_UP_PATH, WARM_UP_TEXT

try:
    extract_file(WARM_UP_PATH, WARM_UP_TEXT.encode("utf-8"), process_pipeline())
except Exception:  # the server must start regardless: each worker then builds its own and reports what fails
    pass
# Out of the collector's sight: a collection in a worker would otherwise touch
# every object of the gazetteer and copy the pages it shares with the server.
gc.freeze()
