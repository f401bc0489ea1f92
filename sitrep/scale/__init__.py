"""Scale-out ingest on a Dask cluster (the ``cluster`` extra: dask + distributed).

``sitrep ingest PATH... --db postgresql://... --scheduler tcp://HOST:8786``
(or ``--workers N`` for a cluster of N local processes) reads the inputs in
partitions, extracts on the workers (each loads the pipeline once), writes
batches to the ledger in transactions, and fuses once at the end: the same
ledger a single-process ingest gives. See docs/cluster.md.

- :mod:`.partitions` splits inputs into partitions and reads one
- :mod:`.worker` is the task a worker runs on a partition
- :mod:`.client` plans, submits, counts, stores rejections and fuses
"""

from __future__ import annotations

from .client import ClusterResult, cluster_ingest, dask_client
from .partitions import Partition, plan, read_partition
from .worker import Job, PartitionResult, run_partition

__all__ = [
    "ClusterResult",
    "Job",
    "Partition",
    "PartitionResult",
    "cluster_ingest",
    "dask_client",
    "plan",
    "read_partition",
    "run_partition",
]
