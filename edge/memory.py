"""The startup heap, frozen once per process: what the lifespan built to serve (the schema,
its validation rules, the policy tables, the models, the settings) lives as long as the
process, yet CPython's cyclic collector rescanned all of it — some 140,000 objects — on every
full collection: a 100–180 ms pause every thousand or so requests (measured in-process with
the dashboard), which is what a p99 sees. Frozen, those objects are never scanned again;
requests' own objects are collected as before.

Once per process (the collector is process-wide): a second app in the same process (tests)
neither freezes again nor moves its objects out of reach of the collector.
"""

from __future__ import annotations

import gc

_state = {"frozen": False}


def freeze_startup_heap() -> bool:
    """Collect what startup left over, then move every surviving object to the permanent
    generation. True the first time in this process, False after."""
    if _state["frozen"]:
        return False
    gc.collect()
    gc.freeze()
    _state["frozen"] = True
    return True
