"""Helpers for tests and benchmarks: synthetic incidents, and the headless Chromium they drive.

Not part of the library's API and free of test frameworks (nothing here imports pytest or
playwright), so the benchmarks, the test suite and a notebook can all use it.
"""
