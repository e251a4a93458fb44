"""The optimiser: the solver's indices and plans, the greedy plan and its repairs, the
bounds, the CP-SAT neighbourhoods (``model/``), the reasons for what is unmet, and
``solve(instance, params) -> Result`` (:mod:`~schemalaggning.engine.solve`)."""
