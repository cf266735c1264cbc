"""Random inspection planning (双随机): plans and their draw, inspectors' conflicts of
interest, and assignments.

The arrow points from inspection to planning: recording an inspection needs to know whether
the inspector holds an assignment covering the batch and is not conflicted with its enterprise
(``app.inspection.service`` imports ``assignments`` and ``staffing``), while drawing and
assigning never read inspection results. So planning imports nothing from ``app.inspection``.
"""
