"""keep_freed_memory: inside model calls big blocks come from the heap and stay there."""

from __future__ import annotations

import ctypes
import platform

import numpy as np
import pytest

from redactor.ingest import SAMPLE_RATE
from redactor.models import WhisperSpec
from redactor.transcribe import FasterWhisperTranscriber, keep_freed_memory

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _mallinfo() -> _MallInfo2:
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    return libc.mallinfo2()


def test_inside_a_model_call_a_big_block_comes_from_the_heap_and_is_kept() -> None:
    with keep_freed_memory() as kept:
        assert kept is True
        before = _mallinfo()
        block = np.ones(64 * 2**20 // 8)  # 64 MB: glibc mmaps anything over 32 MB by default
        during = _mallinfo()
        assert during.hblkhd == before.hblkhd  # not an mmapped block of its own
        assert during.uordblks - before.uordblks >= block.nbytes
        del block
        after = _mallinfo()
        assert after.arena >= during.arena  # freed, the heap is not trimmed back to the kernel
        assert after.fordblks >= 60 * 2**20  # kept as free heap for the next pass


def test_outside_model_calls_big_blocks_are_mmapped_and_handed_back() -> None:
    with keep_freed_memory():
        pass
    before = _mallinfo()
    # larger than all the free heap (a block that fits in the kept heap is served from it)
    block = np.ones((before.fordblks + 64 * 2**20) // 8)
    assert _mallinfo().hblkhd - before.hblkhd >= block.nbytes
    del block
    assert _mallinfo().hblkhd == before.hblkhd


def test_nested_calls_keep_the_setting_until_the_outermost_ends() -> None:
    with keep_freed_memory():
        with keep_freed_memory():
            pass
        before = _mallinfo()
        block = np.ones(64 * 2**20 // 8)
        assert _mallinfo().hblkhd == before.hblkhd
        del block


def test_only_short_inputs_are_decoded_with_freed_memory_kept() -> None:
    tr = FasterWhisperTranscriber(WhisperSpec())  # the model is not loaded for this
    short = np.zeros(int(tr.KEEP_MEMORY_MAX_S * SAMPLE_RATE), np.float32)
    long = np.zeros(int(tr.KEEP_MEMORY_MAX_S * SAMPLE_RATE) + 1, np.float32)
    with tr._kept_for(short) as kept:
        assert kept is True
    with tr._kept_for(long) as kept:
        assert kept is False
