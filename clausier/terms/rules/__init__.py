"""Pure contract rules, one module per service line: inputs, a pack and `now` in, results out.

Every result carries the `ClauseRef` of the pack entry it comes from.
"""
