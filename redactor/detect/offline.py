"""Keep Presidio offline: tldextract must use its bundled public-suffix snapshot.

Presidio's email recognizer calls ``tldextract.extract``, whose module-level extractor tries to
download the public suffix list on first use (and prints a long traceback when it cannot).
Replace it with one that has no URLs and no cache directory, so it reads the snapshot that
ships inside the package. Call before building an analyzer.
"""

from __future__ import annotations

import os

_done = False


def use_bundled_suffix_list() -> None:
    global _done
    if _done:
        return
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    _done = True
