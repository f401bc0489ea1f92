"""How the spaCy pipeline runs fast on a CPU: numerics and the attribute ruler.

Three measured costs of the stock ``en_core_web_sm`` pipeline, each removed
here without changing a single annotation:

- **Matrix products.** thinc's ``NumpyOps.gemm`` calls the bundled BLIS; on
  CPUs BLIS does not recognise (an AMD EPYC of family 25 in our CI) it falls
  back to its reference kernels and is 3x slower than the OpenBLAS inside
  numpy. :class:`MatmulOps` sends those products to ``numpy.matmul``.
- **BLAS threads.** OpenBLAS starts one thread per core; for the small
  matrices of one document that costs more than it gains, and in an ingest
  every core already runs a worker. :func:`limit_blas_threads` sets one
  thread per process (``SITREP_BLAS_THREADS`` overrides).
- **The attribute ruler.** spaCy's ``attribute_ruler`` runs a ``Matcher``
  whose ``TAG IN [...]`` predicates call back into Python for every token and
  pattern (22 ms for 600 words, more than the tagger and parser heads
  together). :func:`fast_attribute_ruler` compiles the same patterns into
  per-word and per-tag indexes and applies the same attributes in the same
  order (later patterns win), about twenty times faster. A pattern it cannot
  compile (an operator, an attribute it does not read) keeps spaCy's ruler.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import numpy
from thinc.api import NumpyOps

__all__ = ["MatmulOps", "fast_attribute_ruler", "limit_blas_threads", "matmul_ops"]


class MatmulOps(NumpyOps):
    """thinc's CPU ops with matrix products by numpy (OpenBLAS) instead of BLIS."""

    name = "sitrep_numpy"

    def gemm(
        self,
        x: Any,
        y: Any,
        out: Any = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


def matmul_ops() -> MatmulOps:
    """A fresh :class:`MatmulOps`, to be current while spaCy builds its models."""
    return MatmulOps()


_BLAS_LIMIT: Any = None


def limit_blas_threads() -> int:
    """Limit BLAS to ``SITREP_BLAS_THREADS`` threads (default 1) for this process;
    returns the limit. Called once when the pipeline is loaded."""
    global _BLAS_LIMIT
    try:
        threads = max(1, int(os.environ.get("SITREP_BLAS_THREADS", "1")))
    except ValueError:
        threads = 1
    if _BLAS_LIMIT is None:
        from threadpoolctl import threadpool_limits

        _BLAS_LIMIT = threadpool_limits(limits=threads, user_api="blas")
    return threads


# --- the attribute ruler ---------------------------------------------------

_READS = {"LOWER", "TAG", "DEP", "IS_SPACE"}
_SEEN_MAX = 200_000
Check = Callable[[Any], bool]


class _Unsupported(Exception):
    pass


def _value_check(attr: str, spec: Any) -> tuple[Check, Any]:
    """A test of one token attribute, and the plain value it equals (or None)."""
    get: Callable[[Any], Any]
    if attr == "LOWER":
        get = lambda t: t.lower_  # noqa: E731
    elif attr == "TAG":
        get = lambda t: t.tag_  # noqa: E731
    elif attr == "DEP":
        get = lambda t: t.dep_  # noqa: E731
    elif attr == "IS_SPACE":
        get = lambda t: t.is_space  # noqa: E731
    else:
        raise _Unsupported(attr)
    if isinstance(spec, dict):
        if set(spec) == {"IN"}:
            values = frozenset(spec["IN"])
            return (lambda t: get(t) in values), None
        if set(spec) == {"NOT_IN"}:
            values = frozenset(spec["NOT_IN"])
            return (lambda t: get(t) not in values), None
        if set(spec) == {"REGEX"}:
            rx = re.compile(spec["REGEX"])
            return (lambda t: rx.search(get(t)) is not None), None
        raise _Unsupported(str(spec))
    if isinstance(spec, bool) or not isinstance(spec, str):
        return (lambda t: get(t) == spec), None
    return (lambda t: get(t) == spec), spec


class _Rule:
    """One compiled pattern: token checks, the index of the token it sets, the attrs id."""

    __slots__ = ("attr_id", "checks", "index", "length")

    def __init__(self, attr_id: int, checks: list[list[Check]], index: int) -> None:
        self.attr_id = attr_id
        self.checks = checks
        self.length = len(checks)
        self.index = index if index >= 0 else len(checks) + index
        if not 0 <= self.index < self.length:
            raise _Unsupported("index outside the pattern")

    def matches(self, toks: list[Any], start: int) -> bool:
        if start + self.length > len(toks):
            return False
        return all(
            check(toks[start + k]) for k, checks in enumerate(self.checks) for check in checks
        )


class FastAttributeRuler:
    """spaCy's attribute ruler, compiled to indexes (see the module docstring)."""

    def __init__(self, ruler: Any) -> None:
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self.attrs = ruler.attrs
        self.by_lower: dict[str, list[_Rule]] = {}
        self.by_tag: dict[str, list[_Rule]] = {}
        self.always: list[_Rule] = []
        self.multi: dict[str | None, list[_Rule]] = {}
        self._seen: dict[tuple[str, str, str], tuple[tuple[int, ...], tuple[_Rule, ...]]] = {}
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                self._compile(attr_id, pattern, entry.get("index", 0))

    def _compile(self, attr_id: int, pattern: list[dict[str, Any]], index: int) -> None:
        checks: list[list[Check]] = []
        first_lower = first_tags = None
        for k, spec in enumerate(pattern):
            if not isinstance(spec, dict) or set(spec) - _READS:
                raise _Unsupported(str(spec))
            token_checks = []
            for attr, value in spec.items():
                check, plain = _value_check(attr, value)
                token_checks.append(check)
                if k == 0 and plain is not None and attr == "LOWER":
                    first_lower = plain
                if k == 0 and attr == "TAG":
                    if plain is not None:
                        first_tags = [plain]
                    elif isinstance(value, dict) and set(value) == {"IN"}:
                        first_tags = list(value["IN"])
            checks.append(token_checks)
        rule = _Rule(attr_id, checks, index)
        if rule.length > 1:
            self.multi.setdefault(first_lower, []).append(rule)  # None: tried everywhere
        elif first_lower is not None:
            self.by_lower.setdefault(first_lower, []).append(rule)
        elif first_tags is not None:
            for tag in first_tags:
                self.by_tag.setdefault(tag, []).append(rule)
        else:
            self.always.append(rule)

    def _rules_for(self, tok: Any, key: tuple[str, str, str]) -> tuple[tuple[int, ...], tuple[_Rule, ...]]:
        """For a token with this key: the ids of the one-token rules that hold, and
        the longer rules whose first token holds. A rule's first token reads only
        the word, its tag and its dependency (whitespace is a property of the word),
        so the answer is cached by them."""
        found = self._seen.get(key)
        if found is None:
            candidates = [
                rule
                for group in (self.by_lower.get(key[0]), self.by_tag.get(key[1]), self.always)
                if group
                for rule in group
            ]
            candidates += self.multi.get(key[0], [])
            candidates += self.multi.get(None, [])
            first = [r for r in candidates if all(check(tok) for check in r.checks[0])]
            found = (
                tuple(r.attr_id for r in first if r.length == 1),
                tuple(r for r in first if r.length > 1),
            )
            if len(self._seen) >= _SEEN_MAX:
                self._seen.clear()
            self._seen[key] = found
        return found

    def __call__(self, doc: Any) -> Any:
        toks = list(doc)
        hits: list[tuple[int, int]] = []  # (attrs id, token index)
        rules_for = self._rules_for
        for i, tok in enumerate(toks):
            single, longer = rules_for(tok, (tok.lower_, tok.tag_, tok.dep_))
            for attr_id in single:
                hits.append((attr_id, i))
            for rule in longer:
                if rule.matches(toks, i):
                    hits.append((rule.attr_id, i + rule.index))
        hits.sort()  # spaCy applies matches by attribute id: later patterns win
        for attr_id, i in hits:
            self._set(toks[i], self.attrs[attr_id])
        return doc


_FACTORY = "sitrep_attribute_ruler"
_STOCK = "attribute_ruler"


def _make_fast_ruler(nlp: Any, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe(_STOCK))


def fast_attribute_ruler(nlp: Any) -> bool:
    """Replace ``nlp``'s attribute ruler by its compiled equivalent, under the same
    name; False (and the stock ruler kept) when a pattern uses what the compiler
    does not support."""
    if _STOCK not in nlp.pipe_names:
        return False
    try:
        FastAttributeRuler(nlp.get_pipe(_STOCK))
    except (_Unsupported, KeyError, TypeError, re.error):
        return False
    from spacy.language import Language

    if not Language.has_factory(_FACTORY):
        Language.factory(_FACTORY, func=_make_fast_ruler)
    nlp.add_pipe(_FACTORY, name=_FACTORY, before=_STOCK)
    nlp.remove_pipe(_STOCK)
    nlp.rename_pipe(_FACTORY, _STOCK)
    return True
