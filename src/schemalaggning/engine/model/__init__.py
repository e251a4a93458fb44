"""The CP-SAT course model: candidates, variables, constraint families, objective, search."""
