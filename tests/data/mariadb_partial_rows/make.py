#!/usr/bin/env python3
"""Builds mysql-bin.000005 here from ../mariadb_types/mysql-bin.000005 (written by MariaDB 10.11)
by cutting every rows event into MariaDB 12.3 PARTIAL_ROW_DATA_EVENTs (type 172), as a 12.3 server
does with binlog_row_event_fragment_threshold, which 10.11 cannot. Layout, from MariaDB's
replication-protocol page for the event: post-header uint<4> sequence number (1-based),
uint<4> number of fragments, uint<1> flags; if flags & 0x01 (first fragment) uint<8> the original
event's size; then the fragment's bytes. The fragments carry the original rows event (common
header included) without its CRC32 trailer; each fragment has its own. log_pos of every later
event is moved and its CRC32 recomputed. Decoded, the file gives the rows of
../mariadb_types/expected.jsonl (checked against the server there), at other positions.

Usage: python3 make.py [FRAGMENT_BYTES]   (default 64)
"""
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS_TYPES = {23, 24, 25, 30, 31, 32, 166, 167, 168, 169, 170, 171}


def with_crc(head_and_body):
    return head_and_body + struct.pack('<I', zlib.crc32(head_and_body) & 0xffffffff)


def header(ts, type_code, server_id, size, log_pos, flags):
    return struct.pack('<IBIIIH', ts, type_code, server_id, size, log_pos, flags)


def fragments(event, chunk):
    """The PARTIAL_ROW_DATA events (without positions yet) carrying `event` (CRC32 stripped)."""
    ts, _, server_id, _, _, flags = struct.unpack('<IBIIIH', event[:19])
    inner = bytearray(event[:-4])
    struct.pack_into('<I', inner, 9, len(inner))  # event_size without the trailer
    pieces = [bytes(inner[i:i + chunk]) for i in range(0, len(inner), chunk)]
    out = []
    for seq, piece in enumerate(pieces, 1):
        body = struct.pack('<IIB', seq, len(pieces), 1 if seq == 1 else 0)
        if seq == 1:
            body += struct.pack('<Q', len(inner))
        out.append((ts, server_id, flags, body + piece))
    return out


def main():
    chunk = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    src = open(os.path.join(HERE, '..', 'mariadb_types', 'mysql-bin.000005'), 'rb').read()
    assert src[:4] == b'\xfebin'
    out = bytearray(src[:4])
    off = 4
    while off < len(src):
        ts, type_code, server_id, size, _, flags = struct.unpack('<IBIIIH', src[off:off + 19])
        event = src[off:off + size]
        off += size
        if type_code in ROWS_TYPES:
            for f_ts, f_sid, f_flags, body in fragments(event, chunk):
                n = 19 + len(body) + 4
                out += with_crc(header(f_ts, 172, f_sid, n, len(out) + n, f_flags) + body)
            continue
        if type_code == 15:  # FORMAT_DESCRIPTION: kept byte for byte (its CRC32 covers no position change)
            out += event
            continue
        moved = bytearray(event[:-4])
        struct.pack_into('<I', moved, 13, len(out) + size)
        out += with_crc(bytes(moved))
    open(os.path.join(HERE, 'mysql-bin.000005'), 'wb').write(out)


if __name__ == '__main__':
    main()
