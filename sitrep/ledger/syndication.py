"""Syndication: which documents are copies or light rewrites of one story.

Two signals:

* **near-duplicate text**: a MinHash signature over 3-word shingles of the
  cleaned text; candidate pairs from LSH banding (``BANDS`` x ``ROWS``), kept when their estimated Jaccard
  similarity is at least ``COPY_JACCARD`` (or ``CREDITED_JACCARD`` when both
  credit the same agency);
* **wire credits**: "(Reuters)", "— AP", "PAP", "Source: Yonhap", a byline or
  credit line naming an agency. A credited agency is where the article's own,
  unattributed statements originate.

Documents linked by the first signal form a cluster; its origin is the
earliest-published member (then the smallest id), so the answer does not
depend on the order documents were ingested. Signatures are stored, never the
text, so rights-reserved documents take part too.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Document

if TYPE_CHECKING:  # datasketch pulls in scipy (seconds); imported where it is used
    from datasketch import MinHash

__all__ = [
    "AGENCIES",
    "VERSION",
    "SyndicationEntry",
    "band_keys",
    "canonical_outlet",
    "copies",
    "origin_key",
    "origins",
    "signature",
    "similarity",
    "wire_credit",
]

VERSION = "sitrep.syndication.v1"
NUM_PERM = 128
SHINGLE_WORDS = 3
SCHEME = "affine32"  # datasketch permutation scheme; signatures are stored as uint32
MIN_WORDS = 12  # shorter texts are too short to call copies
COPY_JACCARD = 0.5
CREDITED_JACCARD = 0.3
# LSH banding over the signature: 42 bands of 3 values find pairs at Jaccard 0.3 with
# probability ~0.68, 0.4 ~0.93, 0.5 ~0.995, and almost never pair unrelated texts (0.01: 4e-5).
BANDS = 42
ROWS = 3

#: canonical agency name -> names and abbreviations as credited
AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Associated Press": ("Associated Press", "AP"),
    "Agence France-Presse": ("Agence France-Presse", "Agence France Presse", "AFP"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "Polish Press Agency": ("Polish Press Agency", "PAP"),
    "TASS": ("TASS", "ITAR-TASS"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Interfax": ("Interfax", "Interfax-Ukraine"),
    "Ukrinform": ("Ukrinform",),
    "UNIAN": ("UNIAN",),
    "Xinhua": ("Xinhua", "Xinhua News Agency"),
    "Korean Central News Agency": ("Korean Central News Agency", "KCNA"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "dpa": ("Deutsche Presse-Agentur", "dpa", "DPA"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "Anadolu Agency": ("Anadolu Agency", "Anadolu", "AA"),
    "Press Trust of India": ("Press Trust of India", "PTI"),
    "Asian News International": ("Asian News International", "ANI"),
    "Bernama": ("Bernama",),
    "Antara": ("Antara",),
    "IRNA": ("IRNA", "Islamic Republic News Agency"),
    "WAFA": ("WAFA",),
    "Bloomberg": ("Bloomberg",),
}

_ALIAS: dict[str, str] = {}
for _canon, _names in AGENCIES.items():
    for _n in _names:
        _ALIAS[_n.casefold()] = _canon
_ACRONYMS = sorted(
    {n for ns in AGENCIES.values() for n in ns if n.isupper() and len(n) <= 5},
    key=len,
    reverse=True,
)
_WORDS = sorted(
    {n for ns in AGENCIES.values() for n in ns if not (n.isupper() and len(n) <= 5)},
    key=len,
    reverse=True,
)
# Long names match case-insensitively, acronyms only in capitals ("AP", not "ap").
_NAME_RX = (
    r"(?:(?i:"
    + "|".join(re.escape(w) for w in _WORDS)
    + r")|"
    + "|".join(re.escape(a) for a in _ACRONYMS)
    + r")"
)
_CREDIT_PATTERNS = (
    re.compile(r"\((" + _NAME_RX + r")\)"),  # "SEOUL (Reuters) -"
    re.compile(r"[—–-]{1,2}\s*(" + _NAME_RX + r")\s*$", re.M),  # "... — AP"
    re.compile(r"^\s*(" + _NAME_RX + r")\s*$", re.M),  # a line that is only "PAP"
    re.compile(
        r"(?i:source|sources|credit|via|with reporting by|additional reporting by)\s*:?\s*("
        + _NAME_RX
        + r")\b"
    ),
)
_NAME_ONLY = re.compile(r"(?<![\w-])(" + _NAME_RX + r")(?![\w-])")
_WORD = re.compile(r"\w+", re.UNICODE)


def canonical_outlet(name: str | None) -> str | None:
    """The canonical agency name for a credited name ("AP" -> "Associated Press"), else None."""
    if not name:
        return None
    return _ALIAS.get(name.strip().casefold())


def wire_credit(doc: Document) -> str | None:
    """The agency the document credits for its story, or None.

    Looks at the publisher, the byline, credit lines the cleaner removed, and
    the head and tail of the text.
    """
    publisher = canonical_outlet(doc.publisher)
    if publisher:
        return publisher
    if doc.byline:
        m = _NAME_ONLY.search(doc.byline)
        if m:
            return canonical_outlet(m.group(1))
    for r in doc.removed:
        if r.kind == "credit":
            m = _NAME_ONLY.search(r.text)
            if m:
                return canonical_outlet(m.group(1))
    text = doc.text or ""
    for part in (text[:400], text[-300:]):
        for rx in _CREDIT_PATTERNS:
            m = rx.search(part)
            if m:
                return canonical_outlet(m.group(1))
    return None


def _shingles(text: str) -> set[bytes]:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return set()
    n = SHINGLE_WORDS
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


@functools.lru_cache(maxsize=1)
def _template() -> MinHash:
    """One MinHash whose permutations every signature reuses (building them is the slow part)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)


