"""One buffer's contents in several spans of memory, embedded as they lie."""

from __future__ import annotations

__all__ = ["Joined"]


class Joined:
    """Buffer contents in several pieces of memory, one after another (the chunks of an arrow
    text column): embedded as they lie, never copied into one."""

    def __init__(self, segments: list[memoryview]):
        self.segments = segments

    def __len__(self) -> int:
        return sum(len(segment) for segment in self.segments)

    def __bytes__(self) -> bytes:
        return b"".join(self.segments)
