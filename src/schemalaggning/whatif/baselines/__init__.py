"""Baselines the product is compared with in the benchmarks.

:mod:`schemalaggning.whatif.baselines.mip` gives the product's formulation, over every course and
the whole horizon at once, to a MIP solver (HiGHS).
"""
