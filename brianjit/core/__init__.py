"""Brian2's ``brian2.core`` module paths that scripts import from (``from brian2.core.functions
import timestep``): each module here re-exports brianjit's objects under Brian2's path."""
