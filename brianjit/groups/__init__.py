"""Brian2's module path ``brian2.groups`` for the internals scripts import (``get_dtype``)."""
