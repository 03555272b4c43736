"""``brian2.equations.refractory``: the identifier check for the names refractoriness adds
(defined in :mod:`brianjit.model.equations`; refractoriness itself is
:mod:`brianjit.model.refractoriness`)."""
from ..model.equations import check_identifier_refractory

__all__ = ["check_identifier_refractory"]