def signature(text: str | None) -> bytes | None:
    """The MinHash signature of a cleaned text (``NUM_PERM`` uint32 values), or None if too short."""
    sh = _shingles(text or "")
    if not sh:
        return None
    import numpy as np
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_template().permutations)
    mh.update_batch(sorted(sh))
    return np.asarray(mh.hashvalues, dtype=np.uint32).tobytes()


def band_keys(sig: bytes) -> list[int]:
    """The signature's LSH bucket keys, one per band (``BANDS`` bands of ``ROWS`` values):
    a signed 64-bit hash of the band number and its values. The ledger stores them
    (``doc_bands``) so a new document is compared only with those sharing a bucket;
    :func:`origins` buckets by the same keys, so both find the same candidate pairs."""
    width = ROWS * 4  # bytes per band of uint32 values
    return [
        int.from_bytes(
            hashlib.blake2b(
                band.to_bytes(2, "little") + sig[band * width : (band + 1) * width], digest_size=8
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    ]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    import numpy as np

    va, vb = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(va == vb)) / NUM_PERM


def copies(a: SyndicationEntry, b: SyndicationEntry, sim: float) -> bool:
    """Whether two documents with signature similarity ``sim`` are one story."""
    same_wire = a.wire is not None and a.wire == b.wire
    return sim >= COPY_JACCARD or (same_wire and sim >= CREDITED_JACCARD)


def _candidate_pairs(sigs: list[bytes]) -> set[tuple[int, int]]:
    """Pairs (i < j) sharing at least one LSH bucket (see :func:`band_keys`)."""
    buckets: dict[int, list[int]] = {}
    for i, sig in enumerate(sigs):
        for key in band_keys(sig):
            buckets.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    return pairs


@dataclass(frozen=True, slots=True)
class SyndicationEntry:
    """What syndication needs of one stored document."""

    document_id: str
    published: str | None
    wire: str | None
    signature: bytes | None


def _origin_key(e: SyndicationEntry) -> tuple[str, str]:
    return origin_key(e.published, e.document_id)


def origin_key(published: str | None, document_id: str) -> tuple[str, str]:
    """What a story's origin is the smallest of: publication date (undated last), then id."""
    return (published or "9999-99-99", document_id)


def origins(entries: Iterable[SyndicationEntry]) -> dict[str, str]:
    """document id -> origin document id, for every entry (singletons map to themselves)."""
    items: Sequence[SyndicationEntry] = sorted(entries, key=lambda e: e.document_id)
    parent = {e.document_id: e.document_id for e in items}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    with_sig = [e for e in items if e.signature is not None]
    if len(with_sig) > 1:
        import numpy as np

        sigs = [e.signature for e in with_sig if e.signature is not None]
        values = np.frombuffer(b"".join(sigs), dtype=np.uint32).reshape(len(sigs), NUM_PERM)
        for i, j in sorted(_candidate_pairs(sigs)):
            sim = float(np.count_nonzero(values[i] == values[j])) / NUM_PERM
            a, b = with_sig[i], with_sig[j]
            if copies(a, b, sim):
                union(a.document_id, b.document_id)
    clusters: dict[str, list[SyndicationEntry]] = {}
    for e in items:
        clusters.setdefault(find(e.document_id), []).append(e)
    out: dict[str, str] = {}
    for members in clusters.values():
        origin = min(members, key=_origin_key).document_id
        for m in members:
            out[m.document_id] = origin
    return out
