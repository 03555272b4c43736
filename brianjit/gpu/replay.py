"""How a chunk's steps reach the device: CUDA graphs replayed, or one launch per kernel per step.

Both run the same launches in the same order on the same state, so they give the same bits; they
differ in the host calls per chunk. Every entry takes ``(slots, offset, control)`` and finds its
step at ``control.base + offset`` (``gpu.control``); the runtime sets ``base`` to the chunk's
first step before either runs.

* :class:`GraphReplay` (``api.graphs``): a graph of ``K = 64`` steps holds every launch at
  offsets ``0..K-1`` in the step's order and then ``ADVANCE(control, K)``; the chunk replays it
  ``n // K`` times and the graphs of ``32, 16, ..., 1`` steps for the bits of ``n % K``, so a
  chunk of ``n`` steps costs at most ``n / 64 + 6`` host calls, whatever the kernels. The graphs
  are built on first use (at most 127 steps' launches in all) and kept while the device slot
  table and control block stay where they are. A graph holds every launch at every offset:
  which offsets a slower clock ticks at depends on where the replay starts, so a launch whose
  clock does not tick returns at once on the device (a microsecond or two of GPU time, where a
  host launch costs 5-25 us).
* :class:`PerLaunch`: one ``launch`` per kernel per step where its clock ticks, the offset the
  step less the chunk's first: for drivers without the graph calls (older than CUDA 11.4), or
  when ``prefs.brianjit.gpu_graphs`` is False.

:func:`choose_replay` decides once per program, from the preference and what the driver has,
and says so in the log when a driver without graphs forces one launch per kernel per step.
"""
from __future__ import annotations

import ctypes

from ..utils.logger import get_logger

__all__ = ["GraphReplay", "PerLaunch", "choose_replay", "GRAPH_STEPS"]

#: the steps of the largest graph (a power of two)
GRAPH_STEPS = 64

logger = get_logger(__name__)


class PerLaunch:
    """One host launch per kernel per step (see the module docstring)."""

    name = "per-launch"

    def __init__(self, api, launches, advance):
        self.api, self.launches = api, launches

    def run(self, table: int, control: int, start: int, stop: int) -> None:
        api = self.api
        table, control = ctypes.c_void_p(table), ctypes.c_void_p(control)
        for step in range(start, stop):
            for fn, launch in self.launches:
                if step % launch.period == 0:
                    api.launch(fn, launch.threads, table, ctypes.c_int64(step - start), control)

    def release(self) -> None:
        pass


class GraphReplay:
    """Graphs of ``GRAPH_STEPS``, ..., 2, 1 steps replayed (see the module docstring)."""

    name = "graphs"

    def __init__(self, api, launches, advance):
        self.api, self.launches, self.advance = api, launches, advance
        self._graphs = {}
        self._built_for = None

    def run(self, table: int, control: int, start: int, stop: int) -> None:
        if self._built_for != (table, control):
            self.release()
            self._built_for = (table, control)
        whole, rest = divmod(stop - start, GRAPH_STEPS)
        for _ in range(whole):
            self.api.launch_graph(self._graph(GRAPH_STEPS))
        size = GRAPH_STEPS
        while size > 1:
            size //= 2
            if rest & size:
                self.api.launch_graph(self._graph(size))

    def _graph(self, steps):
        graph = self._graphs.get(steps)
        if graph is None:
            table, control = (ctypes.c_void_p(a) for a in self._built_for)
            launches = [(fn, launch.threads, (table, ctypes.c_int64(offset), control))
                        for offset in range(steps) for fn, launch in self.launches]
            launches.append((self.advance, 1, (control, ctypes.c_int64(steps))))
            graph = self._graphs[steps] = self.api.graph(launches)
        return graph

    def release(self) -> None:
        for graph in self._graphs.values():
            self.api.release_graph(graph)
        self._graphs.clear()


def choose_replay(api, wanted: bool):
    """:class:`GraphReplay` if ``wanted`` (``prefs.brianjit.gpu_graphs``) and ``api`` has
    graphs, else :class:`PerLaunch` (logged when the driver is why)."""
    if not wanted:
        return PerLaunch
    if api.graphs:
        return GraphReplay
    missing = ", ".join(api.missing_graph_calls)
    logger.info(f"the GPU driver has no CUDA graphs (missing: {missing}; CUDA 11.4 or newer "
                f"has them): one launch per kernel per step", once=True)
    return PerLaunch
