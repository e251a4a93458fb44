"""What-if questions rather than plans to publish: the capacity report (``capacity/``),
scenario sweeps on Dask (``sweep``, ``sweep_report``), and the benchmark beside a greedy and
a MIP baseline (``bench/``, ``baselines/``)."""
