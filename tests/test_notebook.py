"""The quickstart notebook runs top to bottom in a fresh kernel and shows what it promises."""
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).parent.parent / "notebooks" / "01_quickstart.ipynb"


def _text_outputs(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


@pytest.mark.slow
def test_quickstart_notebook_executes_with_expected_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    first, second, third = (_text_outputs(c) for c in code)
    spikes = int(first.split("spikes:")[1].split()[0])
    assert spikes > 0
    assert "mean rate:" in first and "Hz" in first
    assert "t = 150. ms" in second
    assert "build time of the second run: 0.0 s" in second
    assert "kernel neurongroup" in third and "define" in third
