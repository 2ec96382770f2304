"""Rolled-up counts (table `response_cells`): kept with the rows, checked against them.

`cells` says how a cell is counted from the rows (one SQL aggregate, the same for
upkeep, rebuild and check); `upkeep` adds and removes responses' contributions in the
writer's transaction; `check` compares the cells with the rows; `reading` gives the
reporting code the cells as it used to read the responses.
"""
