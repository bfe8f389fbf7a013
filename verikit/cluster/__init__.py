"""Cluster checking on Ray: a hash-partitioned, level-synchronous BFS (docs/cluster.md).

`check.py` is the driver's side (`verikit check --cluster`), over the whole pipeline;
`worker.py` is what each worker process runs, over the native runtime alone. Nothing is
imported here, so that a worker process starts without the driver's imports (lark, the
compiler, the engines: 0.15 s of every run's start).
"""
