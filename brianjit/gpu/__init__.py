"""The GPU target (NVIDIA, through llvmlite's NVPTX back-end and the CUDA driver; no nvcc).

``lowering`` turns a network's kernels into the GPU form (one entry per launch) for NVPTX or for
the host (the CPU emulation; ``compaction`` its spike compaction by blocks), ``ptx`` compiles
the NVPTX form to PTX text, ``ptx_cache`` finds that text by the kernels' structure, ``targets`` builds a
network's program from it (emulated, or on a device), ``driver_api`` is the CUDA driver through
ctypes and its host twin, ``runtime`` keeps a network's state on the device and runs it,
``device`` is Brian2's ``set_device('cuda_standalone')``. See docs/architecture.md, "GPU
target". Nothing here is imported by the CPU back-end.
"""
